// One import of a CRM CSV into a fresh study through import_participants (in-process MCP client).
// Usage: node bench/import-run.mjs file.csv db  → JSON on stdout (db: a SQLite file or a postgres:// URL).
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { createServer } from '../dist/server.js';
import { silentLogger } from '../dist/log.js';
import { connectStore } from '../dist/store/index.js';

const [file, db] = process.argv.slice(2);
const store = await connectStore(db);
const server = createServer({ store, log: silentLogger, files: { allowAnyPath: true, importRoot: null, outputDir: '/tmp' } });
const [a, b] = InMemoryTransport.createLinkedPair();
const client = new Client({ name: 'bench', version: '1' });
await Promise.all([server.connect(b), client.connect(a)]);
const study = (await client.callTool({ name: 'create_study', arguments: { name: 'Import bench' } })).structuredContent;
const t = performance.now();
// No 60 s request timeout: a client that does not reset it on progress (this one) would cut off a 1M-row import.
const result = await client.callTool({ name: 'import_participants', arguments: { study_id: study.study_id, path: file } }, { timeout: 3_600_000 });
const ms = performance.now() - t;
if (result.isError) throw new Error(result.content[0].text);
process.stdout.write(JSON.stringify({ ms, inserted: result.structuredContent.inserted }) + '\n');
await client.close();
await store.close();
