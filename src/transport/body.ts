/**
 * Reading a JSON-RPC body within limits, before anything is buffered past them: the declared
 * Content-Length is checked first, the stream is counted as it arrives (per request and across all
 * requests at once), and nesting deeper than any MCP message needs is refused before parsing
 * (a deeply nested body would otherwise overflow the validators' recursion: a 500).
 */
import type { IncomingMessage } from 'node:http';

export type BodyResult = { ok: true; body: unknown } | { ok: false; status: number; message: string };

/** Bytes held by all bodies being read at this moment, shared by every request of a server. */
export class BodyBudget {
  private held = 0;
  constructor(readonly limit: number) {}
  take(bytes: number): boolean {
    if (this.held + bytes > this.limit) return false;
    this.held += bytes;
    return true;
  }
  give(bytes: number): void {
    this.held -= bytes;
  }
}

/** Whether the JSON text nests objects/arrays deeper than `max` (brackets inside strings ignored). */
export function nestsDeeperThan(text: Buffer, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

const mib = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;

export async function readJsonBody(req: IncomingMessage, limits: { maxBytes: number; maxDepth: number; budget: BodyBudget }): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBytes) return { ok: false, status: 413, message: `Request body of ${mib(declared)} is over the ${mib(limits.maxBytes)} limit` };
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      const buffer = chunk as Buffer;
      if (size + buffer.length > limits.maxBytes) return { ok: false, status: 413, message: `Request body over the ${mib(limits.maxBytes)} limit` };
      if (!limits.budget.take(buffer.length)) return { ok: false, status: 503, message: 'The server is reading too many large requests at once; retry shortly' };
      size += buffer.length;
      chunks.push(buffer);
    }
    if (size === 0) return { ok: true, body: undefined };
    const text = Buffer.concat(chunks, size);
    if (nestsDeeperThan(text, limits.maxDepth)) return { ok: false, status: 400, message: `The JSON nests deeper than ${limits.maxDepth} levels` };
    try {
      return { ok: true, body: JSON.parse(text.toString('utf8')) };
    } catch {
      return { ok: false, status: 400, message: 'Parse error: the body is not valid JSON' };
    }
  } finally {
    limits.budget.give(size);
  }
}
