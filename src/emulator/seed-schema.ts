/**
 * The seed format, defined once: the zod schemas below give both the TypeScript types (`z.infer`) and the
 * validation. Field rules live in the shapes; the rules that relate fields across the seed (unique ids,
 * references that must resolve, products the account subscribes to) are one refinement over the whole
 * seed, so that every problem is reported in one {@link SeedError}, each with its field path. About 300
 * lines on purpose: the seed's whole format, one field per line with its documentation.
 */
import { z } from 'zod';
import { ORG_STATUSES, PRINCIPAL_TYPES, type AerialEnvironment } from '../okta-api';
import { ACCOUNT_ID_PATTERN, OKTA_ID_PATTERN } from './ids';
import { isRecord } from './json';
import { issueMessages, keyOrder, type RuleIssueParams } from './schema-issues';

/** Thrown for a seed that cannot be used; the message lists every bad field path. */
export class SeedError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid emulator seed:\n  ${problems.join('\n  ')}`);
    this.name = 'SeedError';
  }
}

const NON_EMPTY = 'must be a non-empty string';
const ARRAY = { error: 'must be an array' };
const ENVIRONMENTS = ['production', 'sandbox'] as const satisfies readonly AerialEnvironment[];

/** A required non-empty string. */
const text = () => z.string({ error: NON_EMPTY }).refine((s) => s !== '', NON_EMPTY);
/** A non-empty string that matches `re`; `what` ends the message "must be ...". */
const matching = (re: RegExp, what: string) =>
  text().refine((s) => s === '' || re.test(s), `must be ${what}`);
const accountId = () => matching(ACCOUNT_ID_PATTERN, '27 lowercase letters/digits');
const oktaId = (example = '') => matching(OKTA_ID_PATTERN, `4..40 letters/digits${example}`);
const percentage = () => {
  const message = 'must be an integer 0..100';
  return z.number({ error: message }).refine((v) => Number.isInteger(v) && v >= 0 && v <= 100, message);
};

const productShape = {
  id: matching(/^[A-Za-z0-9_-]{1,40}$/, 'a product id like P000052'),
  name: text(),
};

const accountShape = {
  /** 27 lowercase letters/digits. */
  id: accountId(),
  name: text().refine((s) => s.length <= 255, 'must be at most 255 characters'),
  /** @default 'production' */
  environment: z.enum(ENVIRONMENTS, { error: 'must be "production" or "sandbox"' }).optional(),
  /** Okta Partner Program account: deletion requests allowed outside the sandbox. @default false */
  partner: z.boolean({ error: 'must be a boolean' }).optional(),
  /** Id of the account's Aerial org (must be in `orgs`). */
  aerialOrgId: text(),
  subscribedProducts: z.array(z.object(productShape, { error: 'must be an object {id, name}' }), ARRAY),
};

const principalShape = {
  id: oktaId(),
  type: z.enum(PRINCIPAL_TYPES, { error: 'must be "SSWS_TOKEN" or "OAUTH_CLIENT"' }),
  name: z.string({ error: 'must be a string' }).optional(),
};

const apiTokenShape = {
  /** Principal id of the token (00T...), must be an SSWS_TOKEN principal of the org. */
  principalId: text(),
  /** Token value. @default - random, generated at first start and kept in state */
  value: matching(/^[\x21-\x7e]{8,200}$/, '8..200 printable characters').nullish(),
  /** User that owns the token (reported as createdBy / lastUpdatedBy). @default '00uDemoAdmin00000001' */
  userId: oktaId().nullish(),
  /** Name shown by the API Tokens API. @default - the principal's name, else 'API token' */
  name: text().nullish(),
  /** App the token was created with (API Tokens API `clientName`). @default 'Okta API' */
  clientName: text().nullish(),
};

const JWK = 'must be a public JWK with "kty"';
const publicJwk = z
  .record(z.string(), z.unknown(), { error: JWK })
  .refine((k) => typeof k.kty === 'string', JWK)
  .refine((k) => typeof k.kty !== 'string' || !('d' in k), {
    error: 'must be a PUBLIC key (remove "d")',
    path: ['d'],
  });

const SCOPE = 'must be a scope name';
const clientShape = {
  clientId: oktaId(),
  /** Scopes an admin granted to the app. */
  scopes: z.array(z.string({ error: SCOPE }).regex(/^[\w.:-]+$/, SCOPE), ARRAY),
  /** Registered public keys (JWK with kid). @default - the emulator's generated demo keys */
  jwks: z.array(publicJwk, ARRAY).optional(),
  /**
   * "Require Demonstrating Proof of Possession (DPoP) header in token requests", Okta's
   * `dpop_bound_access_tokens`: on for every API Services app created since February 2024 unless an admin
   * turned it off. A token request without a DPoP proof is then refused with `invalid_dpop_proof`.
   * @default true
   */
  dpopBoundAccessTokens: z.boolean({ error: 'must be a boolean' }).optional(),
};

const rateLimitShape = {
  /** @default - generated */
  id: oktaId().nullish(),
  principalId: text(),
  /** Must be the principal's own type (checked with the principal, below). */
  principalType: z.enum(PRINCIPAL_TYPES, { error: 'must be "SSWS_TOKEN" or "OAUTH_CLIENT"' }),
  /** @default 50 */
  defaultPercentage: percentage().optional(),
  /** @default 50 */
  defaultConcurrencyPercentage: percentage().optional(),
};

const ISO_DATE = 'must be an ISO-8601 date';
const orgShape = {
  id: oktaId(' (e.g. 00o16fjDHCgFqob8n0g4)'),
  /** @default - the subdomain */
  name: text().nullish(),
  /** e.g. acme-prod.okta.com; its first label is the subdomain used in the org's emulator URL. */
  domain: matching(
    /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i,
    'a host name like acme.okta.com',
  ),
  cell: matching(/^[a-z0-9]{2,10}$/i, 'a cell name like ok1 or op3'),
  /** @default 'ACTIVE' */
  status: z.enum(ORG_STATUSES, { error: 'must be "ACTIVE" or "INACTIVE"' }).optional(),
  /** ISO date. @default - start time */
  createdDate: z
    .string({ error: ISO_DATE })
    .refine((s) => !isNaN(Date.parse(s)), ISO_DATE)
    .optional(),
  /** Account whose Okta contract the org is on (it can only be linked to that account). */
  contractAccountId: accountId().nullish(),
  /** Account the org granted Aerial consent to. */
  consentAccountId: accountId().nullish(),
  /** Account the org is already linked to. */
  linkedAccountId: accountId().nullish(),
  /** Parent org (in seed.orgs): a child org inherits its parent's Aerial consent. */
  parentOrgId: oktaId().nullish(),
  /** Product ids enabled in the org (must be subscribed by the linked account). @default [] */
  enabledProducts: z.array(z.string({ error: 'must be a product id string' }), ARRAY).optional(),
  /** API tokens (SSWS_TOKEN) and OAuth apps (OAUTH_CLIENT) that rate limits can apply to. @default [] */
  principals: z.array(z.object(principalShape, { error: 'must be an object {id, type}' }), ARRAY).optional(),
  /** SSWS API tokens accepted by the org's management API. */
  apiTokens: z
    .array(z.object(apiTokenShape, { error: 'must be an object {principalId, value?}' }), ARRAY)
    .optional(),
  /** OAuth service apps registered in the org (private_key_jwt). */
  clients: z
    .array(z.object(clientShape, { error: 'must be an object {clientId, scopes, jwks?}' }), ARRAY)
    .optional(),
  /** Existing principal rate limit entities. */
  rateLimits: z
    .array(z.object(rateLimitShape, { error: 'must be an object {principalId, principalType, ...}' }), ARRAY)
    .optional(),
};

const seedShape = {
  accounts: z.array(z.object(accountShape, { error: 'must be an object' }), ARRAY),
  orgs: z.array(z.object(orgShape, { error: 'must be an object' }), ARRAY),
};

/** A seed: the accounts, orgs, principals and clients the emulator starts with. */
export const emulatorSeedSchema = z
  .object(seedShape, { error: 'must be a JSON object with "accounts" and "orgs" arrays' })
  // Runs even when fields failed, so one error lists every problem; it reads the input defensively.
  .superRefine((seed, ctx) => checkReferences(seed, ctx), { when: (payload) => isRecord(payload.value) });

export type EmulatorSeed = z.infer<typeof emulatorSeedSchema>;
/** An Aerial account. */
export type SeedAccount = EmulatorSeed['accounts'][number];
/** An org: the account's Aerial org or a customer org. */
export type SeedOrg = EmulatorSeed['orgs'][number];
/** An SSWS API token of an org. */
export type SeedApiToken = NonNullable<SeedOrg['apiTokens']>[number];
/** An OAuth service app (client credentials with private_key_jwt). */
export type SeedClient = NonNullable<SeedOrg['clients']>[number];
/** An existing principal rate limit entity. */
export type SeedRateLimit = NonNullable<SeedOrg['rateLimits']>[number];

const KEY_ORDER = keyOrder(
  seedShape,
  accountShape,
  productShape,
  orgShape,
  principalShape,
  apiTokenShape,
  clientShape,
  rateLimitShape,
);

/** Checks a seed; throws one {@link SeedError} listing every problem. */
export function validateSeed(input: unknown): EmulatorSeed {
  const result = emulatorSeedSchema.safeParse(input);
  if (!result.success) throw new SeedError(issueMessages('seed', result.error.issues, KEY_ORDER));
  return result.data;
}

type Loose = Record<string, unknown>;
type Path = (string | number)[];
type Report = (path: Path, message: string, params?: RuleIssueParams) => void;

/** The elements of an array that are objects, with their index; nothing if it is not an array. */
function records(v: unknown): [Loose, number][] {
  return Array.isArray(v) ? v.flatMap((x, i): [Loose, number][] => (isRecord(x) ? [[x, i]] : [])) : [];
}

/** Duplicates by key: reports the second and later uses of a string key. */
function once(report: Report) {
  const seen = new Set<string>();
  return (key: unknown, path: Path, message: string, params?: RuleIssueParams) => {
    if (typeof key !== 'string') return;
    if (seen.has(key)) report(path, message, params);
    seen.add(key);
  };
}

/**
 * Cross-field rules: unique ids and subdomains, and references between accounts, orgs and principals.
 * They run on whatever parsed, so each reads the input defensively and checks only what it can.
 */
function checkReferences(seed: unknown, ctx: z.core.$RefinementCtx): void {
  const report: Report = (path, message, params) => ctx.addIssue({ code: 'custom', path, message, params });
  const raw = seed as Loose;
  const accounts = records(raw.accounts);
  const orgs = records(raw.orgs);

  const orgIds = new Set(orgs.map(([o]) => o.id));
  const accountOnce = once(report);
  const accountOfAerialOrg = new Map<unknown, string>();
  for (const [a, i] of accounts) {
    accountOnce(a.id, ['accounts', i, 'id'], `duplicate account id ${String(a.id)}`);
    if (typeof a.aerialOrgId !== 'string') continue;
    if (!orgIds.has(a.aerialOrgId))
      report(['accounts', i, 'aerialOrgId'], `no org with id ${a.aerialOrgId} in seed.orgs`);
    accountOfAerialOrg.set(a.aerialOrgId, String(a.id));
  }

  const orgOnce = once(report);
  const subdomainOnce = once(report);
  for (const [o, i] of orgs) {
    const at = (...rest: Path): Path => ['orgs', i, ...rest];
    orgOnce(o.id, at('id'), `duplicate org id ${String(o.id)}`);
    if (typeof o.domain === 'string') {
      const sub = o.domain.split('.')[0].toLowerCase();
      subdomainOnce(sub, at('domain'), `subdomain ${sub} is used by another org`);
    }
    if (typeof o.parentOrgId === 'string' && (o.parentOrgId === o.id || !orgIds.has(o.parentOrgId)))
      report(at('parentOrgId'), `no other org with id ${o.parentOrgId} in seed.orgs`);
    checkLinkedAccount(o, at, accountOfAerialOrg.get(o.id), accounts, report);
    checkPrincipals(o, at, report);
  }
}

/** An Aerial org is linked to its own account; enabled products need a linked account that subscribes them. */
function checkLinkedAccount(
  o: Loose,
  at: (...rest: Path) => Path,
  ownAccount: string | undefined,
  accounts: [Loose, number][],
  report: Report,
): void {
  if (ownAccount && o.linkedAccountId != null && o.linkedAccountId !== ownAccount)
    report(at('linkedAccountId'), `the Aerial org of account ${ownAccount} must be linked to it`);
  const linked = ownAccount ?? o.linkedAccountId ?? undefined;
  const account = accounts.find(([a]) => a.id === linked)?.[0];
  const subscribed = Array.isArray(account?.subscribedProducts)
    ? new Set(account.subscribedProducts.map((p) => (isRecord(p) ? String(p.id) : '')))
    : undefined;
  if (!Array.isArray(o.enabledProducts)) return;
  o.enabledProducts.forEach((id, j) => {
    if (typeof id !== 'string') return;
    if (linked === undefined) report(at('enabledProducts', j), 'an org that is not linked has no products');
    else if (subscribed && !subscribed.has(id))
      report(at('enabledProducts', j), `${id} is not subscribed by account ${String(linked)}`);
  });
}

/** Principal ids are unique; API tokens name SSWS_TOKEN principals; one rate limit per existing principal. */
function checkPrincipals(o: Loose, at: (...rest: Path) => Path, report: Report): void {
  const principalType = new Map<string, unknown>();
  const principalOnce = once(report);
  for (const [p, j] of records(o.principals)) {
    principalOnce(p.id, at('principals', j, 'id'), `duplicate principal id ${String(p.id)}`, {
      after: 'type',
    });
    if (typeof p.id === 'string') principalType.set(p.id, p.type);
  }
  for (const [t, j] of records(o.apiTokens))
    if (typeof t.principalId === 'string' && principalType.get(t.principalId) !== 'SSWS_TOKEN')
      report(at('apiTokens', j, 'principalId'), 'must name an SSWS_TOKEN principal of this org');
  const limitOnce = once(report);
  for (const [r, j] of records(o.rateLimits)) {
    if (typeof r.principalId !== 'string') continue;
    const type = principalType.get(r.principalId);
    if (!principalType.has(r.principalId))
      report(at('rateLimits', j, 'principalId'), `no principal ${r.principalId} in this org`);
    // Says more than the field's own check, so it replaces it.
    else if (type !== r.principalType)
      report(at('rateLimits', j, 'principalType'), `must be ${String(type)} (the principal's type)`, {
        supersedes: true,
      });
    limitOnce(r.principalId, at('rateLimits', j, 'principalId'), 'only one rate limit entity per principal', {
      after: 'principalType',
    });
  }
}
