/**
 * OAuth 2.1 resource server: accepts JWT access tokens issued by an external authorization
 * server for this server's audience. The issuer's metadata is discovered (RFC 8414, then OpenID
 * Connect discovery), its keys fetched from jwks_uri and refreshed when a token names an unknown
 * key (rotation), and each token's signature, issuer, audience and expiry are checked by `jose`.
 * Scopes map to roles: seglab:read viewer, seglab:write editor, seglab:admin owner.
 */
import { discoverAuthorizationServerMetadata } from '@modelcontextprotocol/client';
import {
  getOAuthProtectedResourceMetadataUrl,
  oauthMetadataResponse,
  OAuthError,
  OAuthErrorCode,
  type AuthMetadataOptions,
  type OAuthMetadata,
  type OAuthTokenVerifier,
} from '@modelcontextprotocol/server';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { roleFromScopes, SCOPE_ROLES, type Caller } from '../domain/access.js';
import { bearerAuth, type HttpAuth } from './http-auth.js';

export interface OAuthOptions {
  issuer: string;
  /** This server's public URL (the resource identifier tokens must be issued for). */
  audience: string;
  /** Tests: how soon the key set may be fetched again after a fetch (jose's default is 30 s). */
  jwksCooldownMs?: number;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function checkedUrl(value: string, flag: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${flag} ${value} is not a URL.`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return url;
  throw new Error(`${flag} must be an https:// URL (http:// is accepted only on loopback, for tests): ${value}`);
}

function scopesOf(payload: JWTPayload): string[] {
  if (typeof payload.scope === 'string') return payload.scope.split(' ').filter(Boolean);
  if (Array.isArray(payload.scp)) return payload.scp.filter((s): s is string => typeof s === 'string');
  return [];
}

/** A token verifier for one issuer and audience. */
export async function oauthVerifier(options: OAuthOptions): Promise<{ verifier: OAuthTokenVerifier; metadata: OAuthMetadata }> {
  const issuer = checkedUrl(options.issuer, '--issuer');
  checkedUrl(options.audience, '--audience');
  const metadata = await discoverAuthorizationServerMetadata(issuer).catch((error: unknown) => {
    throw new Error(`Could not read the authorization server's metadata from ${issuer.href}: ${error instanceof Error ? error.message : String(error)}`);
  });
  if (!metadata) throw new Error(`${issuer.href} publishes no OAuth or OpenID metadata (.well-known/oauth-authorization-server or openid-configuration).`);
  if (!metadata.jwks_uri) throw new Error(`The authorization server ${issuer.href} publishes no jwks_uri: seglab verifies JWT access tokens with its keys.`);
  const jwks = createRemoteJWKSet(checkedUrl(String(metadata.jwks_uri), 'jwks_uri'), options.jwksCooldownMs === undefined ? {} : { cooldownDuration: options.jwksCooldownMs });

  const verifier: OAuthTokenVerifier = {
    async verifyAccessToken(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, jwks, { issuer: metadata.issuer, audience: options.audience, requiredClaims: ['exp', 'sub'] }));
      } catch (error) {
        const reason = error instanceof joseErrors.JWTExpired ? 'The access token has expired.' : error instanceof joseErrors.JWTClaimValidationFailed ? `The access token's ${error.claim} claim is not accepted here.` : 'The access token is not valid for this server.';
        throw new OAuthError(OAuthErrorCode.InvalidToken, reason);
      }
      const scopes = scopesOf(payload);
      const role = roleFromScopes(scopes);
      if (!role) throw new OAuthError(OAuthErrorCode.InsufficientScope, `The token grants none of ${Object.keys(SCOPE_ROLES).join(', ')}.`);
      const clientId = typeof payload.client_id === 'string' ? payload.client_id : typeof payload.azp === 'string' ? payload.azp : payload.sub!;
      const caller: Caller = { kind: 'oauth', name: payload.sub!, role, studies: null };
      return { token, clientId, scopes, expiresAt: payload.exp!, resource: new URL(options.audience), extra: { caller } };
    },
  };
  return { verifier, metadata };
}

/** The HTTP side: discovery documents, and Bearer checks with the RFC 9728 challenge. */
export async function oauthAuth(options: OAuthOptions): Promise<HttpAuth> {
  const { verifier, metadata } = await oauthVerifier(options);
  const resource = new URL(options.audience);
  const resourceMetadataUrl = getOAuthProtectedResourceMetadataUrl(resource);
  const documents: AuthMetadataOptions = {
    oauthMetadata: metadata,
    resourceServerUrl: resource,
    scopesSupported: Object.keys(SCOPE_ROLES),
    resourceName: 'seglab',
    dangerouslyAllowInsecureIssuerUrl: new URL(metadata.issuer).protocol === 'http:',
  };
  return {
    mode: 'oauth',
    wellKnown: (request) => oauthMetadataResponse(request, documents),
    ...bearerAuth('oauth', verifier, { resourceMetadataUrl, expectedResource: resource }),
    stillValid: () => true,
  };
}
