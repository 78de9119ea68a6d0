// Reads and analysis on a study of n participants × 10 questions: summarize_questions, crosstab,
// query_participants (text search), cluster_participants (k = auto), generate_report.
// Each figure is the median of several calls through an in-process MCP client, next to its target.
import { join } from 'node:path';
import { openStore } from '../dist/store/index.js';
import { closePool } from '../dist/compute/kmeans-pool.js';
import { fmt, quick, row, workDir } from './lib.mjs';
import { freshStudyDb, measureStudyCalls } from './study-calls.mjs';

const n = quick ? 20_000 : 100_000;
const db = freshStudyDb(n);
const store = openStore(db);
const { results, progressUpdates, reportBytes } = await measureStudyCalls(store, join(workDir, 'reports'));
await closePool();
await store.close();

console.log(`\n### Reads and analysis: ${n.toLocaleString('en')} participants × 10 questions (median of 5; report of 3; clustering once)\n`);
console.log(row(['call', 'time', 'target', 'met']));
console.log(row(['---', '---', '---', '---']));
// Targets are for 100,000 participants: the quick run shows them but does not judge.
for (const [name, ms, target] of results) console.log(row([name, fmt.ms(ms), target ? `< ${fmt.ms(target)}${quick ? ' (at 100k)' : ''}` : '–', target && !quick ? (ms < target ? 'yes' : 'no') : '–']));
console.log(`\nclustering sent ${progressUpdates} progress notifications; report: HTML ${Math.round(reportBytes.html / 1024)} kB, Markdown ${Math.round(reportBytes.markdown / 1024)} kB.`);
