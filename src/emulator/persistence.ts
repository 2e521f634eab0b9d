/**
 * `--state FILE`: every write is atomic (atomic-write.ts) so a crash never leaves a torn file. Secrets
 * (private keys, SSWS token values) are sealed with AES-256-GCM under a key from
 * OKTA_AERIAL_EMULATOR_STATE_KEY or, if unset, a 0600 `FILE.key` beside the state; access tokens are
 * stored only as hashes. So the state file itself never holds a usable secret in the clear.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { ENV } from '../common';
import { writeFileAtomic } from '../common/atomic-write';
import type { EmulatorState } from './state';

/** Env var that supplies the state encryption secret (any string). */
export const STATE_KEY_ENV = ENV.emulatorStateKey;

const FORMAT = 'okta-aerial-emulator-state';

interface Sealed {
  iv: string;
  tag: string;
  data: string;
}

interface StateFile {
  format: typeof FORMAT;
  version: 1;
  state: EmulatorState;
  secrets: Sealed;
}

interface Secrets {
  keys: Record<string, Record<string, unknown>>;
  apiTokens: Record<string, string>;
}

/** The key the state at `statePath` is sealed with, or undefined if it has none yet. */
function existingKey(statePath: string): Buffer | undefined {
  const fromEnv = process.env[STATE_KEY_ENV];
  if (fromEnv) return createHash('sha256').update(fromEnv).digest();
  const keyPath = `${statePath}.key`;
  if (existsSync(keyPath)) return Buffer.from(readFileSync(keyPath, 'utf8').trim(), 'hex');
  return undefined;
}

/** The key to seal with, creating `FILE.key` (atomically, never over another) on first use. */
async function keyForWriting(statePath: string): Promise<Buffer> {
  const existing = existingKey(statePath);
  if (existing) return existing;
  const key = randomBytes(32);
  await writeFileAtomic(`${statePath}.key`, key.toString('hex') + '\n', { exclusive: true });
  return key;
}

const tokenKey = (orgId: string, principalId: string, i: number) => `${orgId}/${principalId}/${i}`;

/** Splits secrets out of the state and seals them. */
function toFile(state: EmulatorState, key: Buffer): StateFile {
  const secrets: Secrets = { keys: {}, apiTokens: {} };
  const pub: EmulatorState = structuredClone(state);
  pub.keys.forEach((k, i) => {
    secrets.keys[`${k.kid}/${k.alg}`] = state.keys[i].privateJwk;
    k.privateJwk = {};
  });
  pub.orgs.forEach((o) =>
    o.apiTokens.forEach((t, i) => {
      secrets.apiTokens[tokenKey(o.id, t.principalId, i)] = t.value;
      t.value = '';
    }),
  );
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
  return {
    format: FORMAT,
    version: 1,
    state: pub,
    secrets: {
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    },
  };
}

/** Loads a state file, or returns undefined if there is none. Throws with a clear message on a bad file. */
export function loadState(path: string): EmulatorState | undefined {
  if (!existsSync(path)) return undefined;
  let file: StateFile;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as StateFile;
  } catch (e) {
    throw new Error(`cannot read state ${path}: ${(e as Error).message}`);
  }
  if (file?.format !== FORMAT || file.version !== 1 || !file.state || !file.secrets)
    throw new Error(`cannot read state ${path}: not an emulator state file (format ${FORMAT} version 1)`);
  const key = existingKey(path);
  if (!key)
    throw new Error(
      `cannot read state ${path}: its key file ${path}.key is missing (and ${STATE_KEY_ENV} is not set); delete the state file to start over`,
    );
  let secrets: Secrets;
  try {
    const d = createDecipheriv('aes-256-gcm', key, Buffer.from(file.secrets.iv, 'base64'));
    d.setAuthTag(Buffer.from(file.secrets.tag, 'base64'));
    const plain = Buffer.concat([d.update(Buffer.from(file.secrets.data, 'base64')), d.final()]);
    secrets = JSON.parse(plain.toString('utf8')) as Secrets;
  } catch {
    throw new Error(`cannot read state ${path}: the secrets do not decrypt with the current key`);
  }
  const state = file.state;
  state.keys.forEach((k) => (k.privateJwk = secrets.keys[`${k.kid}/${k.alg}`] ?? {}));
  state.orgs.forEach((o) =>
    o.apiTokens.forEach((t, i) => (t.value = secrets.apiTokens[tokenKey(o.id, t.principalId, i)] ?? '')),
  );
  return state;
}

/** Writes the state atomically. */
export async function saveState(path: string, state: EmulatorState): Promise<void> {
  const key = await keyForWriting(path);
  await writeFileAtomic(path, JSON.stringify(toFile(state, key), null, 2) + '\n');
}

/**
 * Serialises saves: a change while a save runs schedules exactly one more; `flush` waits for quiet.
 * Saves are debounced by `delayMs` so a burst of writes costs one fsync.
 */
export class StateSaver {
  private timer?: NodeJS.Timeout;
  private loop?: Promise<void>;
  private dirty = false;

  constructor(
    private readonly path: string,
    private readonly snapshot: () => EmulatorState,
    private readonly delayMs = 20,
  ) {}

  /** Notes a change; a save follows shortly. */
  markDirty(): void {
    this.dirty = true;
    if (!this.timer && !this.loop) this.timer = setTimeout(() => void this.start(), this.delayMs);
  }

  private start(): Promise<void> {
    this.timer = undefined;
    this.loop ??= this.drain().finally(() => (this.loop = undefined));
    return this.loop;
  }

  private async drain(): Promise<void> {
    while (this.dirty) {
      this.dirty = false;
      try {
        await saveState(this.path, this.snapshot());
      } catch (e) {
        process.stderr.write(
          `okta-aerial emulator: cannot save state to ${this.path}: ${(e as Error).message}\n`,
        );
      }
    }
  }

  /** Writes any pending change now and waits for it. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    if (this.loop) await this.loop;
    if (this.dirty) await this.start();
  }
}
