// Server start to the first tools/list answer over stdio, against a bare `node -e ""` start.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { fmt, median, quick, row, workDir } from './lib.mjs';

const runs = quick ? 3 : 7;
const seglab = [];
const bare = [];
for (let i = 0; i < runs; i++) {
  const db = join(workDir, `startup-${i}.db`);
  rmSync(db, { force: true });
  const t = performance.now();
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: ['dist/cli.js', 'serve', '--db', db], stderr: 'ignore' }));
  const { tools } = await client.listTools();
  seglab.push(performance.now() - t);
  if (tools.length < 10) throw new Error('tools missing');
  await client.close();
  const b = performance.now();
  spawnSync(process.execPath, ['-e', '']);
  bare.push(performance.now() - b);
}
console.log(`\n### Start-up over stdio (median of ${runs})\n`);
console.log(row(['what', 'time', 'target']));
console.log(row(['---', '---', '---']));
console.log(row(['spawn → initialize → tools/list', fmt.ms(median(seglab)), '< 300 ms']));
console.log(row(['bare `node -e ""` (reference)', fmt.ms(median(bare)), '–']));
