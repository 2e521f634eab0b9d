/**
 * Validation of specs: one rule table per spec kind, every failure reported together. Pure and free of
 * cdktf: constructs run it at synth (skipping unresolved tokens), the hook runs it again at deploy time
 * once Terraform has resolved them. Longer than 300 lines on purpose: the combinators and the per-kind rule
 * tables they build are read together, as one table, and nothing outside this file needs them apart.
 */
import { AERIAL_ENVIRONMENTS, ORG_STATUSES, PRINCIPAL_TYPES } from '../okta-api';
import { ENV_NAME_PATTERN, isLoopbackHost } from '../common';

export { isLoopbackHost };
import { REMOVAL_POLICIES, SPEC_VERSION } from './spec';
import type { IdentitySpec, ResourceSpec } from './spec';

/** Options of {@link validateSpec}. */
export interface ValidateOptions {
  /**
   * Returns true for a value that is not known yet (a Terraform token at synth); such values are skipped.
   * @default - nothing is skipped (deploy time, where every token has been resolved)
   */
  readonly isUnresolved?: (value: unknown) => boolean;
}

/** Thrown when a construct's props or a spec break one or more rules; lists every failure. */
export class SpecValidationError extends Error {
  constructor(
    /** What was validated, e.g. `AerialOrg 'Stack/ProdOrg'`. */
    readonly subject: string,
    /** One lowercase message per failed rule. */
    readonly problems: readonly string[],
  ) {
    super(`${subject} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SpecValidationError';
  }
}

/** Limits shared by the constructs (for their docs and defaults) and the rules. */
export const SPEC_LIMITS = {
  aerialMaxConcurrency: { min: 1, max: 10 },
  orgMaxConcurrency: { min: 1, max: 75 },
  deadlineMs: { min: 1000, max: 3_600_000 },
  percentage: { min: 1, max: 100 },
} as const;

/** Formats of the ids and names the rules check. */
export const SPEC_PATTERNS = {
  accountId: /^[a-z0-9]{27}$/,
  orgId: /^00o[A-Za-z0-9]{17}$/,
  domain:
    /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/,
  cell: /^[A-Za-z]{2,3}[0-9]{1,2}$/,
  productId: /^P[0-9]{6}$/,
  principalId: /^[A-Za-z0-9]{1,64}$/,
  clientId: /^[A-Za-z0-9_-]{1,100}$/,
} as const;

/** One check: returns a message, or undefined when the value is fine. `label` is the prop's name. */
type Check = (value: unknown, label: string) => string | undefined;

/** One rule of a table: where the value is in the spec, how to name it in messages, and the check. */
interface Rule {
  readonly path: string;
  /** Name in messages when it differs from the path (the construct prop a user would change). */
  readonly label?: string;
  /** Missing (undefined) is fine. */
  readonly optional?: boolean;
  readonly check: Check;
}

/** A rule over the whole spec (relations between fields); returns zero or more messages. */
type CrossRule = (spec: Record<string, unknown>, isUnresolved: (v: unknown) => boolean) => string[];

/** A value pasted where an id or name belongs that looks like a key or token: never echoed. */
function looksSecret(value: string): boolean {
  return (
    /-----BEGIN|PRIVATE KEY|"(kty|d)"\s*:/.test(value) ||
    (value.length >= 40 && /^[A-Za-z0-9+/=_-]+$/.test(value))
  );
}

/** Renders a value for a message: short, quoted, never huge, never a secret. */
function show(value: unknown): string {
  if (typeof value === 'number') return String(value); // NaN and Infinity, which JSON calls null
  if (typeof value === 'string' && looksSecret(value)) {
    return `(a value of ${value.length} characters that looks like a key or token, not shown)`;
  }
  if (typeof value === 'string') {
    const text = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return `'${text}'`;
  }
  if (value === undefined) return 'undefined';
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

const pattern =
  (re: RegExp, what: string, expected: string): Check =>
  (value, label) =>
    typeof value === 'string' && re.test(value)
      ? undefined
      : `${label} ${show(value)} is not ${what}; expected ${expected}`;

const integer =
  (min: number, max: number): Check =>
  (value, label) =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
      ? undefined
      : `${label} is ${show(value)}; use an integer from ${min} to ${max}`;

const oneOf =
  (values: readonly string[]): Check =>
  (value, label) =>
    typeof value === 'string' && values.includes(value)
      ? undefined
      : `${label} is ${show(value)}; use one of ${values.map((v) => `'${v}'`).join(', ')}`;

const boolean: Check = (value, label) =>
  typeof value === 'boolean' ? undefined : `${label} is ${show(value)}; use true or false`;

const nonEmptyString: Check = (value, label) =>
  typeof value === 'string' && value.length > 0
    ? undefined
    : `${label} is ${show(value)}; use a non-empty string`;

// The value is never echoed: a user who passes a secret instead of a variable name must not see it in a log.
const envName: Check = (value, label) =>
  typeof value === 'string' && ENV_NAME_PATTERN.test(value)
    ? undefined
    : `${label} is not an environment variable name (got a ${typeof value}${typeof value === 'string' ? ` of ${value.length} characters` : ''}); ` +
      'pass the name of the variable that holds the secret (letters, digits, underscores), never the secret itself';

const url: Check = (value, label) => {
  const fix = 'use an https url (http only for 127.0.0.1, ::1 or localhost)';
  if (typeof value !== 'string') return `${label} is ${show(value)}; ${fix}`;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return `${label} ${show(value)} is not a url; ${fix}`;
  }
  // Credentials in a URL would end up in cdktf.out and the state: refuse without echoing them.
  if (parsed.username || parsed.password) {
    return `${label} contains a user name or password; remove it and pass credentials through environment variable names`;
  }
  // A query may carry a secret (?token=...): name the problem without echoing the URL.
  if (parsed.search || parsed.hash) return `${label} has a query or fragment; remove it`;
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname)) return undefined;
  return `${label} ${show(value)} is not allowed; ${fix}`;
};

const productIds: Check = (value, label) => {
  if (!Array.isArray(value)) return `${label} is ${show(value)}; use a list of product ids like 'P000052'`;
  return undefined;
};

/** Rules of an Aerial account connection, relative to `prefix`. */
function aerialConnectionRules(prefix: string): Rule[] {
  const { aerialMaxConcurrency: c, deadlineMs: d } = SPEC_LIMITS;
  return [
    {
      path: `${prefix}accountId`,
      check: pattern(SPEC_PATTERNS.accountId, 'an Aerial account id', '27 lowercase letters or digits'),
    },
    { path: `${prefix}baseUrl`, check: url },
    { path: `${prefix}tokenUrl`, check: url },
    {
      path: `${prefix}clientId`,
      check: pattern(SPEC_PATTERNS.clientId, 'an OAuth client id', 'letters, digits, - or _ (e.g. 0oa...)'),
    },
    { path: `${prefix}privateKeyEnv`, check: envName },
    { path: `${prefix}keyIdEnv`, optional: true, check: envName },
    { path: `${prefix}dpop`, check: boolean },
    { path: `${prefix}maxConcurrency`, check: integer(c.min, c.max) },
    { path: `${prefix}deadlineMs`, label: `${prefix}retryDeadlineMs`, check: integer(d.min, d.max) },
    {
      path: `${prefix}environment`,
      optional: true,
      check: oneOf(Object.keys(AERIAL_ENVIRONMENTS)),
    },
    { path: `${prefix}partnerAccount`, optional: true, check: boolean },
  ];
}

/** Rules of an org management API connection, relative to `prefix`. */
function orgConnectionRules(prefix: string): Rule[] {
  const { orgMaxConcurrency: c, deadlineMs: d } = SPEC_LIMITS;
  return [
    { path: `${prefix}orgUrl`, check: url },
    { path: `${prefix}maxConcurrency`, check: integer(c.min, c.max) },
    { path: `${prefix}deadlineMs`, label: `${prefix}retryDeadlineMs`, check: integer(d.min, d.max) },
  ];
}

/** The auth of an org connection is a union: its rules depend on `auth.type`. */
function orgAuthRule(prefix: string): CrossRule {
  return (spec, isUnresolved) => {
    const auth = get(spec, `${prefix}auth`);
    if (auth === undefined || auth === null || typeof auth !== 'object') {
      return [`${prefix}auth is missing; set apiTokenEnv or oauth`];
    }
    const type = (auth as Record<string, unknown>).type;
    const rules: Rule[] =
      type === 'ssws'
        ? [{ path: `${prefix}auth.tokenEnv`, label: `${prefix}apiTokenEnv`, check: envName }]
        : type === 'oauth'
          ? [
              {
                path: `${prefix}auth.clientId`,
                label: `${prefix}oauth.clientId`,
                check: pattern(
                  SPEC_PATTERNS.clientId,
                  'an OAuth client id',
                  'letters, digits, - or _ (e.g. 0oa...)',
                ),
              },
              { path: `${prefix}auth.tokenUrl`, label: `${prefix}oauth.tokenUrl`, check: url },
              { path: `${prefix}auth.privateKeyEnv`, label: `${prefix}oauth.privateKeyEnv`, check: envName },
              {
                path: `${prefix}auth.keyIdEnv`,
                label: `${prefix}oauth.keyIdEnv`,
                optional: true,
                check: envName,
              },
              { path: `${prefix}auth.dpop`, label: `${prefix}oauth.dpop`, check: boolean },
            ]
          : [{ path: `${prefix}auth.type`, check: oneOf(['ssws', 'oauth']) }];
    return runRules(spec, rules, isUnresolved);
  };
}

/** An org is named by id, or by domain and cell: exactly one form. */
const orgRefRule: CrossRule = (spec, isUnresolved) => {
  const org = get(spec, 'org');
  if (org === undefined || org === null || typeof org !== 'object') {
    return ['org is missing; set orgId, or domain and cell'];
  }
  const ref = org as Record<string, unknown>;
  const byId = ref.orgId !== undefined;
  const byDomain = ref.domain !== undefined || (!byId && ref.cell !== undefined);
  if (byId && byDomain) return ['orgId and domain are both set; name the org by orgId or by domain and cell'];
  if (!byId && !byDomain) return ['orgId, or domain and cell, is missing; name the org by one of them'];
  const rules: Rule[] = byId
    ? [
        {
          path: 'org.orgId',
          label: 'orgId',
          check: pattern(SPEC_PATTERNS.orgId, 'an Okta org id', '00o followed by 17 letters or digits'),
        },
        ...(ref.cell === undefined ? [] : [cellRule]),
      ]
    : [{ path: 'org.domain', label: 'domain', check: oktaDomain }, cellRule];
  return runRules(spec, rules, isUnresolved);
};

/** The Okta domains an org's own domain ends with; the Aerial API finds orgs by the label before them. */
export const OKTA_DOMAIN_SUFFIXES = ['okta.com', 'oktapreview.com', 'okta-emea.com'] as const;

const oktaDomain: Check = (value, label) => {
  const base = pattern(SPEC_PATTERNS.domain, 'a domain name', 'a host name like acme.okta.com')(value, label);
  if (base) return base;
  const domain = (value as string).toLowerCase();
  const suffix = OKTA_DOMAIN_SUFFIXES.find((s) => domain.endsWith(`.${s}`));
  if (suffix && !domain.slice(0, -suffix.length - 1).includes('.')) return undefined;
  return (
    `${label} ${show(value)} is not an org's Okta domain; the Aerial API finds orgs by their Okta subdomain, ` +
    `so use '<subdomain>.okta.com' (or .oktapreview.com, .okta-emea.com), not a custom domain, or name the org by orgId`
  );
};

const cellRule: Rule = {
  path: 'org.cell',
  label: 'cell',
  check: pattern(SPEC_PATTERNS.cell, 'an Okta cell', '2-3 letters and 1-2 digits like ok1 or eu1'),
};

/** Every product id has the documented shape; unresolved elements are skipped. */
const productIdsRule: CrossRule = (spec, isUnresolved) => {
  const ids = spec.productIds;
  if (!Array.isArray(ids) || isUnresolved(ids)) return [];
  const check = pattern(SPEC_PATTERNS.productId, 'a product id', "P followed by 6 digits like 'P000052'");
  return ids
    .filter((id) => !isUnresolved(id))
    .map((id) => check(id, 'productIds entry'))
    .filter((m): m is string => m !== undefined);
};

/** A deletion request needs DESTROY, and Okta allows it only in the sandbox or for partner accounts. */
const requestDeletionRule: CrossRule = (spec, isUnresolved) => {
  if (spec.requestDeletion !== true) return [];
  const problems: string[] = [];
  if (spec.removalPolicy !== 'DESTROY' && !isUnresolved(spec.removalPolicy)) {
    problems.push(
      `requestDeletionOnDestroy is true but removalPolicy is ${show(spec.removalPolicy)}; set removalPolicy to 'DESTROY' or drop requestDeletionOnDestroy`,
    );
  }
  if (get(spec, 'org.domain') !== undefined) {
    problems.push(
      'requestDeletionOnDestroy needs the org named by orgId, not by domain: switching an org from domain to id later ' +
        'replaces its identity, and the old one would request deletion of an org that is still wanted',
    );
  }
  const environment = get(spec, 'account.environment');
  const partner = get(spec, 'account.partnerAccount');
  if (isUnresolved(environment) || isUnresolved(partner)) return problems;
  if (environment !== 'sandbox' && partner !== true) {
    problems.push(
      `requestDeletionOnDestroy is true but the account is ${show(environment ?? 'production')} and not a partner account; ` +
        "okta deletes orgs only in the sandbox or for partner accounts: use environment 'sandbox' or set partnerAccount",
    );
  }
  return problems;
};

/** The optional org connection an AerialOrg grants consent through, checked like a rate limit's. */
const consentRule: CrossRule = (spec, isUnresolved) => {
  if (spec.consent === undefined) return [];
  return [
    ...runRules(spec, orgConnectionRules('consent.'), isUnresolved),
    ...orgAuthRule('consent.')(spec, isUnresolved),
  ];
};

const COMMON_RULES: Rule[] = [
  { path: 'path', check: nonEmptyString },
  { path: 'removalPolicy', check: oneOf(REMOVAL_POLICIES) },
  { path: 'role', optional: true, check: oneOf(['identity']) },
];

interface KindRules {
  /** Rules every spec of the kind must pass. */
  readonly rules: Rule[];
  /** Desired-state rules: required in a config spec, optional in an identity spec. */
  readonly state: Rule[];
  readonly cross: CrossRule[];
}

/** One rule table per spec kind. */
const RULES: Record<string, KindRules> = {
  'aerial-org': {
    rules: [
      ...COMMON_RULES,
      ...aerialConnectionRules('account.'),
      { path: 'requestDeletion', label: 'requestDeletionOnDestroy', check: boolean },
    ],
    state: [{ path: 'status', check: oneOf(ORG_STATUSES) }],
    cross: [orgRefRule, requestDeletionRule, consentRule],
  },
  'product-assignment': {
    rules: [...COMMON_RULES, ...aerialConnectionRules('account.'), { path: 'productIds', check: productIds }],
    state: [],
    cross: [orgRefRule, productIdsRule],
  },
  'principal-rate-limit': {
    rules: [
      ...COMMON_RULES,
      ...orgConnectionRules('org.'),
      {
        path: 'principalId',
        check: pattern(
          SPEC_PATTERNS.principalId,
          'a principal id',
          'the id of an API token (00T...) or OAuth app (0oa...)',
        ),
      },
      { path: 'principalType', check: oneOf(PRINCIPAL_TYPES) },
    ],
    state: [
      { path: 'defaultPercentage', check: integer(SPEC_LIMITS.percentage.min, SPEC_LIMITS.percentage.max) },
      {
        path: 'defaultConcurrencyPercentage',
        check: integer(SPEC_LIMITS.percentage.min, SPEC_LIMITS.percentage.max),
      },
    ],
    cross: [orgAuthRule('org.')],
  },
};

/** Reads a dotted path ('account.accountId') from an object; undefined when any step is missing. */
function get(obj: unknown, path: string): unknown {
  let current: unknown = obj;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function runRules(spec: unknown, rules: readonly Rule[], isUnresolved: (v: unknown) => boolean): string[] {
  const problems: string[] = [];
  for (const rule of rules) {
    const value = get(spec, rule.path);
    const label = rule.label ?? rule.path;
    if (value === undefined) {
      if (!rule.optional) problems.push(`${label} is missing; set it`);
      continue;
    }
    if (isUnresolved(value)) continue;
    const problem = rule.check(value, label);
    if (problem) problems.push(problem);
  }
  return problems;
}

const never = (): boolean => false;

/**
 * Checks a spec (config or identity) against its kind's rule table and returns every failure as one
 * lowercase message naming the prop, the bad value and the fix; an empty list means valid.
 */
export function validateSpec(spec: unknown, opts: ValidateOptions = {}): string[] {
  const isUnresolved = opts.isUnresolved ?? never;
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    return [`spec is ${show(spec)}; expected a json object rendered by cdktf-okta-aerial`];
  }
  const record = spec as Record<string, unknown>;
  if (record.v !== SPEC_VERSION) {
    return [
      `v is ${show(record.v)}; this version understands spec version ${SPEC_VERSION}: use matching versions of cdktf-okta-aerial at synth and deploy`,
    ];
  }
  const table =
    typeof record.kind === 'string' && Object.hasOwn(RULES, record.kind) ? RULES[record.kind] : undefined;
  if (!table) return [oneOf(Object.keys(RULES))(record.kind, 'kind') as string];
  const state = record.role === 'identity' ? table.state.map((r) => ({ ...r, optional: true })) : table.state;
  return [
    ...runRules(record, [...table.rules, ...state], isUnresolved),
    ...table.cross.flatMap((rule) => rule(record, isUnresolved)),
  ];
}

/** Checks an Aerial account connection alone (used by the AerialAccount construct). */
export function validateAerialConnection(connection: unknown, opts: ValidateOptions = {}): string[] {
  return runRules(connection, aerialConnectionRules(''), opts.isUnresolved ?? never);
}

/** Checks an org management API connection alone (used by the OktaOrg construct). */
export function validateOrgConnection(connection: unknown, opts: ValidateOptions = {}): string[] {
  const isUnresolved = opts.isUnresolved ?? never;
  return [
    ...runRules(connection, orgConnectionRules(''), isUnresolved),
    ...orgAuthRule('')(connection as Record<string, unknown>, isUnresolved),
  ];
}

const SUBJECTS: Record<string, string> = {
  'aerial-org': 'AerialOrg',
  'product-assignment': 'ProductAssignment',
  'principal-rate-limit': 'PrincipalRateLimit',
};

/** Validates a spec at deploy time and throws one {@link SpecValidationError} listing every failure. */
export function assertValidSpec(spec: unknown): asserts spec is ResourceSpec | IdentitySpec {
  const problems = validateSpec(spec);
  if (problems.length === 0) return;
  const record = (spec ?? {}) as Record<string, unknown>;
  const kind = typeof record.kind === 'string' ? (SUBJECTS[record.kind] ?? 'Spec') : 'Spec';
  const path = typeof record.path === 'string' ? ` '${record.path}'` : '';
  throw new SpecValidationError(`${kind}${path}`, problems);
}
