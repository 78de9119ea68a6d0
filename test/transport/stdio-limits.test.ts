/**
 * stdio's 10 MiB message limit (issue 12): an inline CSV larger than one message used to close the
 * session (10.5 MB: later calls timed out) or end the process (17 MB); one under the limit but over
 * the inline cap gets the schema's error. Either way the error points to `path`, and the same
 * session keeps answering. The transport's parts are checked with a small limit on in-memory streams.
 */
import { PassThrough } from 'node:stream';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { describe, expect, it } from 'vitest';
import { identifyLine, LimitedStdioServerTransport, LineLimit, type OversizedLine } from '../../src/transport/stdio.js';
import { cliPath, tempDbPath } from '../helpers/processes.js';

/** A HubSpot-style export of `rows` contacts, padded with a long notes column to reach the size wanted. */
function hubspotCsv(rows: number, noteChars: number): string {
  const lines = ['Record ID,First Name,Last Name,Email,Lifecycle Stage,Notes'];
  const note = `"Said ""the export is slow"", asked about pricing; ${'x'.repeat(noteChars)}"`;
  for (let i = 1; i <= rows; i++) lines.push(`${1000 + i},Ana,Müller-${i},ana${i}@example.com,customer,${note}`);
  return lines.join('\n');
}

describe('stdio message limit (spawned server)', () => {
  it('answers an oversized inline csv with an error pointing to path, and keeps serving the session', async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: [cliPath, 'serve', '--db', tempDbPath()], stderr: 'pipe' });
    let stderr = '';
    transport.stderr?.on('data', (d) => (stderr += d));
    let closed = false;
    const client = new Client({ name: 'stdio-limits', version: '1.0.0' });
    client.onclose = () => (closed = true);
    await client.connect(transport);
    const call = (name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args }) as Promise<any>;
    const { structuredContent: study } = await call('create_study', { name: 'Limits' });

    // 11.5 MB on the wire: more than one stdio message.
    const huge = hubspotCsv(2_000, 5_600);
    expect(Buffer.byteLength(JSON.stringify(huge))).toBeGreaterThan(10 * 1024 * 1024);
    const refused = await call('import_participants', { study_id: study.study_id, csv: huge });
    expect(refused.isError).toBe(true);
    expect(refused.content[0].text).toMatch(/more than stdio carries in one message \(10\.0 MiB\), so it was not read and nothing was saved/);
    expect(refused.content[0].text).toContain('`path`');

    // 6.8 MB: readable, but over the inline cap: the schema's error, naming the field and the limit.
    const large = hubspotCsv(1_000, 6_700);
    expect(large.length).toBeGreaterThan(5_000_000);
    const capped = await call('import_participants', { study_id: study.study_id, csv: large });
    expect(capped.isError).toBe(true);
    expect(capped.content[0].text).toMatch(/csv is longer than 5,000,000 characters.*pass its `path` instead/s);

    // The session is intact: later calls are answered and nothing was imported by the refused ones.
    const small = await call('import_participants', { study_id: study.study_id, csv: hubspotCsv(3, 10) });
    expect(small.isError, small.content[0].text).toBeFalsy();
    expect(small.structuredContent.inserted).toBe(3);
    const { structuredContent: listed } = await call('list_studies', {});
    expect(listed.studies[0].participants).toBe(3);
    expect(closed).toBe(false);
    await client.close();
    expect(stderr).toMatch(/dropped an incoming tools\/call of 1\d\.\d MiB/);
  }, 120_000);
});

describe('LineLimit', () => {
  const run = async (limit: number, chunks: string[]) => {
    const refused: OversizedLine[] = [];
    const lines = new LineLimit(limit, (line) => refused.push(line));
    const passed: string[] = [];
    lines.on('data', (d: Buffer) => passed.push(d.toString()));
    for (const chunk of chunks) lines.write(Buffer.from(chunk));
    lines.end();
    await new Promise((resolve) => lines.on('end', resolve));
    return { passed, refused };
  };

  it('passes whole lines up to the limit, one per push, however the bytes arrive', async () => {
    const { passed, refused } = await run(20, ['{"a":1}\n{"b"', ':2}\n', '{"c":3}\n{"d":4}\n']);
    expect(passed).toEqual(['{"a":1}\n', '{"b":2}\n', '{"c":3}\n', '{"d":4}\n']);
    expect(refused).toEqual([]);
  });

  it('drops a longer line as it streams, keeping its id and method, and goes on with the next', async () => {
    // The TypeScript SDK writes the id last; an "id" inside the arguments is not the request's.
    const parts = ['{"method":"tools/call","params":{"arguments":{"id":7,"csv":"', 'x'.repeat(200), 'x'.repeat(500), '"}},"jsonrpc":"2.0","id":42}'];
    const { passed, refused } = await run(100, [parts[0]! + parts[1]!, parts[2]!, `${parts[3]}\n{"ok":1}\n`]);
    expect(passed).toEqual(['{"ok":1}\n']);
    expect(refused).toEqual([{ bytes: parts.join('').length, id: 42, method: 'tools/call' }]);
  });

  it('reads ids written first, as strings, and gives up (null) when the ends do not show one', () => {
    expect(identifyLine('{"jsonrpc":"2.0","id":"req-9","method":"tools/call","params":{"x":"', 'yyy"}}')).toEqual({ id: 'req-9', method: 'tools/call' });
    expect(identifyLine('{"method":"tools/call","params":{"arguments":{"id":5,"csv":"', 'zzz"}}}')).toEqual({ id: null, method: 'tools/call' });
    expect(identifyLine('not json at all', '')).toEqual({ id: null, method: null });
  });
});

describe('LimitedStdioServerTransport', () => {
  /** The transport over in-memory pipes, with a 1,000-byte limit. */
  const memoryTransport = () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const written: string[] = [];
    stdout.on('data', (d: Buffer) => written.push(d.toString()));
    return { stdin, written, transport: new LimitedStdioServerTransport(stdin, stdout, 1_000) };
  };

  it('replaces a response over the limit with an error for its request, and sends the rest unchanged', async () => {
    const { written, transport } = memoryTransport();
    await transport.start();
    await transport.send({ jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: 'small' }] } });
    await transport.send({ jsonrpc: '2.0', id: 2, result: { content: [{ type: 'text', text: 'y'.repeat(2_000) }] } });
    const [small, big] = written.map((line) => JSON.parse(line));
    expect(small.result.content[0].text).toBe('small');
    expect(big).toMatchObject({ id: 2, error: { code: -32603 } });
    expect(big.error.message).toMatch(/larger than one stdio message may be/);
    await transport.close();
  });

  it('answers an oversized request that is not a tool call with a JSON-RPC error, and delivers the next message', async () => {
    const { stdin, written, transport } = memoryTransport();
    const received: unknown[] = [];
    transport.onmessage = (m) => received.push(m);
    await transport.start();
    stdin.write(`{"jsonrpc":"2.0","id":3,"method":"resources/read","params":{"uri":"${'u'.repeat(2_000)}"}}\n`);
    stdin.write('{"jsonrpc":"2.0","id":4,"method":"ping"}\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(JSON.parse(written[0]!)).toMatchObject({ id: 3, error: { code: -32600 } });
    expect(received).toEqual([{ jsonrpc: '2.0', id: 4, method: 'ping' }]);
    await transport.close();
  });
});
