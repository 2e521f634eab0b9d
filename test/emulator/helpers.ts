/** Small helpers for emulator contract tests: plain fetch, a jose-signed client assertion, DPoP proofs. */
import { randomUUID, createHash } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, importPKCS8, type KeyLike } from 'jose';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** A response, read once. */
export interface Res {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

/** A DPoP-bound access token and its key: {@link call} signs a fresh proof for every request with it. */
export interface DpopAuth {
  readonly token: string;
  readonly key: Awaited<ReturnType<typeof dpopKey>>;
  /** The proofs' `iat` (epoch s), for an emulator with an injected clock. @default now */
  readonly iat?: () => number;
}

/**
 * fetch with JSON in and out; `auth` is the whole Authorization header value, or a DPoP-bound token
 * (then the request carries `Authorization: DPoP …` and a fresh proof).
 */
export async function call(
  url: string,
  opts: {
    method?: string;
    auth?: string | DpopAuth;
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<Res> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (typeof opts.auth === 'string') headers.authorization = opts.auth;
  else if (opts.auth) {
    const a = opts.auth;
    headers.authorization = `DPoP ${a.token}`;
    headers.dpop = await dpopProof(a.key, {
      htm: opts.method ?? 'GET',
      htu: url,
      accessToken: a.token,
      iat: a.iat?.(),
    });
  }
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  const r = await fetch(url, { method: opts.method ?? 'GET', headers, body });
  const text = await r.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: r.status, headers: r.headers, body: parsed, text };
}

/** Signs a private_key_jwt client assertion. */
export async function clientAssertion(o: {
  clientId: string;
  tokenUrl: string;
  key: KeyLike;
  alg?: string;
  kid?: string;
  jti?: string;
  iat?: number;
  exp?: number;
  iss?: string;
  aud?: string;
}): Promise<string> {
  const now = o.iat ?? Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: o.alg ?? 'RS256', ...(o.kid !== undefined ? { kid: o.kid } : {}) })
    .setIssuer(o.iss ?? o.clientId)
    .setSubject(o.clientId)
    .setAudience(o.aud ?? o.tokenUrl)
    .setIssuedAt(now)
    .setExpirationTime(o.exp ?? now + 300)
    .setJti(o.jti ?? randomUUID())
    .sign(o.key);
}

/** A DPoP key pair with its public JWK. */
export async function dpopKey(alg = 'ES256') {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { alg, privateKey, jwk: await exportJWK(publicKey) };
}

/** Makes a DPoP proof (RFC 9449). */
export async function dpopProof(
  key: Awaited<ReturnType<typeof dpopKey>>,
  o: { htm: string; htu: string; accessToken?: string; nonce?: string; jti?: string; iat?: number },
): Promise<string> {
  const claims: Record<string, unknown> = { htm: o.htm, htu: o.htu };
  if (o.accessToken) claims.ath = createHash('sha256').update(o.accessToken).digest('base64url');
  if (o.nonce) claims.nonce = o.nonce;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, typ: 'dpop+jwt', jwk: key.jwk })
    .setIssuedAt(o.iat ?? Math.floor(Date.now() / 1000))
    .setJti(o.jti ?? randomUUID())
    .sign(key.privateKey);
}

/** Posts a token request; returns the raw response. */
export async function tokenRequest(
  tokenUrl: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Res> {
  const r = await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  const text = await r.text();
  return { status: r.status, headers: r.headers, body: text ? JSON.parse(text) : undefined, text };
}

/** Gets a Bearer token for a client with the emulator's generated RSA key (from the credentials). */
export async function bearerToken(
  creds: Record<string, string>,
  o: { tokenUrl: string; clientId: string; scope: string },
): Promise<string> {
  const key = (await importPKCS8(creds.OKTA_AERIAL_PRIVATE_KEY, 'RS256')) as KeyLike;
  const assertion = await clientAssertion({
    clientId: o.clientId,
    tokenUrl: o.tokenUrl,
    key,
    kid: creds.OKTA_AERIAL_KEY_ID,
  });
  const r = await tokenRequest(o.tokenUrl, {
    grant_type: 'client_credentials',
    scope: o.scope,
    client_assertion_type: JWT_BEARER,
    client_assertion: assertion,
  });
  if (r.status !== 200) throw new Error(`token request failed: ${r.status} ${r.text}`);
  return r.body.access_token as string;
}

/** The demo credentials' RSA private key as a jose key. */
export async function demoKey(creds: Record<string, string>): Promise<KeyLike> {
  return (await importPKCS8(creds.OKTA_AERIAL_PRIVATE_KEY, 'RS256')) as KeyLike;
}

/** A token request with a DPoP proof, answering the server's use_dpop_nonce challenge once. */
export async function dpopTokenRequest(
  tokenUrl: string,
  form: Record<string, string>,
  key: Awaited<ReturnType<typeof dpopKey>>,
  iat?: number,
): Promise<Res> {
  const first = await tokenRequest(tokenUrl, form, {
    DPoP: await dpopProof(key, { htm: 'POST', htu: tokenUrl, iat }),
  });
  const nonce = first.headers.get('dpop-nonce');
  if (first.body?.error !== 'use_dpop_nonce' || !nonce) return first;
  return tokenRequest(tokenUrl, form, {
    DPoP: await dpopProof(key, { htm: 'POST', htu: tokenUrl, nonce, iat }),
  });
}

/** Gets a DPoP-bound token for a client with the emulator's generated RSA key (for DPoP-required apps). */
export async function dpopToken(
  creds: Record<string, string>,
  o: { tokenUrl: string; clientId: string; scope: string },
): Promise<DpopAuth> {
  const assertion = await clientAssertion({
    clientId: o.clientId,
    tokenUrl: o.tokenUrl,
    key: await demoKey(creds),
    kid: creds.OKTA_AERIAL_KEY_ID,
  });
  const key = await dpopKey();
  const r = await dpopTokenRequest(
    o.tokenUrl,
    {
      grant_type: 'client_credentials',
      scope: o.scope,
      client_assertion_type: JWT_BEARER,
      client_assertion: assertion,
    },
    key,
  );
  if (r.status !== 200) throw new Error(`token request failed: ${r.status} ${r.text}`);
  return { token: r.body.access_token as string, key };
}

/** The claims of a JWT (not verified). */
export function jwtClaims(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}
