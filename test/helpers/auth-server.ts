/**
 * A real OAuth 2.1 / OpenID authorization server (the `oidc-provider` package) on loopback, for
 * the OAuth tests: dynamic client registration, authorization code with PKCE, client credentials,
 * resource indicators (RFC 8707) issuing JWT access tokens for the resource asked for, and an
 * interaction that signs "alice" in and grants what was asked (no browser needed).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

export interface AuthServer {
  issuer: string;
  port: number;
  stop(): Promise<void>;
}

export const AGENT = { id: 'nightly-agent', secret: 'agent-secret-0123456789abcdef' };

/**
 * What each account or agent may be granted, whatever a client asks for (clients ask for every
 * scope the protected-resource metadata lists): the authorization server's policy decides roles.
 */
export const GRANTABLE: Record<string, string[]> = { alice: ['seglab:read'], [AGENT.id]: ['seglab:read', 'seglab:write'] };

export async function signingKey(kid: string): Promise<Record<string, unknown>> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
}

/** A free loopback port (the MCP server's audience URL must be known before it starts). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** @param keys signing keys, the first signs */
export async function startAuthServer(options: { keys: Record<string, unknown>[]; port?: number; account?: string }): Promise<AuthServer> {
  const port = options.port ?? (await freePort());
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: AGENT.id, client_secret: AGENT.secret, grant_types: ['client_credentials'], redirect_uris: [], response_types: [] }],
    jwks: { keys: options.keys as never },
    cookies: { keys: ['test-cookie-key-0123456789'] },
    scopes: ['openid', 'offline_access', 'seglab:read', 'seglab:write', 'seglab:admin'],
    findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub }) }),
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: true },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, _resource: string, client: { clientId: string }) => ({
          scope: (GRANTABLE[client.clientId] ?? ['seglab:read', 'seglab:write', 'seglab:admin']).join(' '),
          accessTokenFormat: 'jwt',
          accessTokenTTL: 600,
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
  } as never);
  const callback = provider.callback();
  const server: Server = createServer((req, res) => {
    if (!req.url?.startsWith('/interaction/')) return void callback(req, res);
    void (async () => {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === 'login') {
        return provider.interactionFinished(req, res, { login: { accountId: options.account ?? 'alice' } }, { mergeWithLastSubmission: false });
      }
      const missing = details.prompt.details as { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]> };
      const grant = details.grantId
        ? (await provider.Grant.find(details.grantId))!
        : new provider.Grant({ accountId: details.session!.accountId, clientId: details.params.client_id as string });
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      const grantable = GRANTABLE[details.session!.accountId] ?? [];
      for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
        grant.addResourceScope(resource, scopes.filter((s) => grantable.includes(s)).join(' '));
        grant.rejectResourceScope(resource, scopes.filter((s) => !grantable.includes(s)).join(' '));
      }
      const grantId = await grant.save();
      return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    })().catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    issuer,
    port,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What a browser does with the authorization URL: follows redirects, keeping cookies, until the client's redirect URI. */
export async function authorizeInBrowser(authorizationUrl: URL, redirectUri: string): Promise<URLSearchParams> {
  const cookies = new Map<string, string>();
  let url = authorizationUrl.href;
  for (let hop = 0; hop < 20; hop++) {
    if (url.startsWith(redirectUri)) return new URL(url).searchParams;
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    const location = res.headers.get('location');
    if (!location) throw new Error(`authorization stopped at ${url}: ${res.status} ${(await res.text()).slice(0, 300)}`);
    url = new URL(location, url).href;
  }
  throw new Error('too many redirects');
}
