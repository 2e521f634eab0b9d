/**
 * Reading the spec a hook receives. With the terraform_data rendering the whole spec is in OKTA_AERIAL_SPEC;
 * with null_resource the destroy-time hook gets the literal part there and the natural key (which may hold
 * values Terraform resolved from other resources) as `{ "dotted.path": "value" }` in OKTA_AERIAL_SPEC_KEY.
 */
import { ENV } from '../contract';
import { parseSpecJson } from '../common/spec-json';
import type { HookSpec } from '../handlers/dispatch';
import { assertValidSpec } from '../contract/validate';
import { CliUsageError } from './output';

function parseJson(raw: string, name: string, parse: (raw: string) => unknown = JSON.parse): unknown {
  try {
    return parse(raw);
  } catch (err) {
    throw new CliUsageError(
      `${name} is not valid JSON (${(err as Error).message}); it is set by the stack's lifecycle resource — ` +
        `re-synthesize the stack with this version of cdktf-okta-aerial`,
    );
  }
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (part === '__proto__' || part === 'constructor' || part === 'prototype') return;
    const next = node[part];
    if (typeof next !== 'object' || next === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  const last = parts[parts.length - 1];
  if (last === '__proto__' || last === 'constructor' || last === 'prototype') return;
  node[last] = value;
}

/** Parses, overlays and validates the hook's spec; throws a usage error naming what is wrong. */
export function parseHookSpec(raw: string | undefined, rawKey?: string): HookSpec {
  if (raw === undefined || raw.trim() === '') {
    throw new CliUsageError(
      `${ENV.spec} is not set; 'okta-aerial hook' is run by Terraform from the stack's lifecycle resources, ` +
        `not by hand (to inspect a deploy, read the Terraform log)`,
    );
  }
  // A spec object's JSON, or the JSON of a spec string (the terraform_data rendering's `input`).
  const spec = parseJson(raw, ENV.spec, parseSpecJson);
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new CliUsageError(
      `${ENV.spec} must be a JSON object, got ${Array.isArray(spec) ? 'an array' : typeof spec}`,
    );
  }
  if (rawKey !== undefined && rawKey.trim() !== '') {
    const key = parseJson(rawKey, ENV.specKey);
    if (typeof key !== 'object' || key === null)
      throw new CliUsageError(`${ENV.specKey} must be a JSON object`);
    const record = spec as Record<string, unknown>;
    // The key is the old object's identity; the literal spec comes from the current code. If the key names
    // the org, it names it completely (an org named by id then by domain must not end up with both).
    if (Object.keys(key).some((path) => path.startsWith('org.'))) record.org = {};
    for (const [path, value] of Object.entries(key)) setPath(record, path, value);
  }
  assertValidSpec(spec);
  return spec;
}
