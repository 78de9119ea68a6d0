/**
 * Who is calling over HTTP. Three modes:
 *   none   — loopback only, no credentials: the single local user (all research tools, no deletion);
 *   tokens — `Authorization: Bearer <token>` from `seglab token create`, checked against the database
 *            on every request (a revocation applies from the next request);
 *   oauth  — JWT access tokens from an external authorization server (src/auth/oauth.ts).
 * Failures are answered the SDK's way (bearerAuthChallengeResponse): 401 with a WWW-Authenticate
 * challenge naming the protected-resource metadata when there is one.
 */
import { bearerAuthChallengeResponse, OAuthError, OAuthErrorCode, verifyBearerToken, type AuthInfo, type OAuthTokenVerifier } from '@modelcontextprotocol/server';
import type { Caller } from '../domain/access.js';
import type { Store } from '../store/index.js';

export type AuthMode = 'none' | 'tokens' | 'oauth';

export interface Authenticated {
  caller: Caller;
  /** Passed to the SDK, which hands it to handlers as ctx.http.authInfo. */
  authInfo: AuthInfo;
}

export interface HttpAuth {
  mode: AuthMode;
  /** Answers the discovery documents (RFC 9728 protected resource, RFC 8414 passthrough) or undefined. */
  wellKnown(request: Request): Response | undefined;
  /** The caller, or the challenge response to send. */
  authenticate(authorization: string | undefined): Promise<Authenticated | Response>;
  /** Whether a session this caller opened may go on (false once its token is revoked). */
  stillValid(caller: Caller): boolean | Promise<boolean>;
}

/** The caller behind a verified token, kept in AuthInfo.extra so the server factory can read it. */
export function callerOf(authInfo: AuthInfo | undefined): Caller | undefined {
  return authInfo?.extra?.caller as Caller | undefined;
}

/** Loopback without --auth: the one local user. Deletion still needs a signed-in owner. */
export const LOOPBACK_USER: Caller = { kind: 'local', name: 'local', role: 'editor', studies: null };

export function noAuth(): HttpAuth {
  const authInfo: AuthInfo = { token: '', clientId: 'local', scopes: [], extra: { caller: LOOPBACK_USER } };
  return {
    mode: 'none',
    wellKnown: () => undefined,
    authenticate: async () => ({ caller: LOOPBACK_USER, authInfo }),
    stillValid: () => true,
  };
}

/** Runs the SDK's Bearer checks with a verifier that puts the Caller in AuthInfo.extra. */
export function bearerAuth(mode: AuthMode, verifier: OAuthTokenVerifier, options: { resourceMetadataUrl?: string; expectedResource?: URL } = {}): Pick<HttpAuth, 'authenticate'> {
  return {
    async authenticate(authorization) {
      try {
        const authInfo = await verifyBearerToken(authorization, { verifier, ...options });
        return { caller: callerOf(authInfo)!, authInfo };
      } catch (error) {
        return bearerAuthChallengeResponse(error, { resourceMetadataUrl: options.resourceMetadataUrl });
      }
    },
  };
}

/** API tokens from the database. */
export function tokenAuth(store: Store): HttpAuth {
  const verifier: OAuthTokenVerifier = {
    async verifyAccessToken(token) {
      const row = await store.tokens.verify(token);
      if (!row) throw new OAuthError(OAuthErrorCode.InvalidToken, 'Unknown or revoked token: ask the server\'s owner for one (seglab token create).');
      const caller: Caller = { kind: 'token', name: row.name, role: row.role, studies: row.studies, tokenId: row.id };
      // API tokens do not expire; the SDK requires an expiry, and each request is verified anew.
      return { token, clientId: row.name, scopes: [row.role], expiresAt: Math.floor(Date.now() / 1000) + 60, extra: { caller } };
    },
  };
  return {
    mode: 'tokens',
    wellKnown: () => undefined,
    ...bearerAuth('tokens', verifier),
    stillValid: async (caller) => caller.tokenId === undefined || await store.tokens.isActive(caller.tokenId),
  };
}
