/**
 * Reading a synth-time lookup from the app's context (contract/lookups.ts). A value not looked up yet is
 * Terraform's `null` with a synth warning that says how to get it: an output of it is left out and an
 * argument given it is unset, so nothing made up ever reaches Okta or the state.
 */
import type { IConstruct } from 'constructs';
import { Annotations, Token } from './cdk';

const warned = new WeakMap<IConstruct, Set<string>>();

/** The looked-up value, or a null token and (once) a warning naming the command that fills it in. */
export function lookedUp(construct: IConstruct, key: string, what: string): string {
  const value = construct.node.tryGetContext(key) as unknown;
  if (typeof value === 'string' && value !== '') return value;
  const keys = warned.get(construct) ?? new Set<string>();
  warned.set(construct, keys);
  if (keys.has(key)) return Token.asString(Token.nullValue());
  keys.add(key);
  Annotations.of(construct).addWarning(
    `${what} is not known at synth yet (null until looked up): after the deploy that creates it, run ` +
      "'npx okta-aerial lookup' (it stores the value in cdktf.json's context), then synth again",
  );
  return Token.asString(Token.nullValue());
}
