/**
 * Drift: for every construct of a synthesized stack, the desired state (the code, with values from other
 * resources taken from the Terraform state where Terraform resolved them) against the live object in Okta.
 * Read-only. `okta-aerial drift`, `drift --repair` and `okta-aerial plan` are views over `detectDrift`.
 */
import type { FieldDrift, LiveReader, ResourceState } from '../handlers';
import type { ResourceKind, ResourceSpec } from '../contract';
import type { StackConstruct } from './synthesized-stack';
import type { StateResource } from './terraform';

/** in sync, drifted (fields differ), missing in Okta (the object does not exist), or not deployed yet. */
export type DriftStatus = 'in-sync' | 'drifted' | 'missing' | 'not-deployed';

/** The drift of one construct. */
export interface DriftEntry {
  readonly path: string;
  readonly kind: ResourceKind;
  readonly status: DriftStatus;
  /** For `drifted`: each field that differs (desired -> live). */
  readonly fields: readonly FieldDrift[];
  /** For `not-deployed`: why its desired state is not known or not deployed. */
  readonly reason?: string;
  /** The desired and live states, when known (live is absent for `missing`). */
  readonly desired?: ResourceState;
  readonly live?: ResourceState;
  /** The config resource whose replacement re-runs the construct's idempotent apply. */
  readonly configAddress: string;
  /** True when the config resource is already marked for replacement (tainted) in the state. */
  readonly repairPending: boolean;
}

/** What the drift engine needs from the handlers (loaded lazily by the commands). */
export interface DriftDeps {
  readonly reader: LiveReader;
  desiredState(spec: ResourceSpec): ResourceState;
  readLive(spec: ResourceSpec, reader: LiveReader): Promise<ResourceState | undefined>;
  diffState(desired: ResourceState, live: ResourceState): FieldDrift[];
}

/** The deployed desired spec of a construct, or why there is none. */
export type Resolution =
  | { readonly deployed: true; readonly spec: ResourceSpec; readonly tainted: boolean }
  | { readonly deployed: false; readonly reason: string };

/**
 * Compares every construct with Okta. Constructs without values from other resources are read at once,
 * while the state is still being loaded; the others once the state has resolved their values.
 */
export async function detectDrift(
  constructs: readonly StackConstruct[],
  state: Promise<Map<string, StateResource>>,
  deps: DriftDeps,
): Promise<DriftEntry[]> {
  const early = new Map<StackConstruct, Promise<ResourceState | undefined>>();
  for (const c of constructs) {
    if (c.templatePaths.length === 0) early.set(c, deps.readLive(c.spec, deps.reader));
  }
  // A read failure surfaces once, below; do not let an early read reject unobserved meanwhile.
  for (const p of early.values()) p.catch(() => undefined);
  const resources = await state;
  return Promise.all(
    constructs.map(async (c): Promise<DriftEntry> => {
      const base = { path: c.path, kind: c.kind, configAddress: c.configAddress, fields: [] };
      const resolution = resolveDeployed(c, resources);
      if (!resolution.deployed) {
        return { ...base, status: 'not-deployed', reason: resolution.reason, repairPending: false };
      }
      const desired = deps.desiredState(resolution.spec);
      const live = await (early.get(c) ?? deps.readLive(resolution.spec, deps.reader));
      const repairPending = resolution.tainted;
      if (!live) return { ...base, status: 'missing', desired, repairPending };
      const fields = deps.diffState(desired, live);
      return { ...base, status: fields.length ? 'drifted' : 'in-sync', fields, desired, live, repairPending };
    }),
  );
}

/**
 * The construct's spec as deployed: its config resource must be in the state, every template value must
 * be there (Terraform resolved it), and the key and desired state of the code must be the ones deployed
 * (otherwise the next deploy applies the code, and the construct is "not deployed yet").
 */
export function resolveDeployed(c: StackConstruct, state: Map<string, StateResource>): Resolution {
  const resource = state.get(c.configAddress);
  if (!resource)
    return { deployed: false, reason: 'not in the Terraform state (the next deploy creates it)' };
  const deployed = deployedTriggers(resource);
  if (!deployed) {
    return {
      deployed: false,
      reason: `the state of ${c.configAddress} was written by an older version; deploy once`,
    };
  }
  const spec = structuredClone(c.spec) as unknown as Record<string, unknown>;
  for (const p of c.templatePaths) {
    const value = deployed.valueAt(p);
    if (value === undefined) {
      return {
        deployed: false,
        reason: `${p} comes from another resource and the Terraform state has no value for it yet`,
      };
    }
    setAt(spec, p, value);
  }
  const resolved = spec as unknown as ResourceSpec;
  const changed =
    Object.entries(deployed.key).some(([p, v]) => !sameValue(getAt(resolved, p), v)) ||
    Object.entries(deployed.state).some(([f, v]) => !sameValue(getAt(resolved, f), v));
  if (changed) {
    return { deployed: false, reason: 'the code changed since the last deploy (the next deploy applies it)' };
  }
  return { deployed: true, spec: resolved, tainted: resource.tainted };
}

interface DeployedTriggers {
  readonly key: Record<string, unknown>;
  readonly state: Record<string, unknown>;
  valueAt(path: string): unknown;
}

/** The key and desired state Terraform recorded for a config resource, with values it resolved. */
function deployedTriggers(resource: StateResource): DeployedTriggers | undefined {
  const v = resource.values;
  if (isRecord(v.triggers_replace) && isRecord(v.input)) {
    // terraform_data: the whole resolved spec is the input.
    const input = v.input;
    const t = v.triggers_replace;
    if (!isRecord(t.key) || !isRecord(t.state)) return undefined;
    return { key: t.key, state: t.state, valueAt: (p) => getAt(input, p) };
  }
  if (isRecord(v.triggers) && typeof v.triggers.key === 'string' && typeof v.triggers.state === 'string') {
    // null_resource: only the key and the desired state are in the state (the rest of its spec is literal).
    const key = JSON.parse(v.triggers.key) as Record<string, unknown>;
    const state = JSON.parse(v.triggers.state) as Record<string, unknown>;
    return { key, state, valueAt: (p) => (p in key ? key[p] : getAt(state, p)) };
  }
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sameValue(a: unknown, b: unknown): boolean {
  const norm = (x: unknown): string =>
    JSON.stringify(Array.isArray(x) ? [...new Set(x as unknown[])].sort() : x);
  return norm(a) === norm(b);
}

/** Parts of a dotted path with indexes: `productIds[1]` -> ['productIds', 1]. */
function parts(p: string): Array<string | number> {
  return p
    .split(/\.|(?=\[)/)
    .map((s) => (s.startsWith('[') ? Number(s.slice(1, -1)) : s))
    .filter((s) => s !== '');
}

function getAt(obj: unknown, p: string): unknown {
  let node: unknown = obj;
  for (const k of parts(p)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[k];
  }
  return node;
}

function setAt(obj: Record<string, unknown>, p: string, value: unknown): void {
  const ks = parts(p);
  let node = obj as Record<string | number, unknown>;
  for (const k of ks.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  node[ks[ks.length - 1]] = value;
}
