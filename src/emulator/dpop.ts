/** DPoP proof verification (RFC 9449) as Okta applies it (okta-api.md 1.2). */
import { randomBytes } from 'node:crypto';
import { EmbeddedJWK, calculateJwkThumbprint, decodeProtectedHeader, jwtVerify, type JWK } from 'jose';
import type { EmulatorCore } from './core';
import { sha256b64u } from './ids';

/** Algorithms accepted for client assertions and DPoP proofs. */
export const SIGNING_ALGS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'];

/** The value Okta advertises in WWW-Authenticate. */
export const DPOP_CHALLENGE = `DPoP algs="${SIGNING_ALGS.join(' ')}"`;

/** A proof that fails verification; the message is safe to send back (no secrets). */
export class DpopProofError extends Error {}

/** A verified proof. */
export interface VerifiedProof {
  /** SHA-256 JWK thumbprint of the proof key (cnf.jkt). */
  jkt: string;
  nonce?: string;
}

/** Proof iat may be this far from the server clock. */
const IAT_WINDOW_S = 300;

/** Strips query and fragment, as RFC 9449 compares `htu`. */
function normalizeHtu(u: string): string {
  try {
    const url = new URL(u);
    return `${url.protocol}//${url.host}${url.pathname}`.toLowerCase();
  } catch {
    return '';
  }
}

/**
 * Verifies a DPoP proof: typ, alg, embedded public JWK, signature, htm, htu (any of the given URLs), iat,
 * `ath` when an access token is given, and jti replay. Records the jti only once everything else passed.
 */
export async function verifyDpopProof(
  core: EmulatorCore,
  proof: string,
  expect: { htm: string; htu: string[]; accessToken?: string },
): Promise<VerifiedProof> {
  let header;
  try {
    header = decodeProtectedHeader(proof);
  } catch {
    throw new DpopProofError('The DPoP proof is not a JWT.');
  }
  if (header.typ !== 'dpop+jwt') throw new DpopProofError("The DPoP proof 'typ' must be 'dpop+jwt'.");
  if (!header.alg || !SIGNING_ALGS.includes(header.alg))
    throw new DpopProofError(`The DPoP proof 'alg' must be one of ${SIGNING_ALGS.join(', ')}.`);
  if (!header.jwk || typeof header.jwk !== 'object')
    throw new DpopProofError("The DPoP proof header must carry the public 'jwk'.");
  if ('d' in header.jwk) throw new DpopProofError("The DPoP proof 'jwk' must be a public key.");
  let payload;
  try {
    ({ payload } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: SIGNING_ALGS }));
  } catch {
    throw new DpopProofError('The DPoP proof signature is invalid.');
  }
  if (payload.htm !== expect.htm)
    throw new DpopProofError("The DPoP proof 'htm' does not match the request method.");
  const htu = typeof payload.htu === 'string' ? normalizeHtu(payload.htu) : '';
  if (!expect.htu.map(normalizeHtu).includes(htu))
    throw new DpopProofError("The DPoP proof 'htu' does not match the request URL.");
  const nowS = core.now() / 1000;
  if (typeof payload.iat !== 'number' || Math.abs(nowS - payload.iat) > IAT_WINDOW_S)
    throw new DpopProofError("The DPoP proof 'iat' is missing or too far from the current time.");
  if (typeof payload.jti !== 'string' || payload.jti === '')
    throw new DpopProofError("The DPoP proof must carry a 'jti'.");
  if (expect.accessToken !== undefined && payload.ath !== sha256b64u(expect.accessToken))
    throw new DpopProofError("The DPoP proof 'ath' does not match the access token.");
  core.pruneReplayCaches();
  if (core.proofJtis.has(payload.jti)) throw new DpopProofError('The DPoP proof has already been used.');
  core.proofJtis.set(payload.jti, core.now() + 2 * IAT_WINDOW_S * 1000);
  const jkt = await calculateJwkThumbprint(header.jwk as JWK, 'sha256');
  return { jkt, nonce: typeof payload.nonce === 'string' ? payload.nonce : undefined };
}

/** The current DPoP nonce; a new one every 24 h, each accepted for 3 days. */
export function currentNonce(core: EmulatorCore): string {
  const now = core.now();
  const newest = core.dpopNonces[0];
  if (!newest || now - newest.created >= 24 * 3600_000) {
    core.dpopNonces.unshift({ value: randomBytes(24).toString('base64url'), created: now });
  }
  while (
    core.dpopNonces.length &&
    now - core.dpopNonces[core.dpopNonces.length - 1].created > 3 * 24 * 3600_000
  )
    core.dpopNonces.pop();
  return core.dpopNonces[0].value;
}

/** Whether a nonce is one the emulator handed out and has not expired. */
export function nonceValid(core: EmulatorCore, nonce: string | undefined): boolean {
  currentNonce(core);
  return nonce !== undefined && core.dpopNonces.some((n) => n.value === nonce);
}
