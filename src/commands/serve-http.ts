/**
 * `seglab serve --http`: authentication mode, limits and graceful shutdown from flags.
 * A non-loopback bind without --auth is refused (transport/http.ts says why).
 */
import type { Caller } from '../domain/access.js';
import type { Logger } from '../log.js';
import type { McpServer } from '@modelcontextprotocol/server';
import type { Store } from '../store/index.js';

export interface HttpFlags {
  host: string;
  port: string;
  'allowed-host'?: string[] | undefined;
  auth?: string | undefined;
  issuer?: string | undefined;
  audience?: string | undefined;
  'max-sessions'?: string | undefined;
  'session-idle-minutes'?: string | undefined;
  'max-body-mb'?: string | undefined;
  'drain-seconds'?: string | undefined;
}

/** The flags `serve --http` takes beyond the common ones, for parseArgs. */
export const HTTP_OPTIONS = {
  auth: { type: 'string' },
  issuer: { type: 'string' },
  audience: { type: 'string' },
  'max-sessions': { type: 'string' },
  'session-idle-minutes': { type: 'string' },
  'max-body-mb': { type: 'string' },
  'drain-seconds': { type: 'string' },
} as const;

export const HTTP_USAGE = `      --auth tokens|oauth    require sign-in (mandatory off loopback): API tokens (seglab token create),
                             or OAuth JWTs: --issuer URL (authorization server) --audience URL (public /mcp URL)
      --max-sessions N       open sessions at most (default 200)
      --session-idle-minutes N   close sessions unused this long (default 30)
      --max-body-mb N        largest request body (default 64)
      --drain-seconds N      on SIGTERM, calls in flight get this long to finish (default 8)`;

function positive(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} ${value} is not a positive number.`);
  return n;
}

export async function serveHttp(flags: HttpFlags, context: { store: Store; log: Logger; version: string; createServer: (caller: Caller) => McpServer }): Promise<void> {
  const { store, log } = context;
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${flags.port} is not a port number.`);
  const { startHttpServer } = await import('../transport/http.js');
  const { noAuth, tokenAuth } = await import('../auth/http-auth.js');
  let auth;
  if (flags.auth === undefined || flags.auth === 'none') auth = noAuth();
  else if (flags.auth === 'tokens') auth = tokenAuth(store);
  else if (flags.auth === 'oauth') {
    if (!flags.issuer || !flags.audience) throw new Error('--auth oauth needs --issuer URL (the authorization server) and --audience URL (this server\'s public URL, e.g. https://seglab.example.com/mcp).');
    const { oauthAuth } = await import('../auth/oauth.js');
    auth = await oauthAuth({ issuer: flags.issuer, audience: flags.audience });
  } else throw new Error(`--auth ${flags.auth}: use tokens or oauth.`);

  const minutes = positive(flags['session-idle-minutes'], '--session-idle-minutes');
  const mb = positive(flags['max-body-mb'], '--max-body-mb');
  const seconds = positive(flags['drain-seconds'], '--drain-seconds');
  const sessions = positive(flags['max-sessions'], '--max-sessions');
  const http = await startHttpServer({
    host: flags.host,
    port,
    version: context.version,
    log,
    allowedHosts: flags['allowed-host'],
    auth,
    createServer: context.createServer,
    limits: {
      ...(sessions ? { maxSessions: Math.floor(sessions) } : {}),
      ...(minutes ? { idleTimeoutMs: minutes * 60_000 } : {}),
      ...(mb ? { maxBodyBytes: Math.floor(mb * 1024 * 1024) } : {}),
      ...(seconds ? { drainMs: seconds * 1000 } : {}),
    },
  });
  log.info(`listening on ${http.url} (health: ${http.url.replace(/\/mcp$/, '/healthz')}; auth: ${auth.mode})`);
  let stopping = false;
  const stop = () => {
    // A second signal while draining means "now".
    if (stopping) process.exit(1);
    stopping = true;
    void http
      .close()
      .then(() => store.close())
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
