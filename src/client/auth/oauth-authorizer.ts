/**
 * OAuth 2.0 client credentials with private_key_jwt, DPoP-bound when the connection asks or the app
 * requires it (found out from the server's `invalid_dpop_proof` refusal, once per credential set). One token
 * per credential set and scope set, cached in memory only and refreshed shortly before it expires;
 * concurrent first calls share one token request; each call gets a token with the exact scope it needs
 * (a read scope the app lacks falls back to the manage scope); the caller invalidates a token once on 401. The token request itself (with its retries) is sent
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

/** The authorization server refused the scope list (invalid_scope); the caller decides what to ask next. */
interface ScopeRefused {
  readonly refused: OktaApiError;
}

/** private_key_jwt client credentials with an in-memory token cache and optional DPoP. */
export class OAuthAuthorizer implements Authorizer {
  readonly type = 'oauth' as const;
  readonly secrets: string[];
  private readonly signing: SigningKey;
  private readonly cache: CachedToken[] = [];
  private readonly pending = new Map<string, Promise<CachedToken | ScopeRefused>>();
  private readonly dpopKey = new DpopKey();
  private tokenNonce?: string;
  private readonly resourceNonces = new Map<string, string>();
  /** The server refused the combined scope list once; ask per scope from then on. */
  private combinedRefused = false;
  /** Read scopes the app is not granted; reads then use the manage scope's token. */
  private readonly readViaManage = new Set<string>();
  /**
   * Token requests carry a DPoP proof: from the start when the connection says `dpop`, else from the first
   * `invalid_dpop_proof` refusal on (the app requires DPoP, as Okta's API Services apps do by default since
   * 2024). Remembered for the life of this authorizer: the process, or the deploy agent for every hook.
   */
  private dpopOn: boolean;

  /** Reads the signing key at once: a key the client cannot use is a ConfigurationError before any request. */
  constructor(
    private readonly creds: OAuthCredentials,
    private readonly env: AuthEnvironment,
  ) {
    this.secrets = secretFragments(creds.privateKey);
    this.signing = readSigningKey(creds.privateKey, creds.keyId, `client ${creds.clientId}`);
    this.dpopOn = creds.dpop === true;
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
      // A read scope the app was not granted: a manage-scoped token may do (okta-api.md 1.6 inference).
      const need = this.readViaManage.has(scope) ? manageScopeOf(scope) : scope;
      const now = this.env.now();
      // Exact: a read needs a token with the read scope, as a strict server (and perhaps Okta) wants.
      const usable = this.cache.find((c) => c.refreshAt > now && c.scopes.has(need));
      if (usable) return usable;
      const wanted = this.combinedRefused ? [need] : [...new Set([...this.creds.scopes, need])];
      const key = wanted.join(' ');
      let p = this.pending.get(key);
      if (!p) {
        // Shared by every call that needs this token meanwhile, so its errors name the token request, not the
        // call that happened to start it.
        p = this.fetchToken(wanted, deadlineMs).finally(() => this.pending.delete(key));
        this.pending.set(key, p);
      }
      const t = await p;
      if (!('refused' in t) && t.scopes.has(need)) return t;
      if (wanted.length > 1) {
        // The server refused or cut down the combined scope list: ask for this call's scope alone.
        this.combinedRefused = true;
        continue;
      }
      if (need === scope && isReadScope(scope)) {
        // The app cannot get the read scope: a lenient server accepts the manage scope for reads.
        this.readViaManage.add(scope);
        continue;
      }
      throw 'refused' in t ? t.refused : this.scopeError(operation, need);
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

  private async fetchToken(scopes: string[], deadlineMs: number): Promise<CachedToken | ScopeRefused> {
    const operation = `token request for client ${this.creds.clientId}`;
    const started = this.env.now();
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
      const refusal = e instanceof OktaApiError && e.status === 400 ? e.errorCode : undefined;
      // Not a failure yet: the caller asks for fewer scopes, or reads with the manage scope.
      if (refusal === 'invalid_scope') return { refused: e as OktaApiError };
      if (refusal === 'invalid_dpop_proof' && !this.dpopOn) {
        // The app requires DPoP: prove possession from now on, and ask again at once.
        this.dpopOn = true;
        this.env.log(
          `client ${this.creds.clientId} requires DPoP; token requests carry a DPoP proof from now on`,
        );
        return this.fetchToken(scopes, deadlineMs - (this.env.now() - started));
      }
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
    if (this.dpopOn) headers.DPoP = await this.dpopKey.proof('POST', tokenUrl, { nonce: this.tokenNonce });
    return { form, headers };
  }
}

const isReadScope = (scope: string): boolean => scope.endsWith('.read');
const manageScopeOf = (scope: string): string => scope.replace(/\.read$/, '.manage');

/** The scopes a connection's token asks for: the Aerial account's, or an org's Principal Rate Limits. */
export const CONNECTION_SCOPES = {
  aerial: [SCOPES.accountsRead, SCOPES.accountsManage],
  org: [SCOPES.principalRateLimitsRead, SCOPES.principalRateLimitsManage],
} as const;
