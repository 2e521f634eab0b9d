/**
 * What one lifecycle resource's change in the saved plan says, for both renderings (terraform_data keeps the
 * spec in `input`, null_resource only the key and desired state in `triggers`): the spec the apply hook will
 * get, the object the destroy hook will act on, the desired state last deployed, whether it changes, and what
 * an in-place update changes.
 */
import type { ResourceState } from '../../handlers/read';
import type { RemovalPolicy, ResourceKind, ResourceSpec } from '../../contract';
import type { StackConstruct } from '../synthesized-stack';
import type { PlanResourceChange } from '../terraform';
import { isRecord, isSpecLike, parseJson, sameJson, setAt, unknownPaths } from './json';
import { stateFields } from './okta-terms';
import type { ConstructChange, PlannedSpec } from './types';

/** The spec the apply hook of a created or replaced config resource will get. */
export function plannedSpec(c: StackConstruct, rc: PlanResourceChange): PlannedSpec {
  const after = rc.change.after ?? {};
  const au = rc.change.after_unknown;
  if (rc.type === 'null_resource') {
    // The key and desired state are the triggers (JSON strings); the rest of the spec is literal.
    const spec = structuredClone(c.spec) as unknown as Record<string, unknown>;
    const unknown: string[] = [];
    const tu = isRecord(au) ? au.triggers : undefined;
    const triggers = isRecord(after.triggers) ? after.triggers : {};
    for (const part of ['key', 'state'] as const) {
      const value = parseJson(triggers[part]);
      const fields = isRecord(value) ? value : {};
      if (tu === true || (isRecord(tu) && tu[part] === true) || !isRecord(value)) {
        unknown.push(...(part === 'key' ? c.templatePaths : []));
        if (part === 'state') unknown.push(...stateFields(c.kind));
        continue;
      }
      for (const [p, v] of Object.entries(fields)) setAt(spec, p, v);
    }
    return { spec: spec as unknown as ResourceSpec, unknown: [...new Set(unknown)] };
  }
  const unknown = isRecord(au) ? unknownPaths(au.input) : au === true ? ['(root)'] : [];
  if (!isRecord(after.input) || unknown.includes('(root)')) {
    return { spec: c.spec, unknown: c.templatePaths };
  }
  return { spec: after.input as unknown as ResourceSpec, unknown };
}

/** The object a destroy hook acts on and the policy it acts by, as Terraform will run it. */
export function oldObject(
  c: StackConstruct,
  identity: PlanResourceChange | undefined,
  config: PlanResourceChange | undefined,
): ConstructChange['old'] {
  const before = identity?.change.before;
  if (!isRecord(before)) return undefined;
  if (identity?.type === 'null_resource') {
    // The destroy hook's spec is a literal of the current code, with the old key from self.triggers.
    const spec = structuredClone(c.spec) as unknown as Record<string, unknown>;
    if (isRecord(before.triggers)) for (const [p, v] of Object.entries(before.triggers)) setAt(spec, p, v);
    return { spec: spec as unknown as ResourceSpec, removalPolicy: c.spec.removalPolicy };
  }
  // terraform_data: the destroy hook gets self.output, the identity input as last deployed.
  const input = isRecord(before.output) ? before.output : before.input;
  if (!isSpecLike(input)) return undefined;
  const spec = { ...(input as Record<string, unknown>) };
  // The identity of an org has no status and that of a rate limit no percentages: take them from the config.
  const cfgInput = config?.change.before?.input;
  if (isRecord(cfgInput)) for (const f of stateFields(c.kind)) if (!(f in spec)) spec[f] = cfgInput[f];
  return { spec: spec as unknown as ResourceSpec, removalPolicy: input.removalPolicy as RemovalPolicy };
}

/** The desired state recorded in the config's triggers at the last deploy. */
export function deployedStateOf(rc: PlanResourceChange | undefined): ResourceState | undefined {
  const before = rc?.change.before;
  if (!isRecord(before)) return undefined;
  const state = isRecord(before.triggers_replace)
    ? before.triggers_replace.state
    : isRecord(before.triggers)
      ? parseJson(before.triggers.state)
      : undefined;
  if (!isRecord(state)) return undefined;
  return state;
}

/** True when the config's recorded desired state changes (or is not known yet). */
export function stateChanged(rc: PlanResourceChange | undefined): boolean {
  if (!rc) return false;
  const { before, after, after_unknown: au } = rc.change;
  if (rc.type === 'null_resource') {
    const tu = isRecord(au) ? au.triggers : undefined;
    if (tu === true || (isRecord(tu) && tu.state === true)) return true;
    const b = isRecord(before?.triggers) ? before.triggers.state : undefined;
    const a = isRecord(after?.triggers) ? after.triggers.state : undefined;
    return !sameJson(parseJson(b), parseJson(a));
  }
  const tu = isRecord(au) ? au.triggers_replace : undefined;
  if (tu === true || (isRecord(tu) && unknownPaths(tu.state).length > 0)) return true;
  const b = isRecord(before?.triggers_replace) ? before.triggers_replace.state : undefined;
  const a = isRecord(after?.triggers_replace) ? after.triggers_replace.state : undefined;
  return !sameJson(b, a);
}

/** What an in-place update of the lifecycle resources changes (it runs no hook). */
export function inPlaceNotes(kind: ResourceKind, changes: Array<PlanResourceChange | undefined>): string[] {
  const notes = new Set<string>();
  for (const rc of changes) {
    if (!rc || !rc.change.actions.includes('update')) continue;
    const b = rc.change.before?.input;
    const a = rc.change.after?.input;
    const au = isRecord(rc.change.after_unknown) ? rc.change.after_unknown.input : undefined;
    if (!isRecord(b) || !isRecord(a)) {
      notes.add('inputs updated');
      continue;
    }
    if (sameJson(b, a)) {
      // The same spec in another form: a state of an earlier version (an object before, a JSON string now),
      // or a value from another resource that became a literal of the same value (or the reverse).
      notes.add('rendering updated');
      continue;
    }
    if (b.removalPolicy !== a.removalPolicy && a.removalPolicy !== undefined) {
      notes.add(`removal policy ${String(b.removalPolicy)} -> ${String(a.removalPolicy)}`);
    }
    if (kind === 'aerial-org' && b.requestDeletion !== a.requestDeletion && a.requestDeletion !== undefined) {
      notes.add(
        a.requestDeletion ? 'deletion request on destroy added' : 'deletion request on destroy removed',
      );
    }
    const conn = kind === 'principal-rate-limit' ? 'org' : 'account';
    const unknownConn = unknownPaths(au).some((p) => p === conn || p.startsWith(`${conn}.`));
    if (unknownConn || !sameJson(b[conn], a[conn])) notes.add('connection updated');
  }
  return [...notes];
}
