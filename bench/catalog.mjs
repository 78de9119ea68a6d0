#!/usr/bin/env node
/**
 * The size of tools/list as a client receives it (compact JSON of the whole answer), and its parts:
 * descriptions, input schemas, output schemas. Spawns the built stdio server, so flags such as
 * --toolsets and --read-only are measured as users pass them.
 *
 *   npm run build && node bench/catalog.mjs [serve flags…]
 */
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const client = new Client({ name: 'catalog-size', version: '1' });
await client.connect(new StdioClientTransport({ command: process.execPath, args: [cli, 'serve', '--db', ':memory:', ...process.argv.slice(2)], stderr: 'ignore' }));
const listed = await client.listTools();
await client.close();

const chars = (value) => JSON.stringify(value ?? null).length;
const sum = (pick) => listed.tools.reduce((n, tool) => n + chars(pick(tool)), 0);
const row = (label, n) => `${label.padEnd(16)}${n.toLocaleString('en').padStart(9)}`;
console.log(
  [
    `tools/list with ${process.argv.slice(2).join(' ') || 'no flags'}: ${listed.tools.length} tools`,
    row('whole answer', chars(listed)),
    row('descriptions', sum((t) => t.description)),
    row('input schemas', sum((t) => t.inputSchema)),
    row('output schemas', sum((t) => t.outputSchema)),
    '',
    'largest tools (whole entry):',
    ...[...listed.tools]
      .sort((a, b) => chars(b) - chars(a))
      .slice(0, 8)
      .map((t) => row(`  ${t.name}`, chars(t))),
  ].join('\n'),
);
