/**
 * Problems a construct finds in its props are reported at synth, together with every other construct's
 * (aws-cdk's `node.addValidation`): five invalid constructs of a stack take one synth to find, not five.
 * cdktf runs the validations when it synthesizes a stack and lists each as `[construct path] message` (it
 * stops at the first stack with problems); the hook checks the spec again at deploy, so an app synthesized
 * with `skipValidation` still cannot deploy a bad spec.
 */
import type { IConstruct } from 'constructs';

const reported = new WeakMap<IConstruct, Error[]>();

/** Adds a problem to the construct's validations (reported when the app synthesizes). */
export function reportProblem(construct: IConstruct, error: Error): void {
  const list = reported.get(construct);
  if (list) list.push(error);
  else reported.set(construct, [error]);
  construct.node.addValidation({ validate: () => [error.message] });
}

/** The problems a construct reported, in order (for tests and tools that build constructs themselves). */
export function problemsOf(construct: IConstruct): readonly Error[] {
  return reported.get(construct) ?? [];
}
