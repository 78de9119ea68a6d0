// Builds a benchmark study database: n participants from bench/crm-data.mjs through
// import_participants, 10 questions (8 structured, 2 open-ended), and every participant's answers,
// a quote and themes written straight into SQLite (as record_interview would store them, much faster).
// Usage: node bench/study-data.mjs n db  → JSON {study_id}
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { random, run, workDir, zipf } from './lib.mjs';

const [n, db] = [Number(process.argv[2]), process.argv[3]];
const csv = join(workDir, `crm-${n}.csv`);
if (!existsSync(csv)) run(process.execPath, ['bench/crm-data.mjs', String(n), csv]);
rmSync(db, { force: true });
run(process.execPath, ['bench/import-run.mjs', csv, db]);

const sql = new Database(db);
const now = new Date().toISOString();
const questions = [
  ['satisfaction', 'scale', 'How satisfied are you overall?', null, 0, 10],
  ['value', 'scale', 'How much value do you get?', null, 1, 5],
  ['onboarding', 'scale', 'How easy was onboarding?', null, 1, 7],
  ['use_case', 'single_choice', 'Primary use case?', ['Survey analysis', 'Churn analysis', 'Product discovery', 'Sales enablement']],
  ['channel', 'single_choice', 'How did you find us?', ['Search', 'Referral', 'Event', 'Ad', 'Partner']],
  ['integrations', 'multiple_choice', 'Which tools do you connect?', ['Slack', 'Jira', 'HubSpot', 'Salesforce', 'Zendesk']],
  ['factors', 'ranking', 'Rank the buying factors', ['Price', 'Speed', 'Features', 'Support', 'Trust']],
  ['team', 'yes_no', 'Do you use it with a team?'],
  ['why', 'open_ended', 'Why did you choose us?'],
  ['wish', 'open_ended', 'What would you change?'],
];
const insertQuestion = sql.prepare('INSERT INTO questions (study_id, key, type, text, options, scale_min, scale_max, required, position, created_at) VALUES (1, ?, ?, ?, ?, ?, ?, 0, ?, ?)');
questions.forEach(([key, type, text, options, min, max], i) => insertQuestion.run(key, type, text, options ? JSON.stringify(options) : null, min ?? null, max ?? null, i + 1, now));
const qid = new Map(sql.prepare('SELECT key, id FROM questions').all().map((r) => [r.key, r.id]));
const participants = sql.prepare("SELECT id, json_extract(attributes, '$.plan') AS plan FROM participants ORDER BY id").all();
const rnd = random(99);
const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
// Words follow Zipf's law (s = 1.1) over a 3,000-word vocabulary, as speech does: filler words
// are everywhere, the domain terms are spread over the ranks (price common, references rare), so
// a text search selects a realistic few percent of participants instead of everyone.
const domain = ['price', 'support', 'team', 'setup', 'reports', 'cheaper', 'integrations', 'onboarding', 'dashboards', 'slack', 'speed', 'security', 'tickets', 'import', 'survey', 'tagging', 'churn', 'pilot', 'wizard', 'references'];
const filler = ['the', 'we', 'and', 'it', 'to', 'a', 'is', 'that', 'our', 'for', 'really', 'just', 'was', 'but', 'so', 'with', 'they', 'have', 'when', 'like'];
const vocabulary = Array.from({ length: 3000 }, (_, rank) => `w${rank}`);
filler.forEach((w, i) => (vocabulary[i] = w));
domain.forEach((w, i) => (vocabulary[20 + Math.round(i ** 2.2)] = w)); // ranks 20 … ~680
const zipfWord = zipf(rnd, vocabulary);
const sentence = () => Array.from({ length: 8 + Math.floor(rnd() * 8) }, zipfWord).join(' ');
const interview = sql.prepare("INSERT INTO interviews (participant_id, status, interviewed_at, transcript, created_at, updated_at) VALUES (?, 'completed', ?, ?, ?, ?)");
const answer = sql.prepare('INSERT INTO answers (participant_id, question_id, value, answered_at) VALUES (?, ?, ?, ?)');
const quote = sql.prepare('INSERT INTO quotes (participant_id, question_id, text, created_at) VALUES (?, ?, ?, ?)');
const theme = sql.prepare('INSERT OR IGNORE INTO themes (study_id, code, created_at) VALUES (1, ?, ?)');
const evidence = sql.prepare('INSERT OR IGNORE INTO theme_evidence (theme_id, participant_id, evidence, created_at) VALUES ((SELECT id FROM themes WHERE code = ?), ?, ?, ?)');
const themes = ['price_sensitivity', 'integrations', 'needs_guidance', 'security_review', 'expansion', 'unclear_value'];
for (const t of themes) theme.run(t, now);
sql.transaction(() => {
  for (const p of participants) {
    const premium = p.plan === 'Business';
    const why = sentence();
    interview.run(p.id, now, `Interviewer: Why? Customer: ${why}. Interviewer: And? Customer: ${sentence()}.`, now, now);
    answer.run(p.id, qid.get('satisfaction'), Math.min(10, Math.max(0, Math.round((premium ? 8 : 6) + (rnd() - 0.5) * 6))), now);
    answer.run(p.id, qid.get('value'), 1 + Math.floor(rnd() * 5), now);
    answer.run(p.id, qid.get('onboarding'), 1 + Math.floor(rnd() * 7), now);
    answer.run(p.id, qid.get('use_case'), pick(questions[3][3]), now);
    answer.run(p.id, qid.get('channel'), pick(questions[4][3]), now);
    answer.run(p.id, qid.get('integrations'), JSON.stringify(questions[5][3].filter(() => rnd() < 0.35)), now);
    answer.run(p.id, qid.get('factors'), JSON.stringify([...questions[6][3]].sort(() => rnd() - 0.5)), now);
    answer.run(p.id, qid.get('team'), rnd() < (premium ? 0.9 : 0.4) ? 1 : 0, now);
    answer.run(p.id, qid.get('why'), why, now);
    answer.run(p.id, qid.get('wish'), sentence(), now);
    quote.run(p.id, qid.get('why'), why.slice(0, 60), now);
    evidence.run(pick(themes), p.id, why.slice(0, 40), now);
  }
})();
sql.close();
process.stdout.write(JSON.stringify({ study_id: 1, participants: participants.length }) + '\n');
