import { TerraformStack, Token } from './cdk';
import { canonicalOrgUrl } from '../common/net';
import type { IConstruct } from 'constructs';
import { reportProblem } from './problems';

const claims = new WeakMap<TerraformStack, Map<string, string>>();

/**
 * Records that `construct` manages the object named by `key` in its stack, and reports (at synth) both
 * construct paths when another construct already does: two of them would fight over one remote object.
 */
export function claimUniqueKey(construct: IConstruct, subject: string, key: string, what: string): void {
  const stack = TerraformStack.of(construct);
  let stackClaims = claims.get(stack);
  if (!stackClaims) {
    stackClaims = new Map();
    claims.set(stack, stackClaims);
  }
  // One claim per kind: an AerialOrg and the ProductAssignment of the same org manage different things.
  const claim = `${subject} ${key}`;
  const previous = stackClaims.get(claim);
  if (previous !== undefined) {
    reportProblem(
      construct,
      new Error(
        `${subject} '${construct.node.path}' and ${subject} '${previous}' both manage ${what}; ` +
          'they would overwrite each other: keep one of them',
      ),
    );
    return;
  }
  stackClaims.set(claim, construct.node.path);
}

/**
 * The natural key as it names the remote object, for duplicate detection: spellings of one object become
 * one claim. A domain names an org whatever the cell; an org URL is compared by scheme, host and path with
 * default ports dropped, and every loopback name (127.x, ::1, localhost) is one host. Values from other
 * resources (tokens) are compared as written: only the deploy can tell what they name.
 */
export function canonicalKey(key: Record<string, string>): string {
  const out: Record<string, string> = {};
  for (const [path, value] of Object.entries(key)) {
    if (path === 'org.cell' && 'org.domain' in key) continue;
    if (Token.isUnresolved(value)) out[path] = value;
    else if (path === 'org.domain') out[path] = value.toLowerCase();
    else if (path === 'org.orgUrl') out[path] = canonicalOrgUrl(value);
    else out[path] = value;
  }
  return JSON.stringify(out);
}
