/**
 * Streamable HTTP at /mcp, plus GET /healthz.
 *
 * 2025-era clients (initialize handshake; Claude, Cursor, VS Code today) get a session: one
 * transport and one McpServer per `mcp-session-id`, so server→client requests such as
 * progress, elicitation and sampling reach the right client. 2026-07-28 clients (per-request
 * envelope) are served by the SDK's modern handler on the same path. Host and Origin headers
 * are checked first (DNS-rebinding protection).
 */
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  hostHeaderValidation,
  localhostHostValidation,
  localhostOriginValidation,
  NodeStreamableHTTPServerTransport,
  originValidation,
  toNodeHandler,
  toWebRequest,
} from '@modelcontextprotocol/node';
import { createMcpHandler, isInitializeRequest, isLegacyRequest, type McpServer } from '@modelcontextprotocol/server';
import type { Logger } from '../log.js';

export interface HttpServerOptions {
  host: string;
  port: number;
  createServer: () => McpServer;
  log: Logger;
  version: string;
  /** Extra Host/Origin hostnames to accept (for a non-loopback bind behind a known name). */
  allowedHosts?: string[];
  /** Sessions unused this long are closed (default 30 minutes). */
  idleTimeoutMs?: number;
}

export interface RunningHttpServer {
  url: string;
  sessionCount(): number;
  close(): Promise<void>;
}

/** Large enough for an inline CSV of a few hundred thousand rows. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

interface Session {
  transport: NodeStreamableHTTPServerTransport;
  server: McpServer;
  lastSeen: number;
}

async function readJsonBody(req: IncomingMessage): Promise<{ ok: true; body: unknown } | { ok: false; status: number; message: string }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return { ok: false, status: 413, message: `Request body over ${MAX_BODY_BYTES / 1024 / 1024} MiB` };
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return { ok: true, body: undefined };
  try {
    return { ok: true, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } catch {
    return { ok: false, status: 400, message: 'Parse error: the body is not valid JSON' };
  }
}

function jsonRpcError(res: ServerResponse, status: number, code: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const { log } = options;
  const sessions = new Map<string, Session>();
  const loopback = LOOPBACK.has(options.host);
  const extra = options.allowedHosts ?? [];
  const validateHost = loopback && extra.length === 0 ? localhostHostValidation() : hostHeaderValidation([options.host, ...extra, ...LOOPBACK]);
  const validateOrigin = loopback && extra.length === 0 ? localhostOriginValidation() : originValidation([options.host, ...extra, ...LOOPBACK]);
  const modern = toNodeHandler(
    createMcpHandler(() => options.createServer(), { legacy: 'reject', maxRequestBodySize: MAX_BODY_BYTES, onerror: (e) => log.warn(`modern request: ${e.message}`) }),
  );

  async function handleMcp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: unknown;
    if (req.method === 'POST') {
      const read = await readJsonBody(req);
      if (!read.ok) return jsonRpcError(res, read.status, -32700, read.message);
      body = read.body;
    }
    if (!(await isLegacyRequest(await toWebRequest(req, body), body))) return modern(req, res, body);

    const sessionId = req.headers['mcp-session-id'];
    const existing = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (existing) {
      existing.lastSeen = Date.now();
      return existing.transport.handleRequest(req, res, body);
    }
    if (sessionId !== undefined) return jsonRpcError(res, 404, -32001, 'Session not found: it expired or the server restarted. Start a new session (initialize).');
    if (req.method !== 'POST' || !isInitializeRequest(body)) {
      return jsonRpcError(res, 400, -32000, 'Bad request: send initialize first, then the mcp-session-id header it returns.');
    }

    const server = options.createServer();
    const transport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      maxRequestBodySize: MAX_BODY_BYTES,
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, server, lastSeen: Date.now() });
        log.info(`session ${id.slice(0, 8)} opened (${sessions.size} open)`);
      },
      onsessionclosed: (id) => {
        sessions.delete(id);
        log.info(`session ${id.slice(0, 8)} closed by the client`);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  const http = createHttpServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', name: 'seglab', version: options.version, sessions: sessions.size }));
      return;
    }
    if (path !== '/mcp') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Not found: the MCP endpoint is /mcp (and GET /healthz).' }));
      return;
    }
    if (!validateHost(req, res) || !validateOrigin(req, res)) return;
    handleMcp(req, res).catch((error: unknown) => {
      log.error('HTTP request failed', error);
      if (!res.headersSent) jsonRpcError(res, 500, -32603, 'Internal server error');
    });
  });

  const idleTimeout = options.idleTimeoutMs ?? 30 * 60_000;
  const sweeper = setInterval(() => {
    const cutoff = Date.now() - idleTimeout;
    for (const [id, session] of sessions) {
      if (session.lastSeen < cutoff) {
        sessions.delete(id);
        void session.transport.close();
        log.info(`session ${id.slice(0, 8)} closed after ${Math.round(idleTimeout / 60_000)} idle minutes`);
      }
    }
  }, Math.min(60_000, idleTimeout));
  sweeper.unref();

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host, () => resolve());
  });
  const address = http.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}/mcp`,
    sessionCount: () => sessions.size,
    async close() {
      clearInterval(sweeper);
      await Promise.all([...sessions.values()].map((s) => s.transport.close().catch(() => undefined)));
      sessions.clear();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
