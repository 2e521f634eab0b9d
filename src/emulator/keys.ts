/** The emulator's generated demo signing keys (one ES256 and one RS256 pair, both with kid `demo-key-1`). */
import { exportJWK, exportPKCS8, generateKeyPair, importJWK, type JWK } from 'jose';
import type { KeyState } from './state';

/** Key id of the generated demo keys. */
export const DEMO_KEY_ID = 'demo-key-1';

// RSA generation costs noticeable CPU; an in-memory emulator (no --state) reuses one set per process.
let cached: Promise<KeyState[]> | undefined;

/** Generates fresh demo keys, or returns this process's cached set when `reuse` is true. */
export function demoKeys(reuse: boolean): Promise<KeyState[]> {
  if (!reuse) return generate();
  cached ??= generate();
  return cached;
}

async function generate(): Promise<KeyState[]> {
  const out: KeyState[] = [];
  for (const alg of ['RS256', 'ES256'] as const) {
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
    const publicJwk = { ...(await exportJWK(publicKey)), kid: DEMO_KEY_ID, alg, use: 'sig' };
    const privateJwk = { ...(await exportJWK(privateKey)), kid: DEMO_KEY_ID, alg };
    out.push({ kid: DEMO_KEY_ID, alg, publicJwk, privateJwk });
  }
  return out;
}

/** PKCS#8 PEM of a stored private key. */
export async function privatePem(key: KeyState): Promise<string> {
  const k = await importJWK(key.privateJwk as unknown as JWK, key.alg);
  if (k instanceof Uint8Array) throw new Error('unexpected symmetric key');
  return exportPKCS8(k);
}
