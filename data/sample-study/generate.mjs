#!/usr/bin/env node
/**
 * Generates the sample study: 48 customers of "Beacon" (a B2B customer-feedback product), built
 * the way the research-design advice says — a named decision, new, long-tenure, churned and
 * expanded customers, 4 open-ended and 4 structured questions, CRM attributes and tags, and
 * interviews with transcripts, quotes and themes.
 *
 * Four archetypes are planted (12 participants each) so segmentation can be checked against
 * what the data was built to contain; ground-truth.json records who is which. Seeded: running
 * it again writes the same files.  Usage: node data/sample-study/generate.mjs
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

function mulberry32(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(20261123);
const pick = (list) => list[Math.floor(random() * list.length)];
const between = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
const chance = (p) => random() < p;
function shuffle(list) {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export const study = {
  name: 'Beacon churn and expansion segmentation (Q4 2026)',
  decision: 'Which customer segment to design the 2027 onboarding and pricing for first',
  description: 'Why do some Beacon customers expand while others churn? Interviews with new, long-tenure, churned and expanded customers, paired with CRM data, to find 3–5 behavioural segments.',
  mode: 'hybrid',
  probing_depth: 2,
  participant_criteria: 'New customers (first 30 days), long-tenure (12+ months), churned (last 90 days) and expanded (added seats or upgraded); companies from 1 to 1,000 employees.',
};

export const questions = [
  { key: 'discovery_context', type: 'open_ended', text: 'How did you find Beacon? What were you doing when you realized you needed something like it?', required: true },
  { key: 'decision_moment', type: 'open_ended', text: 'What made you choose Beacon over the alternatives? What almost stopped you?', required: true },
  { key: 'value_realization', type: 'open_ended', text: 'Describe the first time you felt Beacon was worth it. What happened?' },
  { key: 'ideal_outcome', type: 'open_ended', text: 'If Beacon were perfect, what would be different about your work?' },
  { key: 'core_value_importance', type: 'scale', text: 'How important is having all customer feedback in one place to your work?', scale_min: 1, scale_max: 10, min_label: 'Not important', max_label: 'Critical', required: true },
  { key: 'primary_use_case', type: 'single_choice', text: 'Which of these best describes your primary use case?', options: ['Product discovery', 'Churn analysis', 'Survey analysis', 'Sales enablement'], required: true },
  { key: 'buying_factors', type: 'ranking', text: 'Rank these factors in your buying decision, most important first.', options: ['Price', 'Speed', 'Features', 'Support', 'Trust'], required: true },
  { key: 'team_usage', type: 'yes_no', text: 'Do you use Beacon with a team (yes), or primarily solo (no)?', required: true },
];

const FIRST = ['Ava', 'Ben', 'Chloe', 'Dev', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kemi', 'Lars', 'Maya', 'Noah', 'Olga', 'Priya', 'Quinn', 'Rosa', 'Sam', 'Tariq', 'Uma', 'Victor', 'Wen', 'Yusuf', 'Zoë', 'Amir', 'Bea', 'Carlos', 'Dana', 'Emil'];
const LAST = ['Okafor', 'Lindqvist', 'Moreau', 'Patel', 'Nakamura', 'Haddad', 'Kowalski', 'García', 'Schmidt', 'Osei', 'Rossi', 'Chen', 'Novak', 'Brennan', 'Sato', 'Dubois', 'Fischer', 'Mensah', 'Ivanova', 'Costa'];
const COMPANY_A = ['North', 'Blue', 'Bright', 'Iron', 'Silver', 'Cedar', 'Harbor', 'Summit', 'Lumen', 'Quartz', 'Atlas', 'Pine', 'Nova', 'Vertex', 'Copper', 'Delta'];
const COMPANY_B = ['Labs', 'Works', 'Health', 'Logistics', 'Analytics', 'Retail', 'Systems', 'Studio', 'Finance', 'Cloud', 'Foods', 'Learning'];

/** Each archetype: CRM ranges, answer tendencies, what they say, and their themes. */
const ARCHETYPES = {
  pragmatist: {
    label: 'The Pragmatist',
    size: ['1-10', '11-50'],
    plan: ['Starter', 'Team'],
    mrr: [29, 99], seats: [1, 3], tenure: [1, 20], logins: [8, 20], pricingVisits: [3, 8], evaluation: [2, 10],
    tags: [['new'], ['churned'], ['long-tenure'], ['new', 'price-sensitive'], ['churned', 'price-sensitive']],
    importance: [5, 7], team: 0.15,
    useCase: ['Survey analysis', 'Survey analysis', 'Churn analysis'],
    first: 'Price', rest: ['Speed', 'Features', 'Support', 'Trust'],
    themes: ['price_sensitivity', 'single_use_case'],
    said: {
      discovery_context: ['I had one survey to analyse and a spreadsheet that kept breaking. I searched for something cheap that would just tag the answers.', 'A friend sent me a link when I complained about tagging survey answers by hand. I only needed it for that one job.'],
      decision_moment: ['Honestly it was the price. The starter plan was cheaper than the other tools and I did not need the extras.', 'It came down to cost. Two competitors wanted an annual contract; Beacon let me pay monthly and cancel.'],
      value_realization: ['The first time it tagged four hundred answers in a minute. That saved me a weekend.', 'When I exported the tagged survey straight into my report without cleaning anything.'],
      ideal_outcome: ['Same thing, just cheaper. I would pay for exactly the one feature I use.', 'A simpler plan with only survey tagging, at a lower price. I do not need the dashboards.'],
    },
    quotes: ['I would pay for exactly the one feature I use.', 'It came down to cost: no annual contract.', 'The starter plan was cheaper than the other tools and I did not need the extras.'],
  },
  advocate: {
    label: 'The Advocate',
    size: ['51-200', '201-1000'],
    plan: ['Business', 'Enterprise'],
    mrr: [600, 1800], seats: [12, 45], tenure: [10, 36], logins: [60, 140], pricingVisits: [0, 1], evaluation: [10, 30],
    tags: [['expanded'], ['expanded', 'long-tenure'], ['long-tenure'], ['expanded', 'champion']],
    importance: [9, 10], team: 0.95,
    useCase: ['Product discovery', 'Product discovery', 'Sales enablement'],
    first: 'Features', rest: ['Speed', 'Trust', 'Support', 'Price'],
    themes: ['team_collaboration', 'integrations', 'expansion'],
    said: {
      discovery_context: ['Our product team started with it, then support asked for access, then sales. Now every team reads the same feedback.', 'I brought it in for my squad and within a quarter three other teams had their own workspaces.'],
      decision_moment: ['The integrations. It plugged into Slack, Jira and our CRM on day one, so the whole team could use it without changing habits.', 'The shared workspace. I could invite the designers and the support leads and everyone saw the same evidence.'],
      value_realization: ['When the whole team used the same themes in a planning meeting and we killed a feature in ten minutes instead of a month.', 'When sales started quoting customer evidence from Beacon in their decks. That was the moment it spread across the company.'],
      ideal_outcome: ['Every team, from support to the board, working from one source of customer truth, with deeper integrations.', 'More seats, more integrations, and automatic reports for the leadership team.'],
    },
    quotes: ['Now every team reads the same feedback.', 'It plugged into Slack, Jira and our CRM on day one.', 'We killed a feature in ten minutes instead of a month.'],
  },
  evaluator: {
    label: 'The Evaluator',
    size: ['201-1000', '51-200'],
    plan: ['Business', 'Team'],
    mrr: [250, 700], seats: [5, 15], tenure: [2, 30], logins: [25, 55], pricingVisits: [1, 4], evaluation: [60, 150],
    tags: [['new'], ['long-tenure'], ['new', 'enterprise-pilot'], ['long-tenure']],
    importance: [6, 8], team: 0.7,
    useCase: ['Churn analysis', 'Product discovery', 'Churn analysis'],
    first: 'Trust', rest: ['Support', 'Features', 'Price', 'Speed'],
    themes: ['needs_social_proof', 'security_review', 'long_evaluation'],
    said: {
      discovery_context: ['We ran a formal evaluation of five vendors over three months. Beacon came from an analyst shortlist.', 'Our research lead had a long list of tools; I had to build the business case before anyone could buy.'],
      decision_moment: ['The case studies from companies like ours, and passing our security review. Without references we would never have signed.', 'Proof. We asked for customer references and a pilot, and security had to approve the data handling. That took months.'],
      value_realization: ['After the pilot, when the churn analysis matched what our finance team saw. Then I trusted it.', 'When our security and legal teams signed off and I could finally roll it out beyond the pilot.'],
      ideal_outcome: ['Fewer doubts: certifications, audit logs and benchmarks I can show my boss.', 'A clear record of accuracy and references from our industry, so the next renewal is not another evaluation.'],
    },
    quotes: ['Without references we would never have signed.', 'Security had to approve the data handling. That took months.', 'Then I trusted it.'],
  },
  struggler: {
    label: 'The Struggler',
    size: ['11-50', '1-10', '51-200'],
    plan: ['Starter', 'Team'],
    mrr: [49, 199], seats: [2, 6], tenure: [1, 8], logins: [0, 6], pricingVisits: [0, 2], evaluation: [5, 20],
    tags: [['churned'], ['at-risk'], ['new', 'at-risk'], ['churned']],
    importance: [3, 6], team: 0.45,
    useCase: ['Churn analysis', 'Survey analysis', 'Product discovery', 'Sales enablement'],
    first: 'Support', rest: ['Speed', 'Price', 'Trust', 'Features'],
    themes: ['onboarding_friction', 'needs_guidance', 'unclear_value'],
    said: {
      discovery_context: ['My manager bought it and asked me to set it up. I did not really know where to start.', 'We signed up after a webinar, but nobody on the team owned it.'],
      decision_moment: ['The demo looked easy. In practice the setup was confusing and I never finished connecting our data.', 'Support promised onboarding help, which is why we picked it, but we only got documentation links.'],
      value_realization: ['Honestly I am still waiting for that moment. I got stuck importing our tickets and gave up.', 'Maybe once, when support walked me through a report, but I could not repeat it on my own.'],
      ideal_outcome: ['Someone to guide me through setup, templates for my use case, and a clear first win.', 'A setup wizard and a person to call. I do not have time to learn another tool alone.'],
    },
    quotes: ['I got stuck importing our tickets and gave up.', 'I never finished connecting our data.', 'I do not have time to learn another tool alone.'],
  },
};

const INTERVIEWER_PROBES = [
  'Can you tell me more about that?',
  'What happened next?',
  'How did that feel at the time?',
  'Who else was involved?',
];

const kinds = Object.keys(ARCHETYPES);
const roster = shuffle(kinds.flatMap((kind) => Array.from({ length: 12 }, () => kind)));

const participants = [];
const interviews = [];
const truth = {};
const usedNames = new Set();
roster.forEach((kind, index) => {
  const a = ARCHETYPES[kind];
  const id = `C${String(1001 + index)}`;
  let name;
  do name = `${pick(FIRST)} ${pick(LAST)}`;
  while (usedNames.has(name));
  usedNames.add(name);
  const company = `${pick(COMPANY_A)} ${pick(COMPANY_B)}`;
  const tags = pick(a.tags);
  // Tenure agrees with the lifecycle tags: new = first 30 days, long-tenure = 12+ months.
  const tenure = tags.includes('new') ? between(0, 1) : tags.includes('long-tenure') ? Math.max(12, between(...a.tenure)) : between(...a.tenure);
  const signup = new Date(Date.UTC(2026, 10, 1) - tenure * 30.4 * 86400000).toISOString().slice(0, 10);
  participants.push({
    participant_id: id,
    email: `${name.split(' ')[0].toLowerCase().normalize('NFKD').replace(/[^a-z]/g, '')}.${index + 1}@${company.toLowerCase().replace(/[^a-z]/g, '')}.example`,
    name,
    company,
    company_size: pick(a.size),
    industry: pick(['SaaS', 'Healthcare', 'Retail', 'Fintech', 'Education', 'Logistics']),
    plan: pick(a.plan),
    mrr: between(...a.mrr),
    seats: between(...a.seats),
    tenure_months: tenure,
    signup_date: signup,
    logins_30d: between(...a.logins),
    pricing_page_visits_7d: between(...a.pricingVisits),
    evaluation_days: between(...a.evaluation),
    tags: tags.join(';'),
  });
  truth[id] = a.label;

  // 44 completed, 2 partial, 2 not yet interviewed.
  if (index >= 46) return;
  const partial = index >= 44;
  const rankingRest = shuffle(a.rest);
  // Mostly the archetype's first factor; sometimes its usual second place, so the data is not perfectly clean.
  const ranking = chance(0.85) ? [a.first, ...rankingRest] : [rankingRest[0], a.first, ...rankingRest.slice(1)];
  const fullRanking = chance(0.8) ? ranking : ranking.slice(0, 3);
  const open = Object.fromEntries(Object.entries(a.said).map(([key, lines]) => [key, pick(lines)]));
  const answers = [
    { question: 'discovery_context', value: open.discovery_context },
    { question: 'decision_moment', value: open.decision_moment },
    ...(partial ? [] : [
      { question: 'value_realization', value: open.value_realization },
      { question: 'ideal_outcome', value: open.ideal_outcome },
    ]),
    { question: 'core_value_importance', value: Math.min(10, Math.max(1, between(...a.importance) + (chance(0.15) ? pick([-1, 1]) : 0))) },
    { question: 'primary_use_case', value: pick(a.useCase) },
    { question: 'buying_factors', value: fullRanking },
    ...(partial ? [] : [{ question: 'team_usage', value: chance(a.team) ? 'yes' : 'no' }]),
  ];
  const turns = [];
  for (const q of questions.filter((q) => q.type === 'open_ended')) {
    const answer = answers.find((x) => x.question === q.key);
    if (!answer) continue;
    turns.push({ speaker: 'Interviewer', text: q.text });
    turns.push({ speaker: name.split(' ')[0], text: answer.value });
    if (chance(0.5)) {
      turns.push({ speaker: 'Interviewer', text: pick(INTERVIEWER_PROBES) });
      turns.push({ speaker: name.split(' ')[0], text: pick(a.said[q.key].filter((line) => line !== answer.value)) ?? answer.value });
    }
  }
  const quoteText = pick(a.quotes);
  interviews.push({
    participant_id: id,
    status: partial ? 'partial' : 'completed',
    interviewed_at: new Date(Date.UTC(2026, 9, 5 + Math.floor(index * 0.8), 14, 0)).toISOString(),
    answers,
    transcript: turns,
    quotes: [{ text: quoteText, question: 'decision_moment', themes: [a.themes[0]] }],
    themes: a.themes.slice(1).filter(() => chance(0.7)).map((code) => ({ code, quote: open.ideal_outcome })),
    notes: partial ? 'Ran out of time; follow up on value realization and team usage.' : undefined,
  });
});

const columns = Object.keys(participants[0]);
const csvField = (value) => {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};
const csv = [columns.join(','), ...participants.map((p) => columns.map((c) => csvField(p[c])).join(','))].join('\n') + '\n';

writeFileSync(join(here, 'study.json'), `${JSON.stringify({ study, questions }, null, 2)}\n`);
writeFileSync(join(here, 'participants.csv'), csv);
writeFileSync(join(here, 'interviews.json'), `${JSON.stringify(interviews, null, 2)}\n`);
writeFileSync(join(here, 'ground-truth.json'), `${JSON.stringify({ note: 'Planted archetype of each participant, for checking segmentations. Not imported.', archetypes: truth }, null, 2)}\n`);
process.stderr.write(`wrote ${participants.length} participants and ${interviews.length} interviews to ${here}\n`);
