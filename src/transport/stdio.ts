/**
 * stdio with its message limit kept on both sides. The SDK's reader refuses a line over
 * STDIO_MESSAGE_BYTES by closing the session (later calls time out) and a client refuses such a
 * response the same way. Here an oversized request line is dropped as it streams in (never held
 * whole) and answered with an error naming the limit, and an oversized response is replaced by an
 * error: the session carries on either way.
 */
import { Transform, type Readable, type TransformCallback, type Writable } from 'node:stream';
import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import { MAX_TRANSCRIPT_CHARS, STDIO_MESSAGE_BYTES } from '../domain/input-limits.js';

/** What is kept of a line being dropped, from each end, to find its id and method. */
const EDGE_BYTES = 64 * 1024;

const NEWLINE = 0x0a;
const ID = String.raw`(-?\d+|"(?:[^"\\]|\\.){0,256}")`;
/** The id of a request written as {"jsonrpc":"2.0","id":…} (id near the start) … */
const HEAD_ID = new RegExp(String.raw`^\s*\{(?:\s*"(?:jsonrpc|method)"\s*:\s*"[^"]*"\s*,)*\s*"id"\s*:\s*${ID}`);
/** … or as {…,"params":{…},"jsonrpc":"2.0","id":…} (at the end, as the TypeScript SDK writes it). */
const TAIL_ID = new RegExp(String.raw`"id"\s*:\s*${ID}(?:\s*,\s*"(?:jsonrpc|method)"\s*:\s*"[^"]*")*\s*\}\s*$`);
const METHOD = /^\s*\{(?:\s*"(?:jsonrpc|id)"\s*:\s*(?:-?\d+|"[^"]*")\s*,)*\s*"method"\s*:\s*"([^"]{1,100})"|"method"\s*:\s*"([^"]{1,100})"(?:\s*,\s*"(?:jsonrpc|id)"\s*:\s*(?:-?\d+|"[^"]*"))*\s*\}\s*$/;

export interface OversizedLine {
  bytes: number;
  id: string | number | null;
  method: string | null;
}

/** Reads a line's id and method from its two ends (a request's top-level keys sit at one end or the other). */
export function identifyLine(head: string, tail: string): Omit<OversizedLine, 'bytes'> {
  const raw = HEAD_ID.exec(head)?.[1] ?? TAIL_ID.exec(tail)?.[1];
  let id: string | number | null = null;
  try {
    const parsed: unknown = raw === undefined ? null : JSON.parse(raw);
    if (typeof parsed === 'string' || typeof parsed === 'number') id = parsed;
  } catch {
    id = null;
  }
  const method = METHOD.exec(head) ?? METHOD.exec(tail);
  return { id, method: method?.[1] ?? method?.[2] ?? null };
}

/**
 * Passes whole lines of at most `limit` bytes (newline excluded) and drops longer ones, keeping only
 * their two ends, which `onOversized` receives. Whole lines one push each: the SDK's reader then never
 * holds more than one message.
 */
export class LineLimit extends Transform {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** The line being dropped: its first and last bytes, and its length. */
  private dropping: { head: Buffer; tail: Buffer; bytes: number } | null = null;

  constructor(
    private readonly limit: number,
    private readonly onOversized: (line: OversizedLine) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, start);
      const end = newline === -1 ? chunk.length : newline;
      this.append(chunk.subarray(start, end));
      if (newline === -1) break;
      this.endLine();
      start = newline + 1;
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.pendingBytes > 0 || this.dropping) this.endLine();
    done();
  }

  private append(piece: Buffer): void {
    if (piece.length === 0) return;
    if (!this.dropping && this.pendingBytes + piece.length <= this.limit) {
      this.pending.push(piece);
      this.pendingBytes += piece.length;
      return;
    }
    if (!this.dropping) {
      const held = Buffer.concat(this.pending);
      this.dropping = { head: held.subarray(0, EDGE_BYTES), tail: Buffer.alloc(0), bytes: held.length };
      this.pending = [];
      this.pendingBytes = 0;
      if (this.dropping.head.length < EDGE_BYTES) this.dropping.head = Buffer.concat([this.dropping.head, piece.subarray(0, EDGE_BYTES - this.dropping.head.length)]);
      this.dropping.tail = held.subarray(Math.max(0, held.length - EDGE_BYTES));
    }
    const combined = Buffer.concat([this.dropping.tail, piece]);
    this.dropping.tail = Buffer.from(combined.subarray(Math.max(0, combined.length - EDGE_BYTES)));
    this.dropping.bytes += piece.length;
  }

  private endLine(): void {
    if (this.dropping) {
      const { head, tail, bytes } = this.dropping;
      this.dropping = null;
      this.onOversized({ bytes, ...identifyLine(head.toString('utf8'), tail.toString('utf8')) });
      return;
    }
    this.pending.push(Buffer.from('\n'));
    this.push(Buffer.concat(this.pending));
    this.pending = [];
    this.pendingBytes = 0;
  }
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/**
 * The stdio transport serveStdio runs on: stdin through LineLimit (an oversized request is answered
 * with an error naming the limit), and responses over the limit replaced by an error for their request.
 */
export class LimitedStdioServerTransport extends StdioServerTransport {
  private readonly source: Readable;
  private readonly lines: LineLimit;

  constructor(stdin: Readable = process.stdin, stdout: Writable = process.stdout, private readonly limit = STDIO_MESSAGE_BYTES) {
    // The SDK's reader holds one line with its newline: lines of up to limit - 1 bytes pass whole.
    const lines = new LineLimit(limit - 1, (line) => this.refuse(line));
    super(lines, stdout);
    this.source = stdin;
    this.lines = lines;
    stdin.pipe(lines);
    stdin.once('error', (error) => lines.destroy(error));
  }

  override async close(): Promise<void> {
    // Let go of the real stdin too, or its pipe would keep the process alive after the session ends.
    this.source.unpipe(this.lines);
    this.source.pause();
    await super.close();
  }

  override send(message: JSONRPCMessage): Promise<void> {
    const bytes = Buffer.byteLength(JSON.stringify(message));
    if (bytes < this.limit) return super.send(message);
    if (!('id' in message) || 'method' in message) {
      this.onerror?.(new Error(`dropped an outgoing message of ${megabytes(bytes)}, over stdio's ${megabytes(this.limit)} limit`));
      return Promise.resolve();
    }
    return super.send({
      jsonrpc: '2.0',
      id: message.id,
      error: { code: -32603, message: `The answer (${megabytes(bytes)}) is larger than one stdio message may be (${megabytes(this.limit)}); ask for less (a smaller limit, a page with cursor, or an export to a file).` },
    });
  }

  /** Answers a request that was too large to read: a tool call with an error result the assistant sees, anything else a JSON-RPC error. */
  private refuse(line: OversizedLine): void {
    this.onerror?.(new Error(`dropped an incoming ${line.method ?? 'message'} of ${megabytes(line.bytes)} (id ${line.id ?? 'unknown'})`));
    if (line.id === null) return;
    const what = `This request is ${megabytes(line.bytes)}, more than stdio carries in one message (${megabytes(this.limit)}), so it was not read and nothing was saved.`;
    const reply: JSONRPCMessage =
      line.method === 'tools/call'
        ? {
            jsonrpc: '2.0',
            id: line.id,
            result: { isError: true, content: [{ type: 'text', text: `${what} Pass large inputs by reference: import_participants reads a CSV of any size from a file \`path\`; a transcript holds at most ${MAX_TRANSCRIPT_CHARS.toLocaleString('en')} characters.` }] },
          }
        : { jsonrpc: '2.0', id: line.id, error: { code: -32600, message: what } };
    this.send(reply).catch((error: unknown) => this.onerror?.(error as Error));
  }
}
