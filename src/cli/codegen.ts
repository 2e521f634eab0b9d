/**
 * Code generation for `okta-aerial import`: an estate (read by estate.ts) becomes a plan of constructs with
 * stable, unique ids, rendered either as a complete cdktf app in TypeScript or as a plain JSON document of
 * the same constructs. Pure: no I/O, no clock (the same estate always gives the same bytes).
 *
 * What is declared, so that a deploy against the same account makes no write:
 * - one AerialAccount with the connection props the command was given (values and env var NAMES only);
 * - per linked org but the account's own Aerial org: an AerialOrg by orgId with its live status, and a
 *   ProductAssignment with its enabled products (sorted ids, each named from the subscribed products);
 * - per org connection with rate limits: an OktaOrg and one PrincipalRateLimit per entity with its two
 *   percentages.
 * Anything that cannot be declared faithfully is left out and listed (a comment, `notImported`).
 */
import { createHash } from 'node:crypto';
import {
  SPEC_LIMITS,
  SPEC_PATTERNS,
  type Org,
  type PrincipalRateLimitEntity,
  type PrincipalType,
  type Product,
} from '../contract';
import { orgUrlSubdomain, type AccountPropsJson, type OrgPropsJson } from './connection-flags';
import { cmp, type Estate } from './estate';

/** What to generate from. */
export interface CodegenInput {
  readonly estate: Estate;
  /** Name of the TerraformStack in the generated app. */
  readonly stack: string;
  /** The AerialAccount props (as given on the command line). */
  readonly account: AccountPropsJson;
  /** The OktaOrg props of each org connection, by the connection's orgUrl. */
  readonly orgProps: ReadonlyMap<string, OrgPropsJson>;
}

export type ConstructType =
  'AerialAccount' | 'AerialOrg' | 'ProductAssignment' | 'OktaOrg' | 'PrincipalRateLimit';

/** Another construct of the document, by id (`{"ref": "AcmeProd"}`). */
export interface ConstructRef {
  readonly ref: string;
}

export type PropValue =
  string | number | boolean | ConstructRef | readonly PropValue[] | { readonly [key: string]: PropValue };

/** One construct: its class, its id in the stack, and exactly the props it is constructed with. */
export interface ConstructDecl {
  readonly type: ConstructType;
  readonly id: string;
  readonly props: Readonly<Record<string, PropValue>>;
}

/** Something of the estate the generated stack does not declare, and why. */
export interface NotImported {
  readonly kind: 'aerial-org' | 'org' | 'products' | 'rate-limits' | 'rate-limit';
  readonly orgId?: string;
  readonly domain?: string;
  readonly orgUrl?: string;
  readonly principalId?: string;
  readonly principalType?: PrincipalType;
  readonly reason: string;
}

/** `--format json`: the constructs of the generated stack as plain data. */
export interface ImportDocument {
  readonly format: 'okta-aerial-import';
  readonly version: 1;
  readonly stack: string;
  readonly account: { readonly id: string; readonly name?: string };
  readonly subscribedProducts: readonly Product[];
  readonly constructs: readonly ConstructDecl[];
  readonly notImported: readonly NotImported[];
}

/** A construct as the TypeScript renderer needs it. */
interface PlannedDecl extends ConstructDecl {
  /** The variable it is bound to, when another construct refers to it. */
  varName?: string;
  /** Comment lines above it (the first construct of a group). */
  readonly comment?: readonly string[];
  /** A trailing comment per element of an array prop: productIds entry -> product name. */
  readonly elementComments?: Readonly<Record<string, string>>;
}

/** The generated stack before rendering. */
export interface ImportPlan {
  readonly stack: string;
  readonly estate: Estate;
  readonly decls: readonly PlannedDecl[];
  readonly notImported: readonly NotImported[];
  /** Domains of the linked orgs whose rate limits were not read (no org connection). */
  readonly orgsWithoutConnection: readonly string[];
}

/** The constructs of one org, or of one org URL that matches no linked org. */
interface Group {
  readonly base: string;
  readonly disambiguator: string;
  name: string;
  readonly org?: Org;
  /** Declared as an AerialOrg. */
  readonly managed: boolean;
  /** Sorted product ids, when a ProductAssignment is declared. */
  products?: string[];
  api?: {
    readonly orgUrl: string;
    readonly props: OrgPropsJson;
    readonly limits: PrincipalRateLimitEntity[];
  };
}

/** Ids the stack itself uses. */
const ACCOUNT_ID = 'Account';

/** Builds the plan: which constructs, their ids, props and comments. */
export function planImport(input: CodegenInput): ImportPlan {
  const { estate } = input;
  const notImported: NotImported[] = [];
  const groups: Group[] = [];
  const byOrgId = new Map<string, Group>();
  // Sorted here too, so the output depends only on the estate, never on the order it was read in.
  const orgs = [...estate.orgs].sort(
    (a, b) => cmp(a.org.domain.toLowerCase(), b.org.domain.toLowerCase()) || cmp(a.org.id, b.org.id),
  );
  for (const { org, products } of orgs) {
    const where = { orgId: org.id, domain: org.domain };
    let managed = !org.aerialOrg;
    if (org.aerialOrg) {
      notImported.push({
        kind: 'aerial-org',
        ...where,
        reason:
          "it is the account's own Aerial org, which the account cannot manage (Okta refuses to deactivate it or " +
          'change it through the Aerial API)',
      });
    } else if (!SPEC_PATTERNS.orgId.test(org.id)) {
      managed = false;
      notImported.push({
        kind: 'org',
        ...where,
        reason: `its id '${org.id}' is not the form AerialOrg accepts (00o followed by 17 letters or digits)`,
      });
    }
    const group: Group = {
      base: pascal(subdomainOf(org.domain)),
      disambiguator: org.id.replace(/[^A-Za-z0-9]/g, ''),
      name: '',
      org,
      managed,
    };
    if (managed) {
      const ids = [...new Set(products.map((p) => p.id))].sort(cmp);
      const bad = ids.filter((id) => !SPEC_PATTERNS.productId.test(id));
      if (bad.length > 0) {
        notImported.push({
          kind: 'products',
          ...where,
          reason: `product id${bad.length === 1 ? '' : 's'} ${bad.join(', ')} ${bad.length === 1 ? 'is' : 'are'} not the form ProductAssignment accepts (P followed by 6 digits)`,
        });
      } else {
        group.products = ids;
      }
    }
    groups.push(group);
    byOrgId.set(org.id, group);
  }
  for (const api of estate.orgApis) {
    const orgUrl = api.connection.orgUrl;
    const props = input.orgProps.get(orgUrl) ?? { orgUrl };
    let group = api.orgId !== undefined ? byOrgId.get(api.orgId) : undefined;
    if (!group || group.api) {
      group = {
        base: pascal(orgUrlSubdomain(orgUrl)),
        disambiguator: `Url${createHash('sha256').update(orgUrl).digest('hex').slice(0, 8)}`,
        name: '',
        managed: false,
      };
      groups.push(group);
    }
    const where = group.org ? { domain: group.org.domain, orgUrl } : { orgUrl };
    const limits: PrincipalRateLimitEntity[] = [];
    const seen = new Set<string>();
    const entities = [...api.rateLimits].sort(
      (a, b) => cmp(a.principalType, b.principalType) || cmp(a.principalId, b.principalId),
    );
    for (const e of entities) {
      const reason = unusableLimit(e, seen);
      seen.add(e.principalId);
      if (reason) {
        notImported.push({
          kind: 'rate-limit',
          ...where,
          principalId: e.principalId,
          principalType: e.principalType,
          reason,
        });
      } else {
        limits.push(e);
      }
    }
    group.api = { orgUrl, props, limits };
  }
  const orgsWithoutConnection = groups.filter((g) => g.managed && !g.api).map((g) => g.org!.domain);
  for (const g of groups) {
    if (g.managed && !g.api) {
      notImported.push({
        kind: 'rate-limits',
        orgId: g.org!.id,
        domain: g.org!.domain,
        reason: 'no --org-url was given for this org, so its principal rate limits were not read',
      });
    }
  }
  assignNames(groups);
  return {
    stack: input.stack,
    estate,
    decls: declare(input, groups),
    notImported,
    orgsWithoutConnection,
  };
}

/** Why an entity cannot be declared as a PrincipalRateLimit, or undefined when it can. */
function unusableLimit(e: PrincipalRateLimitEntity, seen: ReadonlySet<string>): string | undefined {
  if (!SPEC_PATTERNS.principalId.test(e.principalId)) {
    return `its principal id is not the form PrincipalRateLimit accepts (letters and digits)`;
  }
  if (seen.has(e.principalId)) {
    return 'a second entity for the same principal (a stack may declare one per principal)';
  }
  const { min, max } = SPEC_LIMITS.percentage;
  for (const field of ['defaultPercentage', 'defaultConcurrencyPercentage'] as const) {
    const v = e[field];
    if (v === undefined) return `${field} is not set (a PrincipalRateLimit declares both percentages)`;
    if (!Number.isInteger(v) || v < min || v > max) {
      return `${field} is ${v}, outside the ${min}..${max} that PrincipalRateLimit accepts`;
    }
  }
  return undefined;
}

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
function assignNames(groups: Group[]): void {
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

function declare(input: CodegenInput, groups: readonly Group[]): PlannedDecl[] {
  const { estate } = input;
  const productNames = new Map<string, string>();
  for (const p of estate.subscribedProducts) if (p.name) productNames.set(p.id, p.name);
  const enabledNames = new Map<string, string>();
  for (const { products } of estate.orgs)
    for (const p of products) if (p.name) enabledNames.set(p.id, p.name);

  const account: PlannedDecl = {
    type: 'AerialAccount',
    id: ACCOUNT_ID,
    props: accountProps(input.account),
    comment: [
      `The Aerial account ${estate.account.id}${estate.account.name ? ` (${estate.account.name})` : ''}; its key is read ` +
        'from the named environment variables at deploy time.',
    ],
  };
  const decls: PlannedDecl[] = [account];
  for (const g of groups) {
    if (g.managed) {
      const org = g.org!;
      const orgDecl: PlannedDecl = {
        type: 'AerialOrg',
        id: g.name,
        props: { account: { ref: ACCOUNT_ID }, orgId: org.id, status: org.status },
        comment: [describeOrg(org)],
      };
      decls.push(orgDecl);
      if (g.products) {
        const elementComments: Record<string, string> = {};
        for (const id of g.products) {
          elementComments[id] =
            productNames.get(id) ??
            `${enabledNames.get(id) ?? 'unnamed product'} (not among the account's subscribed products)`;
        }
        decls.push({
          type: 'ProductAssignment',
          id: `${g.name}Products`,
          props: { org: { ref: g.name }, productIds: g.products },
          elementComments,
        });
      }
    }
    if (g.api && g.api.limits.length > 0) {
      const apiId = `${g.name}Api`;
      const where = g.org
        ? `${g.org.domain}${g.org.aerialOrg ? " (the account's Aerial org)" : ''}`
        : g.api.orgUrl;
      decls.push({
        type: 'OktaOrg',
        id: apiId,
        props: orgProps(g.api.props),
        comment: [
          `Principal rate limits of ${where}: ${g.api.limits.length} entit${g.api.limits.length === 1 ? 'y' : 'ies'}`,
        ],
      });
      for (const e of g.api.limits) {
        decls.push({
          type: 'PrincipalRateLimit',
          id: `${g.name}Limit${e.principalId}`,
          props: {
            org: { ref: apiId },
            principalId: e.principalId,
            principalType: e.principalType,
            defaultPercentage: e.defaultPercentage!,
            defaultConcurrencyPercentage: e.defaultConcurrencyPercentage!,
          },
        });
      }
    }
  }
  bindVariables(decls);
  return decls;
}

function describeOrg(org: Org): string {
  const facts = [org.name && org.name !== subdomainOf(org.domain) ? `"${org.name}"` : '', `cell ${org.cell}`];
  if (org.createdDate) facts.push(`created ${org.createdDate.slice(0, 10)}`);
  return `${org.domain}: ${facts.filter((f) => f !== '').join(', ')}`;
}

function accountProps(p: AccountPropsJson): Record<string, PropValue> {
  const out: Record<string, PropValue> = { accountId: p.accountId };
  if (p.environment !== undefined) out.environment = p.environment;
  if (p.baseUrl !== undefined) out.baseUrl = p.baseUrl;
  if (p.aerialOrgDomain !== undefined) out.aerialOrgDomain = p.aerialOrgDomain;
  if (p.tokenUrl !== undefined) out.tokenUrl = p.tokenUrl;
  out.clientId = p.clientId;
  if (p.privateKeyEnv !== undefined) out.privateKeyEnv = p.privateKeyEnv;
  if (p.keyIdEnv !== undefined) out.keyIdEnv = p.keyIdEnv;
  if (p.dpop) out.dpop = true;
  return out;
}

function orgProps(p: OrgPropsJson): Record<string, PropValue> {
  const out: Record<string, PropValue> = { orgUrl: p.orgUrl };
  if (p.oauth) out.oauth = { ...p.oauth };
  else if (p.apiTokenEnv !== undefined) out.apiTokenEnv = p.apiTokenEnv;
  return out;
}

/** Gives a variable to every construct another one refers to: lowerCamel of its id, never a reserved word. */
function bindVariables(decls: PlannedDecl[]): void {
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

function isRef(v: PropValue): v is ConstructRef {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as ConstructRef).ref === 'string'
  );
}

/** The first label of a domain, lower-cased. */
function subdomainOf(domain: string): string {
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

// ---------------------------------------------------------------------------------------------------
// Rendering

/** The plan as the JSON document of `--format json`. */
export function toDocument(plan: ImportPlan): ImportDocument {
  return {
    format: 'okta-aerial-import',
    version: 1,
    stack: plan.stack,
    account: {
      id: plan.estate.account.id,
      ...(plan.estate.account.name ? { name: plan.estate.account.name } : {}),
    },
    subscribedProducts: plan.estate.subscribedProducts.map((p) => ({
      id: p.id,
      ...(p.name ? { name: p.name } : {}),
    })),
    constructs: plan.decls.map(({ type, id, props }) => ({ type, id, props })),
    notImported: plan.notImported,
  };
}

/** `--format json` text. */
export function renderJson(plan: ImportPlan): string {
  return `${JSON.stringify(toDocument(plan), null, 2)}\n`;
}

const WIDTH = 110;

/** The plan as a complete cdktf app in TypeScript (formatted as Prettier would, with printWidth 110). */
export function renderTypeScript(plan: ImportPlan): string {
  const { estate } = plan;
  const out: string[] = [];
  const counts = (type: ConstructType): number => plan.decls.filter((d) => d.type === type).length;
  const orgs = counts('AerialOrg');
  const limits = counts('PrincipalRateLimit');
  const apis = counts('OktaOrg');
  const account = `${estate.account.id}${estate.account.name ? ` (${estate.account.name})` : ''}`;
  out.push(
    ...commentBlock(
      [
        `The Okta Aerial account ${account} as a cdktf stack, written by \`okta-aerial import\`. It declares ` +
          `${plural(orgs, 'linked org')} by org id with ${orgs === 1 ? 'its status' : 'their statuses'}, the ` +
          `products enabled in each, and ${plural(limits, 'principal rate limit')} of ${plural(apis, 'org')}.`,
        'Deploying it against the same account changes nothing in Okta, and `okta-aerial drift` then reports ' +
          'every construct in sync. Every removal policy is RETAIN (the default): a destroy leaves Okta as it is.',
        'No secret is in this file: the connections name the environment variables that hold them.',
      ],
      '',
    ),
  );
  const skipped = notImportedLines(plan);
  if (skipped.length > 0) {
    out.push('//', '// Not declared here:', ...skipped.flatMap((line) => commentBlock([line], '- ')));
  }
  const types = new Set(plan.decls.map((d) => d.type));
  const imports = (
    ['AerialAccount', 'AerialOrg', 'OktaOrg', 'PrincipalRateLimit', 'ProductAssignment'] as const
  )
    .filter((t) => types.has(t))
    .join(', ');
  out.push(
    "import { App, TerraformStack } from 'cdktf';",
    `import { ${imports} } from 'cdktf-okta-aerial';`,
    '',
    'const app = new App();',
    `const stack = new TerraformStack(app, ${quote(plan.stack)});`,
  );
  const varOf = new Map(plan.decls.filter((d) => d.varName).map((d) => [d.id, d.varName!]));
  for (const d of plan.decls) {
    if (d.comment) out.push('', ...d.comment.flatMap((c) => commentBlock([c], '')));
    const head = `${d.varName ? `const ${d.varName} = ` : ''}new ${d.type}(stack, ${quote(d.id)}, {`;
    out.push(head, ...renderProps(d, varOf, '  '), '});');
  }
  out.push('', 'app.synth();');
  return `${out.join('\n')}\n`;
}

function notImportedLines(plan: ImportPlan): string[] {
  const lines: string[] = [];
  for (const n of plan.notImported) {
    if (n.kind === 'rate-limits') continue;
    const subject =
      n.kind === 'aerial-org'
        ? `the Aerial org ${n.orgId} (${n.domain})`
        : n.kind === 'org'
          ? `the org ${n.orgId} (${n.domain})`
          : n.kind === 'products'
            ? `the products of ${n.domain} (${n.orgId})`
            : `the rate limit of ${n.principalType} ${n.principalId} in ${n.domain ?? n.orgUrl}`;
    lines.push(`${subject}: ${n.reason}.`);
  }
  if (plan.orgsWithoutConnection.length > 0) {
    const n = plan.orgsWithoutConnection.length;
    lines.push(
      `the principal rate limits of ${plural(n, 'org')} without an --org-url (run the import again with ` +
        `--org-url for ${n === 1 ? 'it' : 'them'} to add them): ${plan.orgsWithoutConnection.join(', ')}.`,
    );
  }
  return lines;
}

function renderProps(d: PlannedDecl, varOf: ReadonlyMap<string, string>, indent: string): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(d.props)) {
    if (isRef(value)) {
      const name = varOf.get(value.ref)!;
      lines.push(`${indent}${name === key ? key : `${key}: ${name}`},`);
    } else if (Array.isArray(value) && value.length > 0 && d.elementComments) {
      lines.push(`${indent}${key}: [`);
      for (const item of value) {
        const note = d.elementComments[String(item)];
        lines.push(`${indent}  ${literal(item)},${note ? ` // ${commentText(note)}` : ''}`);
      }
      lines.push(`${indent}],`);
    } else if (Array.isArray(value) && value.length === 0 && key === 'productIds') {
      lines.push(`${indent}${key}: [], // no product is enabled`);
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      lines.push(`${indent}${key}: {`);
      for (const [k, v] of Object.entries(value as Record<string, PropValue>)) {
        lines.push(`${indent}  ${k}: ${literal(v)},`);
      }
      lines.push(`${indent}},`);
    } else {
      lines.push(`${indent}${key}: ${literal(value)},`);
    }
  }
  return lines;
}

/** A literal for a scalar or an array of scalars. */
function literal(v: PropValue): string {
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(literal).join(', ')}]`;
  throw new Error(`cannot render ${JSON.stringify(v)} inline`);
}

/** Control characters (and the two JavaScript line terminators) that may not appear raw in a literal or comment. */
function isControl(c: string): boolean {
  const code = c.charCodeAt(0);
  return code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029;
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A single-quoted TypeScript string literal (Prettier's choice of quotes for these values). */
export function quote(s: string): string {
  let body = '';
  for (const c of s) {
    body += ESCAPES[c] ?? (isControl(c) ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c);
  }
  return `'${body}'`;
}

/** Text safe inside a line comment: one line, no control characters. */
function commentText(s: string): string {
  return [...s]
    .map((c) => (isControl(c) ? ' ' : c))
    .join('')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** `// ` lines of at most WIDTH columns; continuation lines are indented under the first's `bullet`. */
function commentBlock(paragraphs: readonly string[], bullet: string): string[] {
  const lines: string[] = [];
  for (const p of paragraphs) {
    let line = `// ${bullet}`;
    let empty = true;
    // A `code span` is never split across lines.
    for (const word of commentText(p).match(/`[^`]*`[^\s]*|\S+/g) ?? []) {
      if (!empty && line.length + 1 + word.length > WIDTH) {
        lines.push(line);
        line = `// ${' '.repeat(bullet.length)}${word}`;
      } else {
        line += `${empty ? '' : ' '}${word}`;
      }
      empty = false;
    }
    lines.push(line);
  }
  return lines;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
