/**
 * Seed handling: the built-in demo seed, validation that names the bad field path, and turning a seed into
 * the emulator's state.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PRINCIPAL_TYPES, SCOPES } from '../okta-api';
import type { EmulatorSeed, SeedOrg } from './types';
import type { EmulatorState, KeyState, OrgState } from './state';

/** Thrown for a seed that cannot be used; the message lists every bad field path. */
export class SeedError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid emulator seed:\n  ${problems.join('\n  ')}`);
    this.name = 'SeedError';
  }
}

/** Ids of the built-in demo seed (others hard-code them). */
export const DEMO = {
  accountId: '0227demoaerialaccount000001',
  sandboxAccountId: '0227demosandboxaccount00001',
  otherAccountId: '0227otheraerialaccount00001',
  aerialOrgId: '00oDemoAerialOrg0001',
  sandboxAerialOrgId: '00oDemoSbxAerialOrg1',
  aerialClientId: '0oaDemoAerialClient01',
  sandboxClientId: '0oaDemoSbxClient0001',
  readOnlyClientId: '0oaDemoReadOnly00001',
  orgClientId: '0oaDemoOrgAdmin00001',
  adminUserId: '00uDemoAdmin00000001',
} as const;

const DEMO_PRODUCTS = [
  { id: 'P000052', name: 'IT Products - SSO' },
  { id: 'P000131', name: 'IT Products - MFA' },
  { id: 'P000139', name: 'IT Products - Lifecycle Management with 1 OIN App' },
  { id: 'P001113', name: 'IT Products - Identity Threat Protection' },
];

/** Principals, the SSWS token, the rate limit entity and the admin app every demo org has. */
function demoOrgExtras(): Pick<SeedOrg, 'principals' | 'apiTokens' | 'clients' | 'rateLimits'> {
  return {
    principals: [
      { id: '00TDemoCiToken000001', type: 'SSWS_TOKEN', name: 'CI token' },
      { id: '00TDemoOpsToken00001', type: 'SSWS_TOKEN', name: 'Ops token' },
      { id: '0oaDemoSyncApp000001', type: 'OAUTH_CLIENT', name: 'Sync app' },
      { id: '0oaDemoScimApp000001', type: 'OAUTH_CLIENT', name: 'SCIM app' },
    ],
    apiTokens: [{ principalId: '00TDemoCiToken000001', userId: DEMO.adminUserId }],
    clients: [
      {
        clientId: DEMO.orgClientId,
        scopes: [SCOPES.principalRateLimitsRead, SCOPES.principalRateLimitsManage],
      },
    ],
    rateLimits: [
      {
        principalId: '00TDemoOpsToken00001',
        principalType: 'SSWS_TOKEN',
        defaultPercentage: 50,
        defaultConcurrencyPercentage: 50,
      },
    ],
  };
}

/** The built-in demo seed used when no seed is given. */
export function demoSeed(): EmulatorSeed {
  const prod = DEMO.accountId;
  const sbx = DEMO.sandboxAccountId;
  const customer = (id: string, domain: string, cell: string, extra: Partial<SeedOrg> = {}): SeedOrg => ({
    id,
    domain,
    cell,
    name: domain.split('.')[0],
    contractAccountId: prod,
    consentAccountId: prod,
    createdDate: '2025-01-15T10:00:00.000Z',
    ...demoOrgExtras(),
    ...extra,
  });
  const manage = [SCOPES.accountsRead, SCOPES.accountsManage];
  return {
    accounts: [
      {
        id: prod,
        name: 'Acme Demo',
        environment: 'production',
        partner: false,
        aerialOrgId: DEMO.aerialOrgId,
        subscribedProducts: DEMO_PRODUCTS,
      },
      {
        id: sbx,
        name: 'Acme Sandbox',
        environment: 'sandbox',
        partner: false,
        aerialOrgId: DEMO.sandboxAerialOrgId,
        subscribedProducts: DEMO_PRODUCTS,
      },
    ],
    orgs: [
      {
        ...customer(DEMO.aerialOrgId, 'acme-aerial.okta.com', 'ok1', { name: 'Acme Aerial' }),
        createdDate: '2025-01-01T09:00:00.000Z',
        linkedAccountId: prod,
        clients: [
          ...demoOrgExtras().clients!,
          { clientId: DEMO.aerialClientId, scopes: manage },
          { clientId: DEMO.readOnlyClientId, scopes: [SCOPES.accountsRead] },
        ],
      },
      {
        ...customer(DEMO.sandboxAerialOrgId, 'acme-sbx-aerial.okta.com', 'op3', {
          name: 'Acme Sandbox Aerial',
          contractAccountId: sbx,
          consentAccountId: sbx,
        }),
        createdDate: '2025-01-01T09:00:00.000Z',
        linkedAccountId: sbx,
        clients: [...demoOrgExtras().clients!, { clientId: DEMO.sandboxClientId, scopes: manage }],
      },
      customer('00oDemoAcmeProd00001', 'acme-prod.okta.com', 'ok1'),
      customer('00oDemoAcmeDev000001', 'acme-dev.okta.com', 'ok1'),
      customer('00oDemoAcmeEu0000001', 'acme-eu.okta.com', 'eu1'),
      customer('00oDemoAcmeStage0001', 'acme-stage.okta.com', 'ok1'),
      customer('00oDemoNoConsent0001', 'acme-noconsent.okta.com', 'ok1', { consentAccountId: undefined }),
      customer('00oDemoOtherAcct0001', 'other-co.okta.com', 'ok1', {
        contractAccountId: DEMO.otherAccountId,
        consentAccountId: DEMO.otherAccountId,
        linkedAccountId: DEMO.otherAccountId,
      }),
      customer('00oDemoSbxOrg0000001', 'acme-sbx1.okta.com', 'op3', {
        contractAccountId: sbx,
        consentAccountId: sbx,
      }),
    ],
  };
}

/** Reads a seed file; a parse error names the file. */
export function readSeedFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SeedError([`cannot read seed file ${path}: ${(err as Error).message}`]);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new SeedError([`seed file ${path} is not valid JSON: ${(err as Error).message}`]);
  }
}

const ACCOUNT_ID = /^[a-z0-9]{27}$/;
const OKTA_ID = /^[A-Za-z0-9]{4,40}$/;
const DOMAIN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i;
const CELL = /^[a-z0-9]{2,10}$/i;
const PRODUCT_ID = /^[A-Za-z0-9_-]{1,40}$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a seed; throws one {@link SeedError} listing every problem. */
export function validateSeed(input: unknown): EmulatorSeed {
  const errs: string[] = [];
  const bad = (path: string, msg: string) => errs.push(`${path}: ${msg}`);
  if (!isObj(input)) throw new SeedError(['seed: must be a JSON object with "accounts" and "orgs" arrays']);
  const str = (o: Obj, key: string, path: string, re?: RegExp, what?: string, optional = false): void => {
    const v = o[key];
    if ((v === undefined || v === null) && optional) return;
    if (typeof v !== 'string' || v === '') return void bad(`${path}.${key}`, 'must be a non-empty string');
    if (re && !re.test(v)) bad(`${path}.${key}`, `must be ${what}`);
  };
  const arr = (o: Obj, key: string, path: string, optional = false): unknown[] => {
    const v = o[key];
    if (v === undefined && optional) return [];
    if (!Array.isArray(v)) {
      bad(`${path}.${key}`, 'must be an array');
      return [];
    }
    return v;
  };
  const pct = (o: Obj, key: string, path: string) => {
    const v = o[key];
    if (v !== undefined && !(Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 100))
      bad(`${path}.${key}`, 'must be an integer 0..100');
  };

  const accounts = arr(input, 'accounts', 'seed');
  const orgs = arr(input, 'orgs', 'seed');
  const accountIds = new Set<string>();
  const orgById = new Map<string, Obj>();
  orgs.forEach((o) => isObj(o) && typeof o.id === 'string' && orgById.set(o.id, o));

  accounts.forEach((a, i) => {
    const p = `seed.accounts[${i}]`;
    if (!isObj(a)) return void bad(p, 'must be an object');
    str(a, 'id', p, ACCOUNT_ID, '27 lowercase letters/digits');
    if (typeof a.id === 'string') {
      if (accountIds.has(a.id)) bad(`${p}.id`, `duplicate account id ${a.id}`);
      accountIds.add(a.id);
    }
    str(a, 'name', p);
    if (typeof a.name === 'string' && a.name.length > 255) bad(`${p}.name`, 'must be at most 255 characters');
    if (a.environment !== undefined && a.environment !== 'production' && a.environment !== 'sandbox')
      bad(`${p}.environment`, 'must be "production" or "sandbox"');
    if (a.partner !== undefined && typeof a.partner !== 'boolean') bad(`${p}.partner`, 'must be a boolean');
    str(a, 'aerialOrgId', p);
    if (typeof a.aerialOrgId === 'string' && !orgById.has(a.aerialOrgId))
      bad(`${p}.aerialOrgId`, `no org with id ${a.aerialOrgId} in seed.orgs`);
    arr(a, 'subscribedProducts', p).forEach((prod, j) => {
      const pp = `${p}.subscribedProducts[${j}]`;
      if (!isObj(prod)) return void bad(pp, 'must be an object {id, name}');
      str(prod, 'id', pp, PRODUCT_ID, 'a product id like P000052');
      str(prod, 'name', pp);
    });
  });

  const orgIds = new Set<string>();
  const subdomains = new Set<string>();
  const aerialOf = new Map<string, string>();
  accounts.forEach(
    (a) => isObj(a) && typeof a.aerialOrgId === 'string' && aerialOf.set(a.aerialOrgId, String(a.id)),
  );
  const subscribed = (accountId: unknown): Set<string> | undefined => {
    const a = accounts.find((x) => isObj(x) && x.id === accountId) as Obj | undefined;
    if (!a || !Array.isArray(a.subscribedProducts)) return undefined;
    return new Set(a.subscribedProducts.map((x) => (isObj(x) ? String(x.id) : '')));
  };

  orgs.forEach((o, i) => {
    const p = `seed.orgs[${i}]`;
    if (!isObj(o)) return void bad(p, 'must be an object');
    str(o, 'id', p, OKTA_ID, '4..40 letters/digits (e.g. 00o16fjDHCgFqob8n0g4)');
    if (typeof o.id === 'string') {
      if (orgIds.has(o.id)) bad(`${p}.id`, `duplicate org id ${o.id}`);
      orgIds.add(o.id);
    }
    str(o, 'name', p, undefined, undefined, true);
    str(o, 'domain', p, DOMAIN, 'a host name like acme.okta.com');
    if (typeof o.domain === 'string') {
      const sub = o.domain.split('.')[0].toLowerCase();
      if (subdomains.has(sub)) bad(`${p}.domain`, `subdomain ${sub} is used by another org`);
      subdomains.add(sub);
    }
    str(o, 'cell', p, CELL, 'a cell name like ok1 or op3');
    if (o.status !== undefined && o.status !== 'ACTIVE' && o.status !== 'INACTIVE')
      bad(`${p}.status`, 'must be "ACTIVE" or "INACTIVE"');
    if (
      o.createdDate !== undefined &&
      (typeof o.createdDate !== 'string' || isNaN(Date.parse(o.createdDate)))
    )
      bad(`${p}.createdDate`, 'must be an ISO-8601 date');
    for (const k of ['contractAccountId', 'consentAccountId', 'linkedAccountId'])
      str(o, k, p, ACCOUNT_ID, '27 lowercase letters/digits', true);
    const ownAccount = typeof o.id === 'string' ? aerialOf.get(o.id) : undefined;
    if (ownAccount && o.linkedAccountId != null && o.linkedAccountId !== ownAccount)
      bad(`${p}.linkedAccountId`, `the Aerial org of account ${ownAccount} must be linked to it`);
    const linked = ownAccount ?? o.linkedAccountId ?? undefined;
    const subs = subscribed(linked);
    arr(o, 'enabledProducts', p, true).forEach((id, j) => {
      if (typeof id !== 'string')
        return void bad(`${p}.enabledProducts[${j}]`, 'must be a product id string');
      if (linked === undefined)
        bad(`${p}.enabledProducts[${j}]`, 'an org that is not linked has no products');
      else if (subs && !subs.has(id))
        bad(`${p}.enabledProducts[${j}]`, `${id} is not subscribed by account ${linked}`);
    });
    const principals = new Map<string, unknown>();
    arr(o, 'principals', p, true).forEach((pr, j) => {
      const pp = `${p}.principals[${j}]`;
      if (!isObj(pr)) return void bad(pp, 'must be an object {id, type}');
      str(pr, 'id', pp, OKTA_ID, '4..40 letters/digits');
      if (!PRINCIPAL_TYPES.includes(pr.type as never))
        bad(`${pp}.type`, 'must be "SSWS_TOKEN" or "OAUTH_CLIENT"');
      if (typeof pr.id === 'string') {
        if (principals.has(pr.id)) bad(`${pp}.id`, `duplicate principal id ${pr.id}`);
        principals.set(pr.id, pr.type);
      }
    });
    arr(o, 'apiTokens', p, true).forEach((t, j) => {
      const pp = `${p}.apiTokens[${j}]`;
      if (!isObj(t)) return void bad(pp, 'must be an object {principalId, value?}');
      str(t, 'principalId', pp);
      if (typeof t.principalId === 'string' && principals.get(t.principalId) !== 'SSWS_TOKEN')
        bad(`${pp}.principalId`, `must name an SSWS_TOKEN principal of this org`);
      str(t, 'value', pp, /^[\x21-\x7e]{8,200}$/, '8..200 printable characters', true);
      str(t, 'userId', pp, OKTA_ID, '4..40 letters/digits', true);
    });
    arr(o, 'clients', p, true).forEach((c, j) => {
      const pp = `${p}.clients[${j}]`;
      if (!isObj(c)) return void bad(pp, 'must be an object {clientId, scopes, jwks?}');
      str(c, 'clientId', pp, OKTA_ID, '4..40 letters/digits');
      arr(c, 'scopes', pp).forEach((s, k) => {
        if (typeof s !== 'string' || !/^[\w.:-]+$/.test(s)) bad(`${pp}.scopes[${k}]`, 'must be a scope name');
      });
      arr(c, 'jwks', pp, true).forEach((k, n) => {
        const kp = `${pp}.jwks[${n}]`;
        if (!isObj(k) || typeof k.kty !== 'string') return void bad(kp, 'must be a public JWK with "kty"');
        if ('d' in k) bad(`${kp}.d`, 'must be a PUBLIC key (remove "d")');
      });
    });
    const limited = new Set<string>();
    arr(o, 'rateLimits', p, true).forEach((r, j) => {
      const pp = `${p}.rateLimits[${j}]`;
      if (!isObj(r)) return void bad(pp, 'must be an object {principalId, principalType, ...}');
      str(r, 'id', pp, OKTA_ID, '4..40 letters/digits', true);
      str(r, 'principalId', pp);
      if (typeof r.principalId === 'string') {
        if (!principals.has(r.principalId))
          bad(`${pp}.principalId`, `no principal ${r.principalId} in this org`);
        else if (principals.get(r.principalId) !== r.principalType)
          bad(
            `${pp}.principalType`,
            `must be ${String(principals.get(r.principalId))} (the principal's type)`,
          );
        if (limited.has(r.principalId)) bad(`${pp}.principalId`, 'only one rate limit entity per principal');
        limited.add(r.principalId);
      }
      pct(r, 'defaultPercentage', pp);
      pct(r, 'defaultConcurrencyPercentage', pp);
    });
  });
  if (errs.length) throw new SeedError(errs);
  return input as unknown as EmulatorSeed;
}

/** Random id with an Okta-like prefix (20 characters). */
export function randomId(prefix: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(20 - prefix.length);
  let out = prefix;
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

/** Random secret token value (URL-safe). */
export function randomSecret(bytes = 30): string {
  return randomBytes(bytes).toString('base64url');
}

/** Builds the initial state from a validated seed. */
export function stateFromSeed(seed: EmulatorSeed, keys: KeyState[], nowMs: number): EmulatorState {
  const startIso = new Date(nowMs).toISOString();
  const aerialOf = new Map(seed.accounts.map((a) => [a.aerialOrgId, a.id]));
  const orgs: OrgState[] = seed.orgs.map((o) => {
    const ownAccount = aerialOf.get(o.id);
    const created = o.createdDate ? new Date(o.createdDate).toISOString() : startIso;
    return {
      id: o.id,
      name: o.name ?? o.domain.split('.')[0],
      domain: o.domain.toLowerCase(),
      subdomain: o.domain.split('.')[0].toLowerCase(),
      cell: o.cell.toLowerCase(),
      status: o.status ?? 'ACTIVE',
      createdDate: created,
      aerialOrg: ownAccount !== undefined,
      contractAccountId: o.contractAccountId ?? ownAccount ?? undefined,
      consent:
        (o.consentAccountId ?? ownAccount)
          ? {
              accountId: (o.consentAccountId ?? ownAccount)!,
              grantedBy: DEMO.adminUserId,
              grantedDate: created,
            }
          : undefined,
      linkedAccountId: ownAccount ?? o.linkedAccountId ?? undefined,
      enabledProducts: [...new Set(o.enabledProducts ?? [])],
      principals: (o.principals ?? []).map((p) => ({ ...p })),
      apiTokens: (o.apiTokens ?? []).map((t) => ({
        principalId: t.principalId,
        value: t.value ?? randomSecret(),
        userId: t.userId ?? DEMO.adminUserId,
      })),
      clients: (o.clients ?? []).map((c) => ({
        clientId: c.clientId,
        scopes: [...c.scopes],
        jwks: c.jwks ?? null,
      })),
      rateLimits: (o.rateLimits ?? []).map((r) => ({
        id: r.id ?? randomId('prl'),
        orgId: o.id,
        principalId: r.principalId,
        principalType: r.principalType,
        defaultPercentage: r.defaultPercentage ?? 50,
        defaultConcurrencyPercentage: r.defaultConcurrencyPercentage ?? 50,
        createdBy: DEMO.adminUserId,
        createdDate: created,
        lastUpdate: created,
        lastUpdatedBy: DEMO.adminUserId,
      })),
    };
  });
  return {
    version: 1,
    accounts: seed.accounts.map((a) => ({
      id: a.id,
      name: a.name,
      environment: a.environment ?? 'production',
      partner: a.partner ?? false,
      aerialOrgId: a.aerialOrgId,
      subscribedProducts: a.subscribedProducts.map((p) => ({ id: p.id, name: p.name })),
    })),
    orgs,
    keys,
    tokens: [],
  };
}
