import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, TerraformStack, Testing } from 'cdktf';
import { setupJest } from 'cdktf/lib/testing/adapters/jest';
import { Construct } from 'constructs';
import { AerialAccount, OktaOrg, type AerialAccountProps, type OktaOrgProps } from '../../src';
import { problemsOf } from '../../src/constructs/problems';

setupJest();

/** A temp folder per test file for every app's outdir; remove it in afterAll with {@link cleanup}. */
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-aerial-synth-'));
let apps = 0;

/** A fresh app whose outdir lives under the test file's temp folder (Testing.app() would leak one per call). */
export function newApp(context: Record<string, unknown> = {}): App {
  apps += 1;
  return Testing.app({ outdir: path.join(root, `app-${apps}`), context });
}

/** A fresh stack named 'stack' in a fresh app. */
export function newStack(context: Record<string, unknown> = {}): TerraformStack {
  return new TerraformStack(newApp(context), 'stack');
}

/** Removes every outdir this file created. */
export function cleanup(): void {
  fs.rmSync(root, { recursive: true, force: true });
}

/** The temp folder this test file may write to. */
export function tempRoot(): string {
  return root;
}

/** Synthesizes a stack to its Terraform JSON (as a string for the cdktf matchers). */
export function synth(stack: TerraformStack): string {
  return Testing.synth(stack, true);
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The resources of one type in synthesized JSON, by logical id. */
export function resourcesOf(synthesized: string, type: string): Record<string, Json> {
  return (JSON.parse(synthesized).resource?.[type] ?? {}) as Record<string, Json>;
}

/**
 * The one resource of `type` whose logical id starts with `prefix` (e.g. 'Org_Identity_'). A spec string in
 * its `input` (src/common/spec-json.ts) is given as the object it spells; `rawInput` is the input as
 * synthesized.
 */
export function resource(synthesized: string, type: string, prefix: string): Json {
  const matches = Object.entries(resourcesOf(synthesized, type)).filter(([id]) => id.startsWith(prefix));
  if (matches.length !== 1)
    throw new Error(`expected one ${type} starting with ${prefix}, found ${matches.length}`);
  const body = matches[0][1];
  return typeof body.input === 'string'
    ? { ...body, input: JSON.parse(body.input), rawInput: body.input }
    : { ...body, rawInput: body.input };
}

/** The logical id of the one resource of `type` starting with `prefix`. */
export function logicalId(synthesized: string, type: string, prefix: string): string {
  const ids = Object.keys(resourcesOf(synthesized, type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`expected one ${type} starting with ${prefix}, found ${ids.length}`);
  return ids[0];
}

/** The identity and config resources of the construct with id `id` (terraform_data rendering). */
export function lifecycleOf(
  synthesized: string,
  id: string,
  type = 'terraform_data',
): { identity: Json; config: Json } {
  return {
    identity: resource(synthesized, type, `${id}_Identity_`),
    config: resource(synthesized, type, `${id}_Config_`),
  };
}

/** The local-exec block of a resource's only provisioner. */
export function localExec(res: Json): Json {
  expect(res.provisioner).toHaveLength(1);
  return res.provisioner[0]['local-exec'];
}

export const ACCOUNT_ID = '0227demoaerialaccount000001';

/** A valid account connection; override any prop. */
export function demoAccount(
  scope: TerraformStack,
  props: Partial<AerialAccountProps> = {},
  id = 'Account',
): AerialAccount {
  return new AerialAccount(scope, id, {
    accountId: ACCOUNT_ID,
    aerialOrgDomain: 'acme-aerial.okta.com',
    clientId: '0oaDemoAerialClient01',
    ...props,
  });
}

/** A valid org connection; override any prop. */
export function demoOktaOrg(
  scope: TerraformStack,
  props: Partial<OktaOrgProps> = {},
  id = 'AcmeProd',
): OktaOrg {
  return new OktaOrg(scope, id, { orgUrl: 'https://acme-prod.okta.com', ...props });
}

/**
 * The error a function throws, or the first problem the construct it returns reports at synth (fails the
 * test when there is neither).
 */
export function errorOf(fn: () => unknown): Error {
  let result: unknown;
  try {
    result = fn();
  } catch (err) {
    return err as Error;
  }
  const reported = result instanceof Construct ? problemsOf(result) : [];
  if (reported.length > 0) return reported[0];
  throw new Error('expected an error');
}
