/**
 * Deploy-time claims: the remote object each construct of a synthesized stack manages, so two constructs
 * that name one object two ways the synth cannot compare (an org id and a domain, values from other
 * resources) are caught when the second hook runs, before it writes, instead of fighting the first.
 *
 * A claim is a small file in the stack folder (`.okta-aerial/claims/`, beside cdk.tf.json, where Terraform
 * runs the hooks), named by a hash of the remote object and holding the construct's path and the synth it
 * belongs to (the identity of cdk.tf.json). Aliasing is a property of one synthesized configuration: a
 * claim from another synth is stale and replaced; a claim from this synth by another construct is an alias.
 * This also holds across runs of one synth, so the result never depends on the order hooks ran in.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Where the claims of a stack live, relative to its folder. */
export const CLAIMS_DIR = path.join('.okta-aerial', 'claims');

/** Two constructs of one synth manage the same remote object. */
export class AliasError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AliasError';
  }
}

interface Claim {
  readonly synth: string;
  readonly path: string;
  readonly subject: string;
}

/** Claims the remote objects of one construct; `claim` throws {@link AliasError} on an alias. */
export interface Claims {
  claim(remote: string, what: string): void;
}

/**
 * The claims of the construct `subject` ("aerial-org 'okta/Prod'") at `constructPath`, in the stack folder
 * `stackDir`; undefined when the folder holds no cdk.tf.json (a hook run by hand), which claims nothing.
 */
export function openClaims(stackDir: string, constructPath: string, subject: string): Claims | undefined {
  const synthesized = fs.statSync(path.join(stackDir, 'cdk.tf.json'), { throwIfNoEntry: false });
  if (!synthesized) return undefined;
  const mine: Claim = {
    synth: `${synthesized.ino}-${synthesized.size}-${synthesized.mtimeMs}`,
    path: constructPath,
    subject,
  };
  const dir = path.join(stackDir, CLAIMS_DIR);
  return {
    claim(remote: string, what: string): void {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      const file = path.join(dir, `${createHash('sha256').update(remote).digest('hex').slice(0, 32)}.json`);
      // Written whole to a temp file first, then linked (exclusive) or renamed into place: a claim is never
      // seen half-written, which a hook racing this one would take for a stale claim and replace.
      const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(mine), { mode: 0o600 });
      let theirs: Claim | undefined;
      try {
        try {
          fs.linkSync(tmp, file);
          return;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        }
        theirs = read(file);
        if (theirs?.synth !== mine.synth) {
          // Left by another synth: replace it, then read back, so of two hooks replacing it at once exactly
          // one keeps the claim and the other sees the alias.
          fs.renameSync(tmp, file);
          theirs = read(file);
        }
      } finally {
        fs.rmSync(tmp, { force: true });
      }
      if (!theirs || theirs.synth !== mine.synth || theirs.path === mine.path) return;
      throw new AliasError(
        `${mine.subject} and ${theirs.subject} both manage ${what} (they name it in two ways, which only the ` +
          'deploy could resolve); they would overwrite each other: keep one of them, then synth and deploy again. ' +
          `Nothing was changed by ${mine.subject}`,
      );
    },
  };
}

function read(file: string): Claim | undefined {
  try {
    const c = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Claim>;
    return typeof c.synth === 'string' && typeof c.path === 'string' && typeof c.subject === 'string'
      ? (c as Claim)
      : undefined;
  } catch {
    return undefined; // torn or foreign: treated as stale
  }
}
