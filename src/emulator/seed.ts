/** Loading a seed: reading a seed file, and turning a validated seed into the emulator's state. */
import { readFileSync } from 'node:fs';
import { DEMO } from './demo-seed';
import { randomId, randomSecret } from './ids';
import { SeedError, type EmulatorSeed } from './seed-schema';
import type { EmulatorState, KeyState, OrgState } from './state';

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
      ...(o.parentOrgId ? { parentOrgId: o.parentOrgId } : {}),
      enabledProducts: [...new Set(o.enabledProducts ?? [])],
      principals: (o.principals ?? []).map((p) => ({ ...p })),
      apiTokens: (o.apiTokens ?? []).map((t) => ({
        principalId: t.principalId,
        value: t.value ?? randomSecret(),
        userId: t.userId ?? DEMO.adminUserId,
        ...(t.name ? { name: t.name } : {}),
        ...(t.clientName ? { clientName: t.clientName } : {}),
      })),
      clients: (o.clients ?? []).map((c) => ({
        clientId: c.clientId,
        scopes: [...c.scopes],
        jwks: c.jwks ?? null,
        dpopBoundAccessTokens: c.dpopBoundAccessTokens ?? true,
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

/** What {@link mergeSeed} did: a line per thing it added, and per thing of the seed it left out and why. */
export interface SeedMerge {
  readonly added: string[];
  readonly skipped: string[];
}

/**
 * Adds to a loaded state what a seed declares and the state lacks, for a restart with a changed app
 * (`emulator --app` with an existing `--state`):
 * - orgs, and on the orgs the state has, principals, API tokens, OAuth apps, and the contract and consent
 *   of an org that has none (deploys never set those; an org a first app only read may be linked by the next);
 * - accounts (with their Aerial org) and the subscribed products of the accounts the state has.
 *
 * What the state has stays as it is: an org's domain, status, link, enabled products and rate limits are what
 * deploys made of it, and a field the seed gives otherwise is named in `skipped`. Left out too: an org whose
 * domain or URL name a live org of the state holds under another id, an org the state has deleted, and an
 * account whose Aerial org is not in the state. `seeded` is the seed as {@link stateFromSeed} builds it with
 * the state's own keys; what is added is copied from it. `nowMs` tells a pending deletion that has ended.
 */
export function mergeSeed(state: EmulatorState, seeded: EmulatorState, nowMs: number): SeedMerge {
  const added: string[] = [];
  const skipped: string[] = [];
  const live = (o: OrgState) => !o.deleted && !(o.deleteAt !== undefined && nowMs >= o.deleteAt);
  const fresh: OrgState[] = [];
  for (const org of seeded.orgs) {
    const have = state.orgs.find((o) => o.id === org.id);
    if (!have) {
      const clash = state.orgs.find(
        (o) => live(o) && (o.domain === org.domain || o.subdomain === org.subdomain),
      );
      if (clash)
        skipped.push(`org ${org.domain} (${org.id}): the state has org ${clash.id} at ${clash.domain}`);
      else fresh.push(structuredClone(org));
      continue;
    }
    if (!live(have)) {
      skipped.push(
        `org ${org.domain} (${org.id}): the state has it deleted; delete the state to have it again`,
      );
      continue;
    }
    if (have.domain !== org.domain)
      skipped.push(`org ${org.id}: the seed names it ${org.domain}, the state keeps ${have.domain}`);
    for (const p of org.principals) {
      const known = have.principals.find((x) => x.id === p.id);
      if (known && known.type !== p.type)
        skipped.push(
          `principal ${p.id} in ${have.domain}: the seed says ${p.type}, the state keeps ${known.type}`,
        );
      if (known) continue;
      have.principals.push({ ...p });
      added.push(`principal ${p.id} in ${have.domain}`);
    }
    for (const t of org.apiTokens) {
      if (have.apiTokens.some((x) => x.principalId === t.principalId)) continue;
      have.apiTokens.push({ ...t });
      added.push(`API token of ${t.principalId} in ${have.domain}`);
    }
    for (const c of org.clients) {
      if (have.clients.some((x) => x.clientId === c.clientId)) continue;
      have.clients.push(structuredClone(c));
      added.push(`OAuth app ${c.clientId} in ${have.domain}`);
    }
    if (have.contractAccountId === undefined && org.contractAccountId !== undefined) {
      have.contractAccountId = org.contractAccountId;
      added.push(`${have.domain} on the contract of account ${org.contractAccountId}`);
    }
    if (have.consent === undefined && org.consent !== undefined) {
      have.consent = { ...org.consent };
      added.push(`consent of ${have.domain} to account ${org.consent.accountId}`);
    }
  }
  state.orgs.push(...fresh);
  for (const org of fresh) {
    if (org.parentOrgId !== undefined && !state.orgs.some((o) => o.id === org.parentOrgId)) {
      skipped.push(`parent ${org.parentOrgId} of org ${org.domain}: not in the state`);
      delete org.parentOrgId;
    }
    added.push(`org ${org.domain} (${org.id})`);
  }
  for (const account of seeded.accounts) {
    const have = state.accounts.find((a) => a.id === account.id);
    if (!have) {
      const aerialOrg = state.orgs.find((o) => o.id === account.aerialOrgId && live(o));
      if (aerialOrg && !fresh.includes(aerialOrg)) {
        skipped.push(
          `account ${account.id}: its Aerial org ${account.aerialOrgId} is in the state as another org; delete the state to seed it`,
        );
        continue;
      }
      if (!aerialOrg) {
        skipped.push(
          `account ${account.id}: its Aerial org ${account.aerialOrgId} is not in the state; delete the state to seed it`,
        );
        continue;
      }
      state.accounts.push(structuredClone(account));
      added.push(`account ${account.id}`);
      continue;
    }
    if (have.aerialOrgId !== account.aerialOrgId)
      skipped.push(
        `account ${account.id}: the seed gives it Aerial org ${account.aerialOrgId}, the state keeps ${have.aerialOrgId}`,
      );
    for (const product of account.subscribedProducts) {
      if (have.subscribedProducts.some((p) => p.id === product.id)) continue;
      have.subscribedProducts.push({ ...product });
      added.push(`product ${product.id} on account ${account.id}`);
    }
  }
  return { added, skipped };
}
