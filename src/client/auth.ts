/**
 * The auth layer: OAuth 2.0 client credentials with private_key_jwt (jose), DPoP (RFC 9449) and SSWS.
 * One token per credential set, cached in memory only, refreshed shortly before it expires; concurrent
 * first calls share one token request; the caller invalidates a token once on 401. Every call to
 * {@link Authorizer.authorize} signs a fresh DPoP proof (new jti and iat), so retries never replay a proof.
 */
import { createHash, createPrivateKey, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type JWK, type KeyLike } from 'jose';
import { createOktaApiError, type ApiService } from './errors';
import { classifyFailure, planRetry, type RetryPolicy } from './retry-policy';
import { secretFragments } from './redact';
import type { OrgAuth } from './types';

/** A minimal form POST used for token requests (no limiter, no auth). */
export type PostForm = (
  url: string,
  form: Record<string, string>,
  headers: Record<string, string>,
  timeoutMs: number,
) => Promise<{ status: number; headers: Record<string, string | undefined>; data: unknown }>;

/** What the auth layer needs from its environment. */
export interface AuthEnvironment {
  readonly postForm: PostForm;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly policy: RetryPolicy;
  readonly log: (line: string) => void;
  /** Called once per token obtained. */
  readonly onTokenFetched: () => void;
}

/** Headers for one attempt, plus what the caller needs to invalidate the token on 401. */
export interface Authorization {
  readonly headers: Record<string, string>;
  readonly token?: string;
}

/** Produces the Authorization (and DPoP) headers of one attempt. */
export interface Authorizer {
  readonly type: 'oauth' | 'ssws';
  authorize(
    method: string,
    url: string,
    scope: string,
    operation: string,
    deadlineMs: number,
  ): Promise<Authorization>;
  /**
   * Gets a token the next {@link authorize} can use from the cache, so the executor fetches it before
   * waiting for a slot rather than while holding one.
   */
  prepare(scope: string, operation: string, deadlineMs: number): Promise<void>;
  /** Drops a token the server refused (401). */
  invalidate(token: string | undefined): void;
  /** Remembers a DPoP nonce a resource server asked for. */
  setResourceNonce(url: string, nonce: string): void;
  /** Secret values to redact. */
  readonly secrets: readonly string[];
}

/** Uses a static SSWS API token. */
export class SswsAuthorizer implements Authorizer {
  readonly type = 'ssws' as const;
  readonly secrets: readonly string[];

  constructor(private readonly token: string) {
    this.secrets = secretFragments(token);
  }

  async authorize(): Promise<Authorization> {
    return { headers: { Authorization: `SSWS ${this.token}` } };
  }

  async prepare(): Promise<void> {
    // a static token: nothing to fetch
  }

  invalidate(): void {}

  setResourceNonce(): void {}
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
  readonly service: ApiService;
}

interface CachedToken {
  readonly token: string;
  readonly type: 'Bearer' | 'DPoP';
  readonly scopes: Set<string>;
  readonly refreshAt: number;
}

/** A signing key read from PEM (PKCS#8/PKCS#1/SEC1) or JWK JSON, with its algorithm and key id. */
export function readSigningKey(
  privateKey: string,
  keyId?: string,
): { key: KeyObject; alg: string; kid?: string } {
  const text = privateKey.trim();
  let key: KeyObject;
  let kid = keyId;
  let alg: string | undefined;
  try {
    if (text.startsWith('{')) {
      const jwk = JSON.parse(text) as JWK;
      key = createPrivateKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
      kid = kid ?? jwk.kid;
      alg = jwk.alg;
    } else {
      key = createPrivateKey(text.replace(/\\n/g, '\n'));
    }
  } catch {
    // The parser's message may quote the input, so it is not passed on.
    throw new Error(
      'the private key is not a PEM private key or a JWK JSON private key (check the private key environment variable)',
    );
  }
  if (!alg) {
    if (key.asymmetricKeyType === 'rsa') alg = 'RS256';
    else if (key.asymmetricKeyType === 'ec') {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      alg = curve === 'secp384r1' ? 'ES384' : curve === 'secp521r1' ? 'ES512' : 'ES256';
    } else throw new Error(`the private key has type ${key.asymmetricKeyType}; use an RSA or EC (P-256) key`);
  }
  return { key, alg, kid };
}

/** private_key_jwt client credentials with an in-memory token cache and optional DPoP. */
export class OAuthAuthorizer implements Authorizer {
  readonly type = 'oauth' as const;
  readonly secrets: string[];
  private readonly signing: { key: KeyObject; alg: string; kid?: string } | Error;
  private readonly cache: CachedToken[] = [];
  private readonly pending = new Map<string, Promise<CachedToken>>();
  private dpopKey?: Promise<{ privateKey: KeyLike; jwk: JWK }>;
  private tokenNonce?: string;
  private readonly resourceNonces = new Map<string, string>();
  /** The server refused the combined scope list once; ask per scope from then on. */
  private combinedRefused = false;

  constructor(
    private readonly creds: OAuthCredentials,
    private readonly env: AuthEnvironment,
  ) {
    this.secrets = secretFragments(creds.privateKey);
    try {
      this.signing = readSigningKey(creds.privateKey, creds.keyId);
    } catch (e) {
      this.signing = e as Error;
    }
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
    const proof = await this.proof(method, url, { ath, nonce: this.resourceNonces.get(new URL(url).origin) });
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
      try {
        const t = await p;
        if (covers(t.scopes, scope)) return t;
        if (wanted.length === 1) throw this.scopeError(operation, scope);
        // The server granted fewer scopes than asked for; ask for this call's scope alone.
        this.combinedRefused = true;
      } catch (e) {
        if (!(e instanceof ScopeRetry)) throw e;
      }
    }
  }

  private scopeError(operation: string, scope: string): Error {
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

  private async fetchToken(scopes: string[], deadlineMs: number): Promise<CachedToken> {
    const operation = `token request for client ${this.creds.clientId}`;
    if (this.signing instanceof Error) {
      throw createOktaApiError({
        operation,
        attempts: 0,
        service: 'token',
        status: 401,
        body: { errorCode: 'invalid_private_key', errorSummary: this.signing.message },
        authType: 'oauth',
      });
    }
    const started = this.env.now();
    let attempts = 0;
    const kinds: Record<string, number> = {};
    let nonceRetried = false;
    for (;;) {
      attempts++;
      const form: Record<string, string> = {
        grant_type: 'client_credentials',
        scope: scopes.join(' '),
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: await this.assertion(),
      };
      const headers: Record<string, string> = {};
      if (this.creds.dpop)
        headers.DPoP = await this.proof('POST', this.creds.tokenUrl, { nonce: this.tokenNonce });
      const remaining = deadlineMs - (this.env.now() - started);
      let res: Awaited<ReturnType<PostForm>> | undefined;
      let code: string | undefined;
      let transportMessage: string | undefined;
      try {
        res = await this.env.postForm(
          this.creds.tokenUrl,
          form,
          headers,
          Math.max(1, Math.min(this.env.policy.attemptTimeoutMs, remaining)),
        );
      } catch (e) {
        const err = e as { code?: string; message?: string };
        code = err.code ?? 'ECONNRESET';
        transportMessage = err.message;
      }
      if (res && res.status === 200) {
        const body = res.data as {
          access_token?: string;
          token_type?: string;
          expires_in?: number;
          scope?: string;
        };
        if (!body?.access_token) {
          throw createOktaApiError({
            operation,
            attempts,
            service: 'token',
            status: 200,
            body: { errorSummary: 'the token response has no access_token' },
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
      const body = res?.data as { error?: string } | undefined;
      if (
        res &&
        res.status === 400 &&
        body?.error === 'use_dpop_nonce' &&
        res.headers['dpop-nonce'] &&
        !nonceRetried
      ) {
        // The authorization server wants its nonce in the proof: sign a new proof with it and ask again.
        this.tokenNonce = res.headers['dpop-nonce'];
        nonceRetried = true;
        attempts--;
        continue;
      }
      if (res && res.status === 400 && body?.error === 'invalid_scope' && scopes.length > 1) {
        this.combinedRefused = true;
        throw new ScopeRetry();
      }
      const failure = { status: res?.status, headers: res?.headers, code };
      const kind = classifyFailure(failure);
      const plan = planRetry(
        {
          ...failure,
          method: 'POST',
          attempt: attempts,
          // A client-credentials grant has no side effect but a new token, so it may be repeated.
          rereadBeforeRetry: true,
          previousOfKind: kinds[kind] ?? 0,
          nowMs: this.env.now(),
          policy: this.env.policy,
        },
        this.env.random(),
        deadlineMs - (this.env.now() - started),
      );
      // The policy's attempt limit and the operation's deadline bound this like any other call.
      if (plan.retry) {
        kinds[plan.kind] = (kinds[plan.kind] ?? 0) + 1;
        await this.env.sleep(plan.delayMs);
        continue;
      }
      throw createOktaApiError({
        operation,
        attempts,
        service: 'token',
        status: res?.status,
        body: res?.data,
        headers: res?.headers,
        code,
        transportMessage,
        deadlineExceeded: plan.deadlineExceeded,
        deadlineMs,
        authType: 'oauth',
        scope: scopes.join(' '),
        host: new URL(this.creds.tokenUrl).host,
        secrets: this.secrets,
      });
    }
  }

  private async assertion(): Promise<string> {
    const s = this.signing as { key: KeyObject; alg: string; kid?: string };
    const nowS = Math.floor(Date.now() / 1000);
    return new SignJWT({})
      .setProtectedHeader(s.kid ? { alg: s.alg, kid: s.kid } : { alg: s.alg })
      .setIssuer(this.creds.clientId)
      .setSubject(this.creds.clientId)
      .setAudience(this.creds.tokenUrl)
      .setIssuedAt(nowS)
      .setExpirationTime(nowS + 300)
      .setJti(randomUUID())
      .sign(s.key);
  }

  private async proof(method: string, url: string, extra: { ath?: string; nonce?: string }): Promise<string> {
    this.dpopKey ??= generateKeyPair('ES256').then(async ({ privateKey, publicKey }) => {
      const { kty, crv, x, y } = await exportJWK(publicKey);
      return { privateKey, jwk: { kty, crv, x, y } };
    });
    const { privateKey, jwk } = await this.dpopKey;
    const u = new URL(url);
    const claims: Record<string, unknown> = { htm: method.toUpperCase(), htu: `${u.origin}${u.pathname}` };
    if (extra.ath) claims.ath = extra.ath;
    if (extra.nonce) claims.nonce = extra.nonce;
    return new SignJWT(claims)
      .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk })
      .setIssuedAt(Math.floor(Date.now() / 1000))
      .setJti(randomUUID())
      .sign(privateKey);
  }
}

/** Thrown inside the token layer when the combined scope list was refused; the caller retries per scope. */
class ScopeRetry extends Error {}

function covers(granted: Set<string>, scope: string): boolean {
  if (granted.has(scope)) return true;
  // okta-api.md 1.6: a manage-scoped token is accepted for reads (inference), so it covers the read scope.
  return scope.endsWith('.read') && granted.has(scope.replace(/\.read$/, '.manage'));
}

/** Builds the authorizer of an org's API credentials. */
export function orgAuthorizer(auth: OrgAuth, env: AuthEnvironment, scopes: readonly string[]): Authorizer {
  if (auth.type === 'ssws') return new SswsAuthorizer(auth.token);
  return new OAuthAuthorizer({ ...auth, scopes, service: 'token' }, env);
}
