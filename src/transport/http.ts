/**
 * Streamable HTTP at /mcp, plus GET /healthz and, with OAuth, the discovery documents.
 *
 * 2025-era clients (initialize handshake; Claude, Cursor, VS Code today) get a session: one
 * transport and one McpServer per `mcp-session-id`, so server→client requests such as
 * progress, elicitation and sampling reach the right client. 2026-07-28 clients (per-request
 * envelope) are served by the SDK's modern handler on the same path.
 *
 * Every request passes, in order: Host/Origin checks (DNS-rebinding protection), authentication
 * (src/auth: each request, so a revoked token stops at once), the session check (a session belongs
 * to the sign-in that opened it), and only then is the body read — within limits (transport/body.ts).
 * Each McpServer is built for its caller: a viewer's tools/list holds only read-only tools.
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
import { createMcpHandler, isInitializeRequest, isLegacyRequest, localhostAllowedHostnames, validateHostHeader, type AuthInfo, type McpServer } from '@modelcontextprotocol/server';
import { callerKey, type Caller } from '../domain/access.js';
import type { Logger } from '../log.js';
import { callerOf, noAuth, type HttpAuth } from '../auth/http-auth.js';
import { BodyBudget, readJsonBody } from './body.js';

export interface HttpLimits {
  /** Open 2025-era sessions at most; an initialize beyond gets 503. */
  maxSessions: number;
  /** Sessions unused this long are closed. */
  idleTimeoutMs: number;
  /** One request body at most (checked against Content-Length, then while streaming). */
  maxBodyBytes: number;
  /** All bodies being read at once at most. */
  maxBufferedBytes: number;
  /** Deepest JSON nesting accepted (MCP messages need well under 20). */
  maxJsonDepth: number;
  /** On shutdown, how long in-flight calls may take to finish before they are cancelled. */
  drainMs: number;
}

/** Large enough for an inline CSV of a few hundred thousand rows. */
export const DEFAULT_LIMITS: HttpLimits = {
  maxSessions: 200,
  idleTimeoutMs: 30 * 60_000,
  maxBodyBytes: 64 * 1024 * 1024,
  maxBufferedBytes: 256 * 1024 * 1024,
  maxJsonDepth: 64,
  // Under the 10 s that Docker and Kubernetes wait between SIGTERM and SIGKILL.
  drainMs: 8_000,
};

export interface HttpServerOptions {
  host: string;
  port: number;
  /** Builds the McpServer for one caller (a session, or one modern request). */
  createServer: (caller: Caller) => McpServer;
  log: Logger;
  version: string;
  /** Extra Host/Origin hostnames to accept (for a non-loopback bind behind a known name). */
  allowedHosts?: string[];
  /** How callers sign in (default: none, loopback only). */
  auth?: HttpAuth;
  limits?: Partial<HttpLimits>;
}

export interface RunningHttpServer {
  url: string;
  sessionCount(): number;
  /** Stops taking requests, lets in-flight calls finish within the drain deadline, cancels the rest. */
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host);
}

interface Session {
  transport: NodeStreamableHTTPServerTransport;
  server: McpServer;
  caller: Caller;
  lastSeen: number;
}

function jsonRpcError(res: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

async function sendResponse(res: ServerResponse, response: Response): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
  res.end(Buffer.from(await response.arrayBuffer()));
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const { log } = options;
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const auth = options.auth ?? noAuth();
  if (auth.mode === 'none' && !isLoopback(options.host)) {
    throw new Error(`Refusing to serve ${options.host} without authentication: anyone who can reach it could read every participant. Pass --auth tokens or --auth oauth, or bind 127.0.0.1.`);
  }
  const sessions = new Map<string, Session>();
  const budget = new BodyBudget(limits.maxBufferedBytes);
  const loopbackOnly = isLoopback(options.host) && (options.allowedHosts ?? []).length === 0;
  const allowedNames = loopbackOnly ? localhostAllowedHostnames() : [options.host, ...(options.allowedHosts ?? []), ...LOOPBACK];
  const validateHost = loopbackOnly ? localhostHostValidation() : hostHeaderValidation(allowedNames);
  const validateOrigin = loopbackOnly ? localhostOriginValidation() : originValidation(allowedNames);
  const modernHandler = createMcpHandler((ctx) => options.createServer(callerOf(ctx.authInfo)!), {
    legacy: 'reject',
    maxRequestBodySize: limits.maxBodyBytes,
    onerror: (e) => log.warn(`modern request: ${e.message}`),
  });
  const modern = toNodeHandler(modernHandler, { maxRequestBodySize: limits.maxBodyBytes });
  let draining = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  function closeSession(id: string, why: string): void {
    const session = sessions.get(id);
    if (!session) return;
    sessions.delete(id);
    void session.transport.close().catch(() => undefined);
    log.info(`session ${id.slice(0, 8)} closed: ${why}`);
  }

  async function handleMcp(req: IncomingMessage & { auth?: AuthInfo }, res: ServerResponse): Promise<void> {
    const signedIn = await auth.authenticate(req.headers.authorization);
    if (signedIn instanceof Response) return sendResponse(res, signedIn);
    req.auth = signedIn.authInfo;

    const sessionId = req.headers['mcp-session-id'];
    const existing = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (typeof sessionId === 'string' && !existing) return jsonRpcError(res, 404, -32001, 'Session not found: it expired or the server restarted. Start a new session (initialize).');
    if (existing && callerKey(existing.caller) !== callerKey(signedIn.caller)) {
      return jsonRpcError(res, 403, -32001, 'This session was opened by another sign-in; start a new session (initialize).');
    }

    let body: unknown;
    if (req.method === 'POST') {
      const read = await readJsonBody(req, { maxBytes: limits.maxBodyBytes, maxDepth: limits.maxJsonDepth, budget });
      if (!read.ok) return jsonRpcError(res, read.status, read.status === 400 ? -32700 : -32600, read.message, read.status === 400 ? {} : { connection: 'close' });
      body = read.body;
    }
    if (existing) {
      existing.lastSeen = Date.now();
      return existing.transport.handleRequest(req, res, body);
    }
    if (!(await isLegacyRequest(await toWebRequest(req, body), body))) return modern(req, res, body);
    if (req.method !== 'POST' || !isInitializeRequest(body)) {
      return jsonRpcError(res, 400, -32000, 'Bad request: send initialize first, then the mcp-session-id header it returns.');
    }
    if (sessions.size >= limits.maxSessions) {
      return jsonRpcError(res, 503, -32000, `The server has ${limits.maxSessions} sessions open, its limit; close unused ones or retry later.`, { 'retry-after': '30' });
    }

    const caller = signedIn.caller;
    const server = options.createServer(caller);
    const transport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      maxRequestBodySize: limits.maxBodyBytes,
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, server, caller, lastSeen: Date.now() });
        log.info(`session ${id.slice(0, 8)} opened by ${caller.name} (${caller.role}; ${sessions.size} open)`);
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
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/healthz' && req.method === 'GET') {
      // Liveness for anyone (load balancers probe by IP); details only for the server's own names.
      const known = validateHostHeader(req.headers.host, allowedNames).ok;
      const body = known ? { status: draining ? 'draining' : 'ok', name: 'seglab', version: options.version, sessions: sessions.size, auth: auth.mode } : { status: draining ? 'draining' : 'ok' };
      res.writeHead(draining ? 503 : 200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    if (!validateHost(req, res)) return;
    if (path.startsWith('/.well-known/')) {
      const document = auth.wellKnown(new Request(new URL(req.url ?? '/', `http://${req.headers.host}`), { method: req.method ?? 'GET' }));
      if (document) return void sendResponse(res, document);
    }
    if (path !== '/mcp') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Not found: the MCP endpoint is /mcp (and GET /healthz).' }));
      return;
    }
    if (!validateOrigin(req, res)) return;
    if (draining) return jsonRpcError(res, 503, -32000, 'The server is shutting down; retry in a moment.', { connection: 'close', 'retry-after': '5' });
    // A standalone GET stream only listens: it does not hold up a shutdown.
    const counted = req.method !== 'GET';
    if (counted) inFlight++;
    res.once('close', () => {
      if (counted && --inFlight === 0) drained?.();
    });
    handleMcp(req, res).catch((error: unknown) => {
      log.error('HTTP request failed', error);
      if (!res.headersSent) jsonRpcError(res, 500, -32603, 'Internal server error');
    });
  });

  const sweeper = setInterval(() => {
    const cutoff = Date.now() - limits.idleTimeoutMs;
    for (const [id, session] of sessions) {
      if (session.lastSeen < cutoff) closeSession(id, `idle for ${Math.round(limits.idleTimeoutMs / 60_000)} minutes`);
      else {
        void Promise.resolve(auth.stillValid(session.caller)).then(
          (valid) => valid || closeSession(id, `the token "${session.caller.name}" was revoked`),
          (error: unknown) => log.error('Checking a session\'s token failed', error),
        );
      }
    }
  }, Math.min(1000, limits.idleTimeoutMs));
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
      draining = true;
      clearInterval(sweeper);
      const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeIdleConnections();
      if (inFlight > 0) {
        log.info(`draining: waiting up to ${limits.drainMs / 1000} s for ${inFlight} request(s) in flight`);
        const finished = await Promise.race([
          new Promise<boolean>((resolve) => (drained = () => resolve(true))),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), limits.drainMs).unref()),
        ]);
        if (!finished) log.warn(`drain deadline reached: cancelling ${inFlight} request(s); their writes are rolled back or were committed whole`);
      }
      for (const id of [...sessions.keys()]) closeSession(id, 'server shutting down');
      await modernHandler.close().catch(() => undefined);
      http.closeAllConnections();
      await stopped;
    },
  };
}
