/**
 * The read side of every handler: the desired state a spec declares, the live state read back in the same
 * shape, and the fields where they differ. `drift`, `plan` and the repair step are views over these.
 */
import type { ResourceSpec } from '../contract';
import { readAerialOrg } from './aerial-org';
import type { LiveReader } from './live-reader';
import { readPrincipalRateLimit } from './principal-rate-limit';
import { readProductAssignment } from './product-assignment';

/** A resource's state as plain fields: `{ status }`, `{ productIds }` or the two percentages. */
export type ResourceState = Readonly<Record<string, unknown>>;

/** One field whose live value is not the desired one. */
export interface FieldDrift {
  readonly field: string;
  readonly desired: unknown;
  readonly live: unknown;
}

/** The desired state a spec declares, in the shape `readLive` returns. */
export function desiredState(spec: ResourceSpec): ResourceState {
  switch (spec.kind) {
    case 'aerial-org':
      return { status: spec.status };
    case 'product-assignment':
      return { productIds: [...new Set(spec.productIds)].sort() };
    case 'principal-rate-limit':
      return {
        defaultPercentage: spec.defaultPercentage,
        defaultConcurrencyPercentage: spec.defaultConcurrencyPercentage,
      };
  }
}

/** The live state of the object a spec names, or undefined when it does not exist in Okta. Never writes. */
export function readLive(spec: ResourceSpec, live: LiveReader): Promise<ResourceState | undefined> {
  switch (spec.kind) {
    case 'aerial-org':
      return readAerialOrg(spec, live) as Promise<ResourceState | undefined>;
    case 'product-assignment':
      return readProductAssignment(spec, live) as Promise<ResourceState | undefined>;
    case 'principal-rate-limit':
      return readPrincipalRateLimit(spec, live) as Promise<ResourceState | undefined>;
  }
}

/** The fields of `desired` whose live value differs (arrays are compared as given: both sides are sorted). */
export function diffState(desired: ResourceState, live: ResourceState): FieldDrift[] {
  return Object.keys(desired)
    .filter((field) => JSON.stringify(desired[field]) !== JSON.stringify(live[field]))
    .map((field) => ({ field, desired: desired[field], live: live[field] }));
}

/** A field value in Okta's terms, for one line of output: `[P000052, P000131]`, `30`, `ACTIVE`. */
export function formatValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.join(', ')}]`;
  if (value === undefined) return '(not set)';
  return String(value);
}
