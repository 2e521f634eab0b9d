/**
 * Step 1 of `okta-aerial plan`: what Terraform will do, per construct. Groups the saved plan's resource
 * changes by construct and puts each into a lifecycle category (design.md, "Lifecycle on Terraform"), with
 * the live objects worth reading before step 2.
 */
import type { ResourceKind, ResourceSpec } from '../../contract';
import type { StackConstruct } from '../synthesized-stack';
import type { PlanJson, PlanResourceChange } from '../terraform';
import { isNoop, isRecord, isReplace, isSpecLike, parseJson } from './json';
import { deployedStateOf, inPlaceNotes, oldObject, plannedSpec, stateChanged } from './resource-change';
import type {
  AnalyzedPlan,
  ConstructChange,
  LiveRead,
  OtherChange,
  PlanCategory,
  PlannedSpec,
} from './types';

interface Group {
  path: string;
  kind?: ResourceKind;
  construct?: StackConstruct;
  identity?: PlanResourceChange;
  config?: PlanResourceChange;
}

/**
 * Groups the plan's resource changes by construct (constructs of the code by their addresses, removed ones
 * by the spec in their prior values) and says what Terraform will do with each. `destroy` marks a plan made
 * with `-destroy` (it is also recognized from the plan itself).
 */
export function analyzePlan(
  plan: PlanJson,
  constructs: readonly StackConstruct[],
  opts: { destroy?: boolean; retired?: ReadonlySet<string> } = {},
): AnalyzedPlan {
  const byAddress = new Map<string, { group: Group; role: 'identity' | 'config' }>();
  const groups = new Map<string, Group>();
  // Removed constructs apart: one may share its path with a construct of the code (another rendering).
  const removed = new Map<string, Group>();
  for (const c of constructs) {
    const group: Group = { path: c.path, kind: c.kind, construct: c };
    groups.set(c.path, group);
    byAddress.set(c.configAddress, { group, role: 'config' });
    if (c.identityAddress) byAddress.set(c.identityAddress, { group, role: 'identity' });
  }
  const others: OtherChange[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.deposed || rc.mode === 'data') continue;
    let slot = byAddress.get(rc.address);
    if (!slot) {
      const found = removedConstructResource(rc);
      if (found) {
        let group = removed.get(found.path);
        if (!group) {
          group = { path: found.path };
          removed.set(found.path, group);
        }
        // A null_resource identity alone cannot tell an org from its products: its config's word wins.
        if (found.role === 'config' || !group.kind) group.kind = found.kind;
        slot = { group, role: found.role };
      }
    }
    if (slot) {
      slot.group[slot.role] = rc;
    } else if (!isNoop(rc.change.actions)) {
      others.push({ address: rc.address, actions: rc.change.actions });
    }
  }
  const out = [...groups.values(), ...removed.values()]
    .filter((g) => g.kind !== undefined && (g.construct || g.identity || g.config))
    .map((g) => analyzeConstruct(g, opts.retired))
    .sort((a, b) => a.path.localeCompare(b.path));
  const reads = new Map<string, LiveRead>();
  for (const c of out) {
    for (const r of [c.reads.planned, c.reads.old]) if (r) reads.set(r.id, r);
  }
  const destroy = opts.destroy ?? out.some((c) => c.category === 'destroy' && !c.retired);
  return { mode: destroy ? 'destroy' : 'apply', constructs: out, others, reads: [...reads.values()] };
}

/** A resource of one of this library's constructs that is in the state but not in the code. */
function removedConstructResource(
  rc: PlanResourceChange,
): { path: string; kind: ResourceKind; role: 'identity' | 'config' } | undefined {
  const before = rc.change.before;
  if (!isRecord(before)) return undefined;
  if (rc.type === 'terraform_data') {
    const input = isRecord(before.output) ? before.output : before.input;
    if (!isSpecLike(input)) return undefined;
    return { path: input.path, kind: input.kind, role: input.role === 'identity' ? 'identity' : 'config' };
  }
  if (rc.type === 'null_resource' && isRecord(before.triggers)) {
    // null_resource keeps no spec: the construct is named by the address, the kind by the key and state.
    const m = /^(.+)_(Identity|Config)_[0-9A-F]{8}$/.exec(rc.name ?? rc.address.split('.').pop() ?? '');
    if (!m) return undefined;
    const t = before.triggers;
    const role = m[2] === 'Identity' ? 'identity' : 'config';
    const key = role === 'config' ? parseJson(t.key) : t;
    const state = role === 'config' ? parseJson(t.state) : undefined;
    if (!isRecord(key)) return undefined;
    let kind: ResourceKind | undefined;
    if ('principalId' in key) kind = 'principal-rate-limit';
    else if (isRecord(state) && 'status' in state) kind = 'aerial-org';
    else if (isRecord(state) && 'productIds' in state) kind = 'product-assignment';
    else if (!('account.accountId' in key)) return undefined;
    // An identity alone cannot tell an org from its products; the config of the same construct will.
    return { path: m[1], kind: kind ?? 'aerial-org', role };
  }
  return undefined;
}

function analyzeConstruct(g: Group, retired?: ReadonlySet<string>): ConstructChange {
  const c = g.construct;
  const kind = (g.kind ?? c?.kind) as ResourceKind;
  const identityActions = g.identity?.change.actions ?? [];
  const configActions = g.config?.change.actions ?? [];
  const reason = g.config?.action_reason;
  const base = {
    path: g.path,
    kind,
    inCode: c !== undefined,
    identityActions,
    configActions,
    ...(reason ? { reason } : {}),
  };
  const deployedState = deployedStateOf(g.config);
  if (!c && g.identity && retired?.has(g.identity.address) && g.identity.type === 'terraform_data') {
    // Retired: a `removed` block runs the identity's destroy hook with its last deployed spec.
    const old = oldObject({ kind } as StackConstruct, g.identity, g.config);
    const reads = old && old.removalPolicy === 'DESTROY' ? { old: liveRead(old.spec) } : {};
    return { ...base, category: 'destroy', retired: true, ...(old ? { old } : {}), inPlace: [], reads };
  }
  if (!c) {
    return {
      ...base,
      category: 'remove',
      ...(deployedState ? { deployedState } : {}),
      inPlace: [],
      reads: {},
    };
  }
  const idReplaced = isReplace(identityActions);
  const idDeleted = identityActions.includes('delete') && !identityActions.includes('create');
  const cfgRuns = configActions.includes('create');
  let category: PlanCategory;
  if (idDeleted) category = 'destroy';
  else if (idReplaced) category = 'replace';
  else if (cfgRuns && !configActions.includes('delete')) category = 'create';
  else if (cfgRuns) {
    if (stateChanged(g.config)) category = 'update';
    else if (reason === 'replace_because_tainted') category = 'repair';
    else category = 'reapply';
  } else if (identityActions.includes('update') || configActions.includes('update')) category = 'in-place';
  else category = 'none';

  const planned = cfgRuns && g.config ? plannedSpec(c, g.config) : undefined;
  const old =
    category === 'replace' || category === 'destroy' ? oldObject(c, g.identity, g.config) : undefined;
  const inPlace = category === 'destroy' ? [] : inPlaceNotes(kind, [g.identity, g.config]);
  const reads: { planned?: LiveRead; old?: LiveRead } = {};
  if (planned && canRead(planned)) reads.planned = liveRead(planned.spec);
  if (old && old.removalPolicy === 'DESTROY') reads.old = liveRead(old.spec);
  return {
    ...base,
    category,
    ...(planned ? { planned } : {}),
    ...(old ? { old } : {}),
    ...(deployedState ? { deployedState } : {}),
    inPlace,
    reads,
  };
}

/** True when the planned spec names a live object the CLI can read now (its key and connection are known). */
function canRead(p: PlannedSpec): boolean {
  const roots = ['account', 'org', 'principalId', 'principalType'];
  return !p.unknown.some((u) => u === '(root)' || roots.some((r) => u === r || u.startsWith(`${r}.`)));
}

function liveRead(spec: ResourceSpec): LiveRead {
  return { id: liveId(spec), spec };
}

/** Identifies a live object: kind, where its API is, and its natural key. */
export function liveId(spec: ResourceSpec): string {
  if (spec.kind === 'principal-rate-limit') {
    return JSON.stringify([spec.kind, spec.org.orgUrl, spec.principalId, spec.principalType]);
  }
  const ref = spec.org as Record<string, unknown>;
  const org = 'orgId' in ref ? ref.orgId : String(ref.domain).toLowerCase();
  return JSON.stringify([spec.kind, spec.account.baseUrl, spec.account.accountId, org]);
}
