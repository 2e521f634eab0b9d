/**
 * OAuth 2.0 client credentials with private_key_jwt, optionally DPoP-bound. One token per credential set,
 * cached in memory only and refreshed shortly before it expires; concurrent first calls share one token
 * request; the caller invalidates a token once on 401. The token request itself (with its retries) is sent
 * by the stack ({@link SendGrant}), so this file holds no HTTP and no retry of its own.
 */
import { createHash } from 'node:crypto';
import { SCOPES } from '../../okta-api';
import { createOktaApiError } from '../errors/api-error-factory';
import { OktaApiError } from '../errors/api-error';
import { redactRequest } from '../errors/okta-aerial-error';
import { ProtocolError } from '../errors/protocol-error';
import { secretFragments } from '../log/redact';
import type { Authorization, Authorizer } from './authorizer';
import { DpopKey, readSigningKey, signClientAssertion, type SigningKey } from './signing';

/** What one attempt of a token request sends: the form, and a DPoP header when the tokens are bound. */
export interface GrantAttempt {
  readonly form: Record<string, string>;
  readonly headers: Record<string, string>;
}

/** One token request, as this layer describes it to the stack that sends it. */
export interface GrantRequest {
  /** `token request for client …`, what its errors name. */
  readonly operation: string;
  readonly url: string;
  /** The scopes asked for, space-separated. */
  readonly scope: string;
  readonly deadlineMs: number;
  /** Secret values its errors must not show. */
  readonly secrets: readonly string[];
  /** Signs a fresh client assertion (and DPoP proof) for each attempt. */
  sign(): Promise<GrantAttempt>;
  /** The authorization server asked for a DPoP nonce: the next proof carries it. */
  useNonce(nonce: string): void;
}

/** The authorization server's answer to a token request that succeeded. */
export interface GrantResponse {
  readonly status: number;
  readonly data: unknown;
  readonly requestId?: string;
}

/** Sends a token request with the client's retry layer; a failure after its retries is an OktaApiError. */
export type SendGrant = (req: GrantRequest) => Promise<GrantResponse>;

/** What the OAuth layer needs from its environment. */
export interface AuthEnvironment {
  readonly sendGrant: SendGrant;
  readonly now: () => number;
  readonly log: (line: string) => void;
  /** Called once per token obtained. */
  readonly onTokenFetched: () => void;
}

/** OAuth client credentials of one service app. */
export interface OAuthCredentials {
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly privateKey: string;
  readonly keyId?: string;
  readonly dpop?: boolean;
  /** Every scope this connection may need; asked for in one token when the server allows it. */
  readonly scopes: readonly string[];
}

interface CachedToken {
  readonly token: string;
  readonly type: 'Bearer' | 'DPoP';
  readonly scopes: Set<string>;
  readonly refreshAt: number;
}

/** The server refused the combined scope list; the caller asks for each scope alone. */
const SCOPE_REFUSED = 'scope-refused';

/** private_key_jwt client credentials with an in-memory token cache and optional DPoP. */
export class OAuthAuthorizer implements Authorizer {
  readonly type = 'oauth' as const;
  readonly secrets: string[];
  private readonly signing: SigningKey;
  private readonly cache: CachedToken[] = [];
  private readonly pending = new Map<string, Promise<CachedToken | typeof SCOPE_REFUSED>>();
  private readonly dpopKey = new DpopKey();
  private tokenNonce?: string;
  private readonly resourceNonces = new Map<string, string>();
  /** The server refused the combined scope list once; ask per scope from then on. */
  private combinedRefused = false;

  /** Reads the signing key at once: a key the client cannot use is a ConfigurationError before any request. */
  constructor(
    private readonly creds: OAuthCredentials,
    private readonly env: AuthEnvironment,
  ) {
    this.secrets = secretFragments(creds.privateKey);
    this.signing = readSigningKey(creds.privateKey, creds.keyId, `client ${creds.clientId}`);
  }

  async authorize(
    method: string,
    url: string,
    scope: string,
    operation: string,
    deadlineMs: number,
  ): Promise<Authorization> {
    const cached = await this.tokenFor(scope, operation, deadlineMs);
    if (cached.type === 'Bearer')
      return { headers: { Authorization: `Bearer ${cached.token}` }, token: cached.token };
    const ath = createHash('sha256').update(cached.token).digest('base64url');
    const nonce = this.resourceNonces.get(new URL(url).origin);
    const proof = await this.dpopKey.proof(method, url, { ath, nonce });
    return { headers: { Authorization: `DPoP ${cached.token}`, DPoP: proof }, token: cached.token };
  }

  async prepare(scope: string, operation: string, deadlineMs: number): Promise<void> {
    await this.tokenFor(scope, operation, deadlineMs);
  }

  invalidate(token: string | undefined): void {
    const i = this.cache.findIndex((c) => c.token === token);
    if (i >= 0) this.cache.splice(i, 1);
  }

  setResourceNonce(url: string, nonce: string): void {
    this.resourceNonces.set(new URL(url).origin, nonce);
  }

  private async tokenFor(scope: string, operation: string, deadlineMs: number): Promise<CachedToken> {
    for (;;) {
      const now = this.env.now();
      const usable = this.cache.find((c) => c.refreshAt > now && covers(c.scopes, scope));
      if (usable) return usable;
      const wanted = this.combinedRefused ? [scope] : [...new Set([...this.creds.scopes, scope])];
      const key = wanted.join(' ');
      let p = this.pending.get(key);
      if (!p) {
        // Shared by every call that needs this token meanwhile, so its errors name the token request, not the
        // call that happened to start it.
        p = this.fetchToken(wanted, deadlineMs).finally(() => this.pending.delete(key));
        this.pending.set(key, p);
      }
      const t = await p;
      if (t !== SCOPE_REFUSED && covers(t.scopes, scope)) return t;
      if (t !== SCOPE_REFUSED && wanted.length === 1) throw this.scopeError(operation, scope);
      // The server refused or cut down the combined scope list: ask for this call's scope alone.
      this.combinedRefused = true;
    }
  }

  private scopeError(operation: string, scope: string): OktaApiError {
    return createOktaApiError({
      operation: `${operation}: token request for client ${this.creds.clientId}`,
      attempts: 1,
      service: 'token',
      status: 400,
      body: { error: 'invalid_scope', error_description: `the token was not granted ${scope}` },
      authType: 'oauth',
      scope,
    });
  }

  private async fetchToken(
    scopes: string[],
    deadlineMs: number,
  ): Promise<CachedToken | typeof SCOPE_REFUSED> {
    const operation = `token request for client ${this.creds.clientId}`;
    let res: GrantResponse;
    try {
      res = await this.env.sendGrant({
        operation,
        url: this.creds.tokenUrl,
        scope: scopes.join(' '),
        deadlineMs,
        secrets: this.secrets,
        sign: () => this.signGrant(scopes),
        useNonce: (nonce) => (this.tokenNonce = nonce),
      });
    } catch (e) {
      // The combined list was refused as a whole: not a failure yet, the caller asks per scope.
      const refused = e instanceof OktaApiError && e.status === 400 && e.errorCode === 'invalid_scope';
      if (refused && scopes.length > 1) return SCOPE_REFUSED;
      throw e;
    }
    const body = res.data as {
      access_token?: unknown;
      token_type?: string;
      expires_in?: number;
      scope?: string;
    };
    if (typeof body?.access_token !== 'string' || !body.access_token) {
      throw new ProtocolError({
        operation,
        detail: `the token endpoint answered ${res.status} without an access_token`,
        hint: "Check the token URL: it must be the org's /oauth2/v1/token endpoint (or the emulator's).",
        status: res.status,
        requestId: res.requestId,
        request: redactRequest('POST', this.creds.tokenUrl, this.secrets),
      });
    }
    const ttlMs = Math.max(1, Number(body.expires_in ?? 3600)) * 1000;
    this.env.onTokenFetched();
    const granted = new Set((body.scope ?? scopes.join(' ')).split(/\s+/).filter(Boolean));
    const entry: CachedToken = {
      token: body.access_token,
      type: /^dpop$/i.test(body.token_type ?? '') ? 'DPoP' : 'Bearer',
      scopes: granted,
      // Refresh ~60 s early (less for short-lived tokens) so no call carries a token about to expire.
      refreshAt: this.env.now() + ttlMs - Math.min(60_000, ttlMs / 10),
    };
    this.cache.push(entry);
    this.env.log(
      `token for client ${this.creds.clientId} (${[...granted].join(' ')}, ${entry.type}, ${Math.round(ttlMs / 1000)} s)`,
    );
    return entry;
  }

  private async signGrant(scopes: string[]): Promise<GrantAttempt> {
    const { clientId, tokenUrl } = this.creds;
    const form: Record<string, string> = {
      grant_type: 'client_credentials',
      scope: scopes.join(' '),
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await signClientAssertion(this.signing, clientId, tokenUrl),
    };
    const headers: Record<string, string> = {};
    if (this.creds.dpop)
      headers.DPoP = await this.dpopKey.proof('POST', tokenUrl, { nonce: this.tokenNonce });
    return { form, headers };
  }
}

function covers(granted: Set<string>, scope: string): boolean {
  if (granted.has(scope)) return true;
  // okta-api.md 1.6: a manage-scoped token is accepted for reads (inference), so it covers the read scope.
  return scope.endsWith('.read') && granted.has(scope.replace(/\.read$/, '.manage'));
}

/** The scopes a connection's token asks for: the Aerial account's, or an org's Principal Rate Limits. */
export const CONNECTION_SCOPES = {
  aerial: [SCOPES.accountsRead, SCOPES.accountsManage],
  org: [SCOPES.principalRateLimitsRead, SCOPES.principalRateLimitsManage],
} as const;
