/**
 * seglab serve --http --auth oauth against a real authorization server run here (oidc-provider):
 * the SDK client discovers it from the 401 challenge and the protected-resource metadata, registers,
 * runs authorization code + PKCE, and calls tools with the role its scopes grant; an agent signs in
 * with client credentials. The verifier itself: key rotation, forged, expired and misaddressed tokens.
 */
import { Client, ClientCredentialsProvider, StreamableHTTPClientTransport, UnauthorizedError, type OAuthClientProvider } from '@modelcontextprotocol/client';
import { SignJWT, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oauthVerifier } from '../../src/auth/oauth.js';
import { tools as catalog } from '../../src/tools/index.js';
import { AGENT, authorizeInBrowser, freePort, signingKey, startAuthServer, type AuthServer } from '../helpers/auth-server.js';
import { cliPath, startHttpProcess, tempDbPath } from '../helpers/processes.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const REDIRECT = 'http://127.0.0.1/callback';
let as: AuthServer;
let keyA: Record<string, unknown>;
let mcp: Awaited<ReturnType<typeof startHttpProcess>>;
let audience: string;
let dbPath: string;

/** An in-memory OAuthClientProvider: what a desktop client keeps in its keychain. */
function browserClient(scope: string): OAuthClientProvider & { authorizationUrl?: URL } {
  const state: { client?: any; tokens?: any; verifier?: string } = {};
  const provider: OAuthClientProvider & { authorizationUrl?: URL } = {
    get redirectUrl() {
      return REDIRECT;
    },
    get clientMetadata() {
      return { client_name: 'seglab OAuth test', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none', application_type: 'native', scope } as any;
    },
    clientInformation: () => state.client,
    saveClientInformation: (info) => void (state.client = info),
    tokens: () => state.tokens,
    saveTokens: (tokens) => void (state.tokens = tokens),
    redirectToAuthorization: (url) => void (provider.authorizationUrl = url),
    saveCodeVerifier: (v) => void (state.verifier = v),
    codeVerifier: () => state.verifier!,
  };
  return provider;
}

beforeAll(async () => {
  keyA = await signingKey('key-a');
  as = await startAuthServer({ keys: [keyA] });
  const port = await freePort();
  audience = `http://127.0.0.1:${port}/mcp`;
  dbPath = tempDbPath();
  mcp = await startHttpProcess(['--db', dbPath, '--port', String(port), '--auth', 'oauth', '--issuer', as.issuer, '--audience', audience]);
}, 30_000);
afterAll(async () => {
  await mcp?.stop();
  await as?.stop();
});

describe('serve --http --auth oauth', () => {
  it('answers 401 with WWW-Authenticate naming the protected-resource metadata, which names the issuer', async () => {
    const res = await fetch(audience, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' });
    expect(res.status).toBe(401);
    const challenge = res.headers.get('www-authenticate')!;
    const metadataUrl = /resource_metadata="([^"]+)"/.exec(challenge)![1]!;
    expect(metadataUrl).toBe(audience.replace('/mcp', '/.well-known/oauth-protected-resource/mcp'));
    const metadata = (await (await fetch(metadataUrl)).json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({ resource: audience, authorization_servers: [as.issuer], scopes_supported: ['seglab:read', 'seglab:write', 'seglab:admin'] });
  });

  it('authorization code + PKCE through the SDK client: alice, granted seglab:read, is a viewer', async () => {
    const provider = browserClient('seglab:read seglab:write seglab:admin');
    const first = new StreamableHTTPClientTransport(new URL(audience), { authProvider: provider });
    await expect(new Client({ name: 'oauth-test', version: '1.0.0' }).connect(first)).rejects.toThrow(UnauthorizedError);
    const authUrl = provider.authorizationUrl!;
    expect(authUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authUrl.searchParams.get('resource')).toBe(audience);
    const callback = await authorizeInBrowser(authUrl, REDIRECT);
    await first.finishAuth(callback);

    const client = new Client({ name: 'oauth-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(audience), { authProvider: provider }));
    const names = (await client.listTools()).tools.map((t) => t.name).sort();
    expect(names).toEqual(catalog.filter((t) => t.annotations.readOnlyHint).map((t) => t.name).sort());
    const list: any = await client.callTool({ name: 'list_studies', arguments: {} });
    expect(list.isError).toBeFalsy();
    await expect(client.callTool({ name: 'create_study', arguments: { name: 'x' } })).rejects.toThrow(/create_study/);
    await client.close();
  });

  it('client credentials for an agent: granted seglab:write, it is an editor, audited under its subject', async () => {
    const client = new Client({ name: 'agent', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(audience), { authProvider: new ClientCredentialsProvider({ clientId: AGENT.id, clientSecret: AGENT.secret, expectedIssuer: as.issuer }) }));
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toContain('create_study');
    expect(names).not.toContain('delete_study');
    const created: any = await client.callTool({ name: 'create_study', arguments: { name: 'Nightly synthesis' } });
    expect(created.structuredContent.study_id).toBeGreaterThan(0);
    await client.close();
    const { stdout } = await promisify(execFile)(process.execPath, [cliPath, 'audit', '--db', dbPath]);
    expect(stdout).toMatch(new RegExp(`\\t${AGENT.id} \\(oauth, editor\\)\\tcreate_study\\tstudy \\d+\\t\\{"name":"Nightly synthesis"`));
  });
});

describe('the JWT verifier', () => {
  async function clientCredentialsToken(resource: string): Promise<string> {
    const res = await fetch(`${as.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${AGENT.id}:${AGENT.secret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'seglab:read seglab:write', resource }),
    });
    const body = (await res.json()) as { access_token: string };
    return body.access_token;
  }

  it('follows key rotation, and refuses forged, expired and misaddressed tokens', async () => {
    const { verifier } = await oauthVerifier({ issuer: as.issuer, audience, jwksCooldownMs: 0 });
    const info = await verifier.verifyAccessToken(await clientCredentialsToken(audience));
    expect(info).toMatchObject({ clientId: AGENT.id, scopes: ['seglab:read', 'seglab:write'], extra: { caller: { kind: 'oauth', name: AGENT.id, role: 'editor' } } });
    expect(info.expiresAt).toBeGreaterThan(Date.now() / 1000);

    await expect(verifier.verifyAccessToken(await clientCredentialsToken('https://other.example/mcp'))).rejects.toThrow(/aud claim/);

    // Rotation: the server restarts signing with a new key; the old one is still published.
    await as.stop();
    const keyB = await signingKey('key-b');
    as = await startAuthServer({ keys: [keyB, keyA], port: as.port });
    const rotated = await clientCredentialsToken(audience);
    expect(JSON.parse(Buffer.from(rotated.split('.')[0]!, 'base64url').toString()).kid).toBe('key-b');
    expect((await verifier.verifyAccessToken(rotated)).clientId).toBe(AGENT.id);

    const forgedKey = await signingKey('key-b'); // same kid, another key
    const sign = async (claims: Record<string, unknown>, exp: number) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'key-b' }).setIssuer(as.issuer).setAudience(audience).setSubject('mallory').setIssuedAt().setExpirationTime(exp).sign(await importJWK(forgedKey as never, 'RS256'));
    await expect(verifier.verifyAccessToken(await sign({ scope: 'seglab:admin' }, Math.floor(Date.now() / 1000) + 600))).rejects.toThrow(/not valid/);
    const genuineB = await importJWK(keyB as never, 'RS256');
    const expired = await new SignJWT({ scope: 'seglab:admin' }).setProtectedHeader({ alg: 'RS256', kid: 'key-b' }).setIssuer(as.issuer).setAudience(audience).setSubject('old').setIssuedAt(1_000_000).setExpirationTime(1_000_600).sign(genuineB);
    await expect(verifier.verifyAccessToken(expired)).rejects.toThrow(/expired/);
    const noScope = await new SignJWT({ scope: 'openid' }).setProtectedHeader({ alg: 'RS256', kid: 'key-b' }).setIssuer(as.issuer).setAudience(audience).setSubject('bob').setIssuedAt().setExpirationTime('5m').sign(genuineB);
    await expect(verifier.verifyAccessToken(noScope)).rejects.toThrow(/grants none of seglab:read/);
  });

  it('accepts an http:// issuer only on loopback', async () => {
    await expect(oauthVerifier({ issuer: 'http://auth.example.com', audience })).rejects.toThrow(/https:\/\/ URL \(http:\/\/ is accepted only on loopback/);
  });
});
