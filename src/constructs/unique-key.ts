import { TerraformStack } from 'cdktf';
import type { IConstruct } from 'constructs';

const claims = new WeakMap<TerraformStack, Map<string, string>>();

/**
 * Records that `construct` manages the object named by `key` in its stack, and throws naming both
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
    throw new Error(
      `${subject} '${construct.node.path}' and ${subject} '${previous}' both manage ${what}; ` +
        'they would overwrite each other: keep one of them',
    );
  }
  stackClaims.set(claim, construct.node.path);
}
