// The cost of PRAGMA secure_delete (erasure leaves no bytes behind): 100,000 participants inserted,
// re-imported as updates, then deleted, with secure_delete OFF and ON alternately in fresh processes.
// Usage: npm run build && node bench/secure-delete.mjs [rounds]
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

if (process.argv[2] === 'child') {
  const { SqliteStore } = await import('../dist/store/index.js');
  const store = SqliteStore.open(join(mkdtempSync(join(tmpdir(), 'seglab-sd-')), 'bench.db'));
  store.db.pragma(`secure_delete = ${process.argv[3]}`);
  const study = store.studies.create({ name: 'bench', mode: 'hybrid', probing_depth: 2 });
  const rows = (exists, k) => Array.from({ length: 100_000 }, (_, i) => ({ line: i + 2, exists, rekey: false, key: `c${i}`, external_id: `c${i}`, email: `c${i}@x.example`, name: `Name ${i}`, values: [i % 3 ? 'pro' : 'free', i * k, 'x'.repeat(40 + ((i * k) % 50))], tags: [] }));
  const attributes = [{ name: 'plan', type: 'category' }, { name: 'mrr', type: 'number' }, { name: 'note', type: 'text' }];
  const time = (fn) => { const t = performance.now(); fn(); return performance.now() - t; };
  const out = {
    insert: time(() => store.participants.writeParticipants(study.id, attributes.map((a) => a.name), rows(false, 1), () => attributes)),
    update: time(() => store.participants.writeParticipants(study.id, attributes.map((a) => a.name), rows(true, 7), () => attributes)),
    delete: time(() => store.db.prepare('DELETE FROM participants WHERE study_id = ?').run(study.id)),
  };
  process.stdout.write(JSON.stringify(out));
} else {
  const rounds = Number(process.argv[2] ?? 3);
  const sums = { OFF: { insert: 0, update: 0, delete: 0 }, ON: { insert: 0, update: 0, delete: 0 } };
  for (let r = 0; r < rounds; r++) {
    for (const mode of ['OFF', 'ON']) {
      const result = JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), 'child', mode], { encoding: 'utf8' }));
      for (const k of Object.keys(result)) sums[mode][k] += result[k] / rounds;
    }
  }
  for (const k of ['insert', 'update', 'delete']) console.log(`${k}: OFF ${sums.OFF[k].toFixed(0)} ms, ON ${sums.ON[k].toFixed(0)} ms, ratio ${(sums.ON[k] / sums.OFF[k]).toFixed(2)}`);
}
