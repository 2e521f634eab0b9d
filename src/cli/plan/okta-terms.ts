/** States and objects in Okta's words, as `okta-aerial plan` and `drift` print them. */
import type { ResourceState } from '../../handlers/read';
import type { OrgRefSpec, ResourceKind, ResourceSpec } from '../../contract';
import type { DriftEntry } from '../drift';
import { asStrings, isRecord, sameJson } from './json';

/** How a value known only after apply is shown. */
export const KNOWN_AFTER_APPLY = '(known after apply)';

/** The fields of each kind's desired state (what triggers a config replacement, without principalType). */
export function stateFields(kind: ResourceKind): string[] {
  switch (kind) {
    case 'aerial-org':
      return ['status'];
    case 'product-assignment':
      return ['productIds'];
    case 'principal-rate-limit':
      return ['defaultPercentage', 'defaultConcurrencyPercentage'];
  }
}

/** The desired state of a planned spec in the shape of a live state; unknown fields are left out. */
export function plannedState(spec: ResourceSpec, isUnknown: (p: string) => boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const s = spec as unknown as Record<string, unknown>;
  for (const f of stateFields(spec.kind)) {
    if (isUnknown(f) || s[f] === undefined) continue;
    out[f] = f === 'productIds' ? [...new Set(asStrings(s[f]))].sort() : s[f];
  }
  return out;
}

export function sameState(kind: ResourceKind, a: ResourceState, b: ResourceState): boolean {
  return stateFields(kind).every((f) =>
    f === 'productIds'
      ? sameJson([...new Set(asStrings(a[f]))].sort(), [...new Set(asStrings(b[f]))].sort())
      : a[f] === b[f],
  );
}

/** A state in Okta's words: `ACTIVE`, `[P000052, P000131]`, `30%/20%`. */
export function stateText(kind: ResourceKind, state: ResourceState): string {
  switch (kind) {
    case 'aerial-org':
      return 'status' in state ? fmt(state.status) : KNOWN_AFTER_APPLY;
    case 'product-assignment':
      return 'productIds' in state ? fmt(state.productIds) : KNOWN_AFTER_APPLY;
    case 'principal-rate-limit': {
      const pct = (v: unknown): string => (v === undefined ? KNOWN_AFTER_APPLY : `${String(v)}%`);
      return `${pct(state.defaultPercentage)}/${pct(state.defaultConcurrencyPercentage)}`;
    }
  }
}

/** `org 00o...`, `org acme-eu.okta.com (cell eu1)`, `products of org ...`, `rate limit of 00T...`. */
export function objectLabel(spec: ResourceSpec, isUnknown: (p: string) => boolean): string {
  if (spec.kind === 'principal-rate-limit') {
    const who =
      isUnknown('principalId') || spec.principalId === undefined ? KNOWN_AFTER_APPLY : spec.principalId;
    return `rate limit of ${who}`;
  }
  const org = orgLabel(spec.org, isUnknown);
  return spec.kind === 'product-assignment' ? `products of ${org}` : org;
}

function orgLabel(ref: OrgRefSpec | undefined, isUnknown: (p: string) => boolean): string {
  if (!isRecord(ref)) return `org ${KNOWN_AFTER_APPLY}`;
  if ('orgId' in ref) return `org ${isUnknown('org.orgId') ? KNOWN_AFTER_APPLY : String(ref.orgId)}`;
  const domain = isUnknown('org.domain') ? KNOWN_AFTER_APPLY : String(ref.domain);
  const cell = isUnknown('org.cell') ? KNOWN_AFTER_APPLY : String(ref.cell);
  return `org ${domain} (cell ${cell})`;
}

/** A drift in Okta's words, code -> Okta: `status ACTIVE -> INACTIVE`, `30%/20% -> 45%/20%`. */
export function driftText(kind: ResourceKind, d: DriftEntry): string {
  if (!d.desired || !d.live) {
    return d.fields.map((f) => `${f.field} ${fmt(f.desired)} -> ${fmt(f.live)}`).join(', ');
  }
  const arrow = `${stateText(kind, d.desired)} -> ${stateText(kind, d.live)}`;
  return kind === 'aerial-org'
    ? `status ${arrow}`
    : kind === 'product-assignment'
      ? `products ${arrow}`
      : arrow;
}

export function missingWords(kind: ResourceKind): string {
  switch (kind) {
    case 'aerial-org':
      return 'the org is not linked to the account';
    case 'product-assignment':
      return 'the org is not linked to the account';
    case 'principal-rate-limit':
      return 'the principal has no rate limit';
  }
}

/** A value in Okta's words (as `okta-aerial drift` prints it). */
export function fmt(value: unknown): string {
  if (Array.isArray(value)) return `[${value.join(', ')}]`;
  if (value === undefined) return '(not set)';
  return String(value);
}
