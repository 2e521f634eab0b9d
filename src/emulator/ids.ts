/** Id formats, id and secret generators, and the token hash: one definition each. */
import { createHash, randomBytes } from 'node:crypto';

/** An Aerial account id: 27 lowercase letters/digits (okta-api.md 1.5). */
export const ACCOUNT_ID_PATTERN = /^[a-z0-9]{27}$/;

/** An Okta object id (org, principal, client, rate limit entity). */
export const OKTA_ID_PATTERN = /^[A-Za-z0-9]{4,40}$/;

/** Random id with an Okta-like prefix (20 characters). */
export function randomId(prefix: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(20 - prefix.length);
  let out = prefix;
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

/** Random secret token value (URL-safe). */
export function randomSecret(bytes = 30): string {
  return randomBytes(bytes).toString('base64url');
}

/** base64url(SHA-256(value)): how access tokens are stored, and DPoP's `ath`. */
export function sha256b64u(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}
