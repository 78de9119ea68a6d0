// Text search (issue 12: cost bounded per document; issue 15: a rare term at 1M participants), through
// an in-process MCP client, as query_participants and search are called.
//   1. One transcript holding h hits of "word" (10k, 50k, 100k) among 1,000 ordinary interviews:
//      query_participants {text: "word"} once per size (the old code needed ~49 s at 100k).
//   2. n participants (100k, 1M) with a short Zipf-worded transcript each, a rare term ("escrow")
//      said by one in 5,000: query_participants {text: "escrow"} and search {query: "escrow"}, median of 5.
// Usage: node bench/search.mjs [--quick] [--only hits|scale]   (SEGLAB_DIST=/other/dist measures another build, e.g. main's)
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { fmt, median, quick, random, row, workDir, zipf } from './lib.mjs';

const dist = resolve(process.env.SEGLAB_DIST ?? 'dist');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;
const load = (module) => import(pathToFileURL(join(dist, module)).href);
const { createServer } = await load('server.js');
const { silentLogger } = await load('log.js');
const storeModule = await load('store/index.js');
/** This build's store (openStore since the engine seam; Store.open in builds before it, for before/after runs). */
const openStore = (path) => (storeModule.openStore ? storeModule.openStore(path) : storeModule.Store.open(path));
const { latestSchemaVersion } = await load('store/migrations.js');

async function connect(path) {
  const store = openStore(path);
  const server = createServer({ store, log: silentLogger, files: { allowAnyPath: true, importRoot: null, outputDir: join(workDir, 'reports') } });
  const [a, b] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'bench', version: '1' });
  await Promise.all([server.connect(b), client.connect(a)]);
  const call = async (name, args) => {
    const r = await client.callTool({ name, arguments: args }, { timeout: 600_000 });
    if (r.isError) throw new Error(`${name}: ${r.content[0].text}`);
    return r.structuredContent;
  };
  return { call, close: async () => (await client.close(), await store.close()) };
}

async function timed(fn, times) {
  const ms = [];
  let result;
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    result = await fn();
    ms.push(performance.now() - t);
  }
  return { ms: median(ms), result };
}

const vocabulary = Array.from({ length: 3000 }, (_, rank) => `w${rank}`);
['the', 'we', 'and', 'it', 'to', 'price', 'support', 'team', 'setup', 'reports'].forEach((w, i) => (vocabulary[i * 7] = w));
/** Sentences of Zipf-drawn words, seeded: each part of the benchmark makes the same data whatever ran before it. */
const sentences = (seed) => {
  const zipfWord = zipf(random(seed), vocabulary);
  return (words) => Array.from({ length: words }, zipfWord).join(' ');
};

/** A study of n participants with one interview each (transcript from `transcriptOf(i)`), written in one transaction. */
async function buildStudy(path, n, transcriptOf) {
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  await openStore(path).close(); // this build's schema
  const sql = new Database(path);
  const now = new Date().toISOString();
  sql.prepare("INSERT INTO studies (id, name, mode, probing_depth, created_at, updated_at) VALUES (1, 'Search bench', 'hybrid', 1, ?, ?)").run(now, now);
  const participant = sql.prepare("INSERT INTO participants (id, study_id, external_id, attributes, created_at, updated_at) VALUES (?, 1, ?, jsonb('{}'), ?, ?)");
  const interview = sql.prepare("INSERT INTO interviews (participant_id, status, interviewed_at, transcript, created_at, updated_at) VALUES (?, 'completed', ?, ?, ?, ?)");
  sql.transaction(() => {
    for (let i = 1; i <= n; i++) {
      participant.run(i, `c${i}`, now, now);
      interview.run(i, now, transcriptOf(i), now, now);
    }
  })();
  sql.close();
}

console.log(`\n### Text search (${dist === resolve('dist') ? 'this build' : dist}, schema ${latestSchemaVersion})\n`);
console.log(row(['case', 'time', 'participants matched']));
console.log(row(['---', '---', '---']));

// 1. Many hits in one document.
for (const hits of only === 'scale' ? [] : quick ? [10_000, 50_000] : [10_000, 50_000, 100_000]) {
  const path = join(workDir, `search-hits-${hits}-v${latestSchemaVersion}.db`);
  const crowded = Array.from({ length: hits }, () => 'word').join(' ');
  const sentence = sentences(7);
  await buildStudy(path, 1_001, (i) => (i === 1 ? crowded : `Customer: ${sentence(30)} word.`));
  const { call, close } = await connect(path);
  const r = await timed(() => call('query_participants', { study_id: 1, text: 'word', limit: 20 }), 1);
  console.log(row([`query_participants "word", one transcript with ${hits.toLocaleString('en')} hits (${(crowded.length / 1e6).toFixed(2)} M characters)`, fmt.ms(r.ms), r.result.total.toLocaleString('en')]));
  await close();
  rmSync(path, { force: true });
}

// 2. A rare term at scale.
for (const n of only === 'hits' ? [] : quick ? [100_000] : [100_000, 1_000_000]) {
  const path = join(workDir, `search-${n}-v${latestSchemaVersion}.db`);
  const sentence = sentences(11);
  if (!existsSync(path)) await buildStudy(path, n, (i) => `Interviewer: Why? Customer: ${sentence(20)}${i % 5000 === 17 ? ' escrow' : ''} ${sentence(10)}.`);
  const { call, close } = await connect(path);
  const rare = await timed(() => call('query_participants', { study_id: 1, text: 'escrow', limit: 20 }), 5);
  console.log(row([`query_participants "escrow" at ${n.toLocaleString('en')} participants`, fmt.ms(rare.ms), rare.result.total.toLocaleString('en')]));
  const common = await timed(() => call('query_participants', { study_id: 1, text: 'price', limit: 20 }), 3);
  console.log(row([`query_participants "price" at ${n.toLocaleString('en')} participants`, fmt.ms(common.ms), common.result.total.toLocaleString('en')]));
  const search = await timed(() => call('search', { query: 'escrow' }), 5);
  console.log(row([`search "escrow" at ${n.toLocaleString('en')} participants`, fmt.ms(search.ms), String(search.result.results.length)]));
  await close();
}
