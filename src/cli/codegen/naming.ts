/**
 * Names in the generated stack: construct ids after each org's subdomain, unique whatever the estate, and
 * variables for the constructs that others refer to. They depend only on the estate, never on the order of
 * reading.
 */
import { isRef, type Group, type PlannedDecl, type PropValue } from './types';

/** Ids the stack itself uses. */
export const ACCOUNT_ID = 'Account';

/** The ids a group's constructs get under `name`. */
function idsOf(g: Group, name: string): string[] {
  const ids: string[] = [];
  if (g.managed) ids.push(name);
  if (g.managed && g.products) ids.push(`${name}Products`);
  if (g.api && g.api.limits.length > 0) {
    ids.push(`${name}Api`, ...g.api.limits.map((e) => `${name}Limit${e.principalId}`));
  }
  return ids;
}

/**
 * Names every group after its org's subdomain (acme-prod -> AcmeProd). Where two groups would produce one id
 * (acme-prod and acme--prod; acme's `AcmeProducts` and the org acme-products), each of them appends its
 * disambiguator (the org id), so names depend only on the estate, never on the order of reading.
 */
export function assignNames(groups: Group[]): void {
  for (const g of groups) g.name = g.base;
  for (let round = 0; round < 4; round++) {
    const owners = new Map<string, Set<Group | undefined>>([[ACCOUNT_ID, new Set([undefined])]]);
    for (const g of groups) {
      for (const id of idsOf(g, g.name)) {
        const set = owners.get(id) ?? new Set();
        set.add(g);
        owners.set(id, set);
      }
    }
    const clashing = new Set<Group>();
    for (const set of owners.values()) {
      if (set.size > 1) for (const g of set) if (g) clashing.add(g);
    }
    if (clashing.size === 0) return;
    for (const g of clashing) {
      g.name =
        round < 3 ? `${g.name}${round === 0 ? g.disambiguator : round}` : `${g.name}X${groups.indexOf(g)}`;
    }
  }
}

/** Gives a variable to every construct another one refers to: lowerCamel of its id, never a reserved word. */
export function bindVariables(decls: PlannedDecl[]): void {
  const referenced = new Set<string>();
  const visit = (v: PropValue): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (isRef(v)) referenced.add(v.ref);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(visit);
  };
  for (const d of decls) Object.values(d.props).forEach(visit);
  const used = new Set(['app', 'stack', 'account']);
  for (const d of decls) {
    if (d.id === ACCOUNT_ID) {
      d.varName = referenced.has(ACCOUNT_ID) ? 'account' : undefined;
      continue;
    }
    if (!referenced.has(d.id)) continue;
    const base = d.id[0].toLowerCase() + d.id.slice(1);
    let name = RESERVED.has(base) || used.has(base) ? `${base}Org` : base;
    for (let n = 2; RESERVED.has(name) || used.has(name); n++) name = `${base}${n}`;
    used.add(name);
    d.varName = name;
  }
}

/** Words a variable may not be named (JavaScript and TypeScript keywords, and globals best not shadowed). */
const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'yield let static implements interface package private protected public await abstract as any async boolean ' +
    'constructor declare get infer is keyof module namespace never readonly require number object set string ' +
    'symbol type undefined unique unknown from global of arguments eval NaN Infinity'
  ).split(' '),
);

/** The first label of a domain, lower-cased. */
export function subdomainOf(domain: string): string {
  return domain.toLowerCase().split('.')[0];
}

/** `acme-prod` -> `AcmeProd`; an id never starts with a digit (`123corp` -> `Org123corp`). */
export function pascal(subdomain: string): string {
  const name = subdomain
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
  return /^[A-Za-z]/.test(name) ? name : `Org${name}`;
}
