/** Pure pieces of the emulator: fault decisions, SCIM filters, cursors, shell quoting, seed merging. */
import { execFileSync } from 'node:child_process';
import { decideFault, normalizeFaults, ruleMatches, seededRandom } from '../../src/emulator/faults';
import { compileFilter, FilterError } from '../../src/emulator/scim-filter';
import { paginate } from '../../src/emulator/pagination';
import { shellQuote } from '../../src/emulator/credentials';
import { demoSeed } from '../../src/emulator/demo-seed';
import { mergeSeed, stateFromSeed } from '../../src/emulator/seed';
import type { EmulatorSeed } from '../../src/emulator/seed-schema';

describe('faults', () => {
  it('adds base latency, jitter and rule latency', () => {
    const d = decideFault({ rules: [{ route: 'prl.', latencyMs: 30 }] }, 'prl.get', 'GET', () => 0.5, {
      latencyMs: 100,
      jitterMs: 20,
    });
    expect(d).toEqual({ kind: 'none', delayMs: 100 + 10 + 30 });
  });

  it('picks the first matching rule by route prefix, exact route and method', () => {
    expect(ruleMatches({ route: 'aerial.' }, 'aerial.getOrg', 'GET')).toBe(true);
    expect(ruleMatches({ route: 'aerial.getOrg' }, 'aerial.getOrgs', 'GET')).toBe(false);
    expect(ruleMatches({ method: 'put' }, 'prl.replace', 'PUT')).toBe(true);
    expect(ruleMatches({ method: 'PUT' }, 'prl.get', 'GET')).toBe(false);
    const d = decideFault(
      { rules: [{ route: 'prl.get', rate5xx: 1, statuses5xx: [502] }, { rate429: 1 }] },
      'prl.get',
      'GET',
      seededRandom(1),
      { latencyMs: 0, jitterMs: 0 },
    );
    expect(d).toEqual({ kind: '5xx', status: 502, delayMs: 0 });
  });

  it('accepts the flat shorthand and names a bad field', () => {
    expect(normalizeFaults({ rate429: 0.5, randomSeed: 3 })).toEqual({
      randomSeed: 3,
      rules: [{ rate429: 0.5 }],
    });
    expect(() => normalizeFaults({ rules: [{ rate5xx: 1.5 }] })).toThrow(
      'faults.rules[0].rate5xx: must be 0..1',
    );
    expect(() => normalizeFaults({ rules: [{ colour: 'red' }] })).toThrow(
      'faults.rules[0].colour: unknown field',
    );
  });
});

describe('SCIM filter', () => {
  type Item = { s: string; b: boolean; id: string };
  const attrs = {
    subdomain: { type: 'string' as const, get: (x: Item) => x.s },
    aerialOrg: { type: 'boolean' as const, get: (x: Item) => x.b },
    id: { type: 'string' as const, get: (x: Item) => x.id, caseExact: true },
  };
  const items: Item[] = [
    { s: 'acme-prod', b: false, id: 'A' },
    { s: 'acme-dev', b: false, id: 'b' },
    { s: 'other', b: true, id: 'C' },
  ];
  const run = (f: string) => items.filter(compileFilter(f, attrs)).map((x) => x.id);

  it('evaluates eq, sw, and, or, not and parentheses with case-insensitive keywords', () => {
    expect(run('subdomain sw "acme"')).toEqual(['A', 'b']);
    expect(run('SUBDOMAIN EQ "ACME-DEV"')).toEqual(['b']);
    expect(run('aerialOrg eq true or subdomain eq "acme-prod"')).toEqual(['A', 'C']);
    expect(run('subdomain sw "acme" and not (id eq "A")')).toEqual(['b']);
    expect(run('id eq "a"')).toEqual([]);
  });

  it('refuses unknown attributes, bad operators, bad values and trailing input', () => {
    for (const f of [
      'colour eq "x"',
      'subdomain gt "x"',
      'aerialOrg eq "yes"',
      'subdomain eq "x" extra',
      '(subdomain eq "x"',
      '',
    ])
      expect(() => compileFilter(f, attrs)).toThrow(FilterError);
  });
});

describe('pagination', () => {
  const ids = ['a', 'b', 'c', 'd', 'e'];
  it('pages after and before a key', () => {
    expect(paginate(ids, (x) => x, { limit: 2 })).toEqual({
      items: ['a', 'b'],
      hasNext: true,
      hasPrev: false,
    });
    expect(paginate(ids, (x) => x, { limit: 2, after: 'b' })).toEqual({
      items: ['c', 'd'],
      hasNext: true,
      hasPrev: true,
    });
    expect(paginate(ids, (x) => x, { limit: 2, after: 'd' })).toEqual({
      items: ['e'],
      hasNext: false,
      hasPrev: true,
    });
    expect(paginate(ids, (x) => x, { limit: 2, before: 'e' })).toEqual({
      items: ['c', 'd'],
      hasNext: true,
      hasPrev: true,
    });
  });
});

describe('shellQuote', () => {
  it('survives quotes, dollars, backticks and newlines in a real shell', () => {
    const nasty = `it's $HOME \`id\` "q"\nline2 \\ end`;
    const out = execFileSync('bash', ['-c', `printf %s ${shellQuote(nasty)}`], { encoding: 'utf8' });
    expect(out).toBe(nasty);
  });
});

describe('mergeSeed', () => {
  const NOW = Date.parse('2026-12-02T00:00:00Z');
  const build = (seed: EmulatorSeed) => stateFromSeed(seed, [], NOW);
  /** The demo seed with one more account, whose Aerial org is `aerialOrgId`. */
  const withAccount = (aerialOrgId: string): EmulatorSeed => {
    const seed = demoSeed();
    seed.accounts.push({
      id: '0227appaccount00000000000001',
      name: 'App',
      aerialOrgId,
      subscribedProducts: [{ id: 'P000052', name: 'SSO' }],
    });
    return seed;
  };

  it('leaves out an account whose Aerial org clashes with one of the state, and names both', () => {
    const state = build(demoSeed());
    const seed = withAccount('00oAppAerialOrg00001');
    seed.orgs.push({ id: '00oAppAerialOrg00001', domain: 'acme-aerial.okta.com', cell: 'ok1' });
    const { added, skipped } = mergeSeed(state, build(seed), NOW);
    expect(added).toEqual([]);
    expect(skipped).toEqual([
      'org acme-aerial.okta.com (00oAppAerialOrg00001): the state has org 00oDemoAerialOrg0001 at acme-aerial.okta.com',
      'account 0227appaccount00000000000001: its Aerial org 00oAppAerialOrg00001 is not in the state; delete the state to seed it',
    ]);
    expect(state.accounts.map((a) => a.id)).not.toContain('0227appaccount00000000000001');
  });

  it('leaves out a new account whose Aerial org the state has as an org of its own', () => {
    const state = build(demoSeed());
    const seed = withAccount('00oDemoAcmeStage0001');
    const { added, skipped } = mergeSeed(state, build(seed), NOW);
    expect(added).toEqual([]);
    expect(skipped).toEqual([
      'account 0227appaccount00000000000001: its Aerial org 00oDemoAcmeStage0001 is in the state as another org; delete the state to seed it',
    ]);
    expect(state.orgs.find((o) => o.id === '00oDemoAcmeStage0001')).toMatchObject({ aerialOrg: false });
  });

  it('adds a new account with its new Aerial org, copied from the seed', () => {
    const state = build(demoSeed());
    const seed = withAccount('00oAppAerialOrg00001');
    seed.orgs.push({
      id: '00oAppAerialOrg00001',
      domain: 'app-aerial.okta.com',
      cell: 'ok1',
      clients: [{ clientId: '0oaAppClient00000001', scopes: ['okta.accounts.manage'] }],
    });
    const seeded = build(seed);
    const { added, skipped } = mergeSeed(state, seeded, NOW);
    expect(skipped).toEqual([]);
    expect(added).toEqual([
      'org app-aerial.okta.com (00oAppAerialOrg00001)',
      'account 0227appaccount00000000000001',
    ]);
    const org = state.orgs.find((o) => o.id === '00oAppAerialOrg00001')!;
    expect(org).toMatchObject({ aerialOrg: true, linkedAccountId: '0227appaccount00000000000001' });
    seeded.orgs.find((o) => o.id === '00oAppAerialOrg00001')!.clients[0].scopes.push('changed');
    expect(org.clients[0].scopes).toEqual(['okta.accounts.manage']);
  });

  it('adds nothing to an org the state has deleted, or whose pending deletion has ended, and says so', () => {
    const state = build(demoSeed());
    const stage = state.orgs.find((o) => o.id === '00oDemoAcmeStage0001')!;
    stage.deleteAt = NOW - 1;
    const seed = demoSeed();
    const stageSeed = seed.orgs.find((o) => o.id === '00oDemoAcmeStage0001')!;
    stageSeed.principals!.push({ id: '00TNewToken000000001', type: 'SSWS_TOKEN' });
    const { added, skipped } = mergeSeed(state, build(seed), NOW);
    expect(skipped).toEqual([
      'org acme-stage.okta.com (00oDemoAcmeStage0001): the state has it deleted; delete the state to have it again',
    ]);
    expect(added).toEqual([]);
    expect(stage.principals.map((p) => p.id)).not.toContain('00TNewToken000000001');
    // A new org at the deleted org's domain is no clash: that org is gone.
    const later = demoSeed();
    later.orgs = later.orgs.filter((o) => o.id !== '00oDemoAcmeStage0001');
    later.orgs.push({ id: '00oNewStage000000001', domain: 'acme-stage.okta.com', cell: 'ok1' });
    expect(mergeSeed(state, build(later), NOW)).toEqual({
      added: ['org acme-stage.okta.com (00oNewStage000000001)'],
      skipped: [],
    });
  });

  it('fills in a contract and consent the state lacks, and names what it keeps over the seed', () => {
    const seed = demoSeed();
    const before = seed.orgs.find((o) => o.id === '00oDemoNoConsent0001')!;
    delete before.contractAccountId;
    const state = build(seed);
    const next = demoSeed();
    const org = next.orgs.find((o) => o.id === '00oDemoNoConsent0001')!;
    org.consentAccountId = org.contractAccountId;
    org.domain = 'acme-renamed.okta.com';
    next.orgs.find((o) => o.id === '00oDemoAcmeDev000001')!.principals![0].type = 'OAUTH_CLIENT';
    const { added, skipped } = mergeSeed(state, build(next), NOW);
    expect(added).toEqual([
      'acme-noconsent.okta.com on the contract of account 0227demoaerialaccount000001',
      'consent of acme-noconsent.okta.com to account 0227demoaerialaccount000001',
    ]);
    expect(skipped).toEqual([
      'principal 00TDemoCiToken000001 in acme-dev.okta.com: the seed says OAUTH_CLIENT, the state keeps SSWS_TOKEN',
      'org 00oDemoNoConsent0001: the seed names it acme-renamed.okta.com, the state keeps acme-noconsent.okta.com',
    ]);
  });
});
