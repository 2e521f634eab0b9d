/**
 * The pure part of `okta-aerial plan`: small hand-written saved plans (the shape `terraform show -json`
 * gives for the lifecycle resources), the synthesized constructs, drift entries and live states in, one
 * line per construct in Okta's terms out.
 */
import type { DriftEntry } from '../../src/cli/drift';
import {
  analyzePlan,
  describePlan,
  displayNames,
  formatPlan,
  hasChanges,
  liveId,
  type StackPlan,
} from '../../src/cli/plan';
import type { StackConstruct } from '../../src/cli/synthesized-stack';
import type { PlanAction, PlanJson, PlanResourceChange } from '../../src/cli/terraform';
import type { ResourceState } from '../../src/handlers/read';
import type {
  AerialOrgSpec,
  OrgConnectionSpec,
  PrincipalRateLimitSpec,
  ProductAssignmentSpec,
  ResourceSpec,
} from '../../src/contract';
import { ACCOUNT_SPEC } from './spec-fixtures';

const PROD = '00oDemoAcmeProd00001';
const STAGE = '00oDemoAcmeStage0001';
const CI = '00TDemoCiToken000001';
const SCIM = '0oaDemoScimApp000001';

const API: OrgConnectionSpec = {
  orgUrl: 'https://acme-prod.okta.com',
  auth: { type: 'ssws', tokenEnv: 'OKTA_API_TOKEN' },
  maxConcurrency: 10,
  deadlineMs: 300000,
};

function orgSpec(name: string, over: Partial<AerialOrgSpec> = {}): AerialOrgSpec {
  return {
    v: 1,
    kind: 'aerial-org',
    path: `s/${name}`,
    removalPolicy: 'RETAIN',
    account: ACCOUNT_SPEC,
    org: { orgId: PROD },
    status: 'ACTIVE',
    requestDeletion: false,
    ...over,
  };
}

function productsSpec(name: string, productIds: string[], over: Partial<ProductAssignmentSpec> = {}) {
  const spec: ProductAssignmentSpec = {
    v: 1,
    kind: 'product-assignment',
    path: `s/${name}`,
    removalPolicy: 'RETAIN',
    account: ACCOUNT_SPEC,
    org: { orgId: PROD },
    productIds,
    ...over,
  };
  return spec;
}

function limitSpec(name: string, pct: [number, number], over: Partial<PrincipalRateLimitSpec> = {}) {
  const spec: PrincipalRateLimitSpec = {
    v: 1,
    kind: 'principal-rate-limit',
    path: `s/${name}`,
    removalPolicy: 'RETAIN',
    org: API,
    principalId: CI,
    principalType: 'SSWS_TOKEN',
    defaultPercentage: pct[0],
    defaultConcurrencyPercentage: pct[1],
    ...over,
  };
  return spec;
}

/** The natural key and desired state the constructs put into triggers_replace. */
function keyOf(spec: ResourceSpec): Record<string, string> {
  if (spec.kind === 'principal-rate-limit')
    return { 'org.orgUrl': spec.org.orgUrl, principalId: spec.principalId };
  return 'orgId' in spec.org
    ? { 'account.accountId': spec.account.accountId, 'org.orgId': spec.org.orgId }
    : {
        'account.accountId': spec.account.accountId,
        'org.domain': spec.org.domain,
        'org.cell': spec.org.cell,
      };
}

function stateOf(spec: ResourceSpec): Record<string, unknown> {
  switch (spec.kind) {
    case 'aerial-org':
      return { status: spec.status };
    case 'product-assignment':
      return { productIds: spec.productIds };
    case 'principal-rate-limit':
      return {
        principalType: spec.principalType,
        defaultPercentage: spec.defaultPercentage,
        defaultConcurrencyPercentage: spec.defaultConcurrencyPercentage,
      };
  }
}

function identityOf(spec: ResourceSpec): Record<string, unknown> {
  const out: Record<string, unknown> = { ...spec, role: 'identity' };
  if (spec.kind === 'aerial-org') delete out.status;
  if (spec.kind === 'principal-rate-limit') {
    delete out.defaultPercentage;
    delete out.defaultConcurrencyPercentage;
  }
  return out;
}

const construct = (spec: ResourceSpec, rendering = 'terraform_data'): StackConstruct => {
  const name = spec.path.split('/').pop()!;
  return {
    path: spec.path,
    kind: spec.kind,
    spec,
    templatePaths: [],
    configAddress: `${rendering}.${name}_Config_0000000C`,
    identityAddress: `${rendering}.${name}_Identity_0000000D`,
  };
};

interface Td {
  identity?: PlanAction[];
  config?: PlanAction[];
  reason?: string;
  /** Merged into the config's after_unknown. */
  configUnknown?: Record<string, unknown>;
}

/** The two terraform_data resource changes of one construct, from its deployed and its planned spec. */
function td(
  before: ResourceSpec | undefined,
  after: ResourceSpec | undefined,
  t: Td = {},
): PlanResourceChange[] {
  const spec = (after ?? before)!;
  const name = spec.path.split('/').pop()!;
  const idActions = t.identity ?? ['no-op'];
  const cfgActions = t.config ?? ['no-op'];
  const val = (s: ResourceSpec | undefined, role: 'identity' | 'config') =>
    s && {
      id: 'x',
      input: role === 'identity' ? identityOf(s) : s,
      output: role === 'identity' ? identityOf(s) : s,
      triggers_replace: role === 'identity' ? keyOf(s) : { key: keyOf(s), state: stateOf(s) },
    };
  const change = (role: 'identity' | 'config', actions: PlanAction[]): PlanResourceChange => ({
    address: `terraform_data.${name}_${role === 'identity' ? 'Identity' : 'Config'}_0000000${role === 'identity' ? 'D' : 'C'}`,
    mode: 'managed',
    type: 'terraform_data',
    name: `${name}_${role === 'identity' ? 'Identity' : 'Config'}_0000000${role === 'identity' ? 'D' : 'C'}`,
    change: {
      actions,
      before: actions.includes('create') && !actions.includes('delete') ? null : (val(before, role) ?? null),
      after: actions.includes('delete') && !actions.includes('create') ? null : (val(after, role) ?? null),
      after_unknown: role === 'config' && t.configUnknown ? { input: t.configUnknown } : {},
    },
    ...(role === 'config' && t.reason ? { action_reason: t.reason } : {}),
  });
  return [change('identity', idActions), change('config', cfgActions)];
}

const replace: PlanAction[] = ['delete', 'create'];

function inSync(spec: ResourceSpec, live: ResourceState): DriftEntry {
  return {
    path: spec.path,
    kind: spec.kind,
    status: 'in-sync',
    fields: [],
    live,
    configAddress: construct(spec).configAddress,
    repairPending: false,
  };
}

/** Runs both steps with an "Okta" holding `okta` (by live id; null = absent); returns the lines. */
function planOf(
  changes: PlanResourceChange[],
  constructs: StackConstruct[],
  okta: Array<[ResourceSpec, ResourceState | null]> = [],
  drift: DriftEntry[] = [],
  opts: { destroy?: boolean } = {},
): { plan: StackPlan; lines: string[] } {
  const analyzed = analyzePlan({ resource_changes: changes } as PlanJson, constructs, opts);
  const held = new Map(okta.map(([s, v]) => [liveId(s), v]));
  const live = new Map<string, ResourceState | null>();
  for (const r of analyzed.reads) if (held.has(r.id)) live.set(r.id, held.get(r.id)!);
  const plan = describePlan(analyzed, drift, live);
  return {
    plan,
    lines: formatPlan(plan)
      .trimEnd()
      .split('\n')
      .map((l) => l.replace(/\s+/g, ' ')),
  };
}

describe('okta-aerial plan, a change of desired state', () => {
  it('uses the live value as "before" and the plan\'s value as "after"', () => {
    const old = productsSpec('ProdProducts', ['P000052', 'P000131']);
    const now = productsSpec('ProdProducts', ['P000052', 'P000131', 'P000139']);
    const { lines, plan } = planOf(
      td(old, now, { identity: ['update'], config: replace, reason: 'replace_because_cannot_update' }),
      [construct(now)],
      [[now, { productIds: ['P000052'] }]], // someone disabled P000131 meanwhile
    );
    // The identity's in-place update carries the declared set for destroy: not a connection change.
    expect(lines).toEqual([
      'ProdProducts product-assignment products [P000052] -> [P000052, P000131, P000139]',
      'plan: 1 construct changes in Okta, 0 drifted not repaired, 0 unchanged',
    ]);
    expect(plan.constructs[0]).toMatchObject({
      action: 'update',
      okta: 'changes',
      steps: [
        {
          phase: 'apply',
          operation: 'set',
          object: `products of org ${PROD}`,
          before: { productIds: ['P000052'] },
          beforeFrom: 'okta',
          after: { productIds: ['P000052', 'P000131', 'P000139'] },
          writes: true,
        },
      ],
    });
  });

  it('says percentages and statuses in Okta terms', () => {
    const ci = limitSpec('Ci', [30, 20]);
    const ci2 = limitSpec('Ci', [40, 20]);
    const stage = orgSpec('Stage', { org: { orgId: STAGE } });
    const stage2 = orgSpec('Stage', { org: { orgId: STAGE }, status: 'INACTIVE' });
    const { lines } = planOf(
      [...td(ci, ci2, { config: replace }), ...td(stage, stage2, { config: replace })],
      [construct(ci2), construct(stage2)],
      [
        [ci2, { defaultPercentage: 30, defaultConcurrencyPercentage: 20 }],
        [stage2, { status: 'ACTIVE' }],
      ],
    );
    expect(lines.slice(0, 2)).toEqual([
      'Ci principal-rate-limit 30%/20% -> 40%/20%',
      'Stage aerial-org status ACTIVE -> INACTIVE',
    ]);
  });

  it('says when Okta already holds the new value (the apply writes nothing)', () => {
    const stage = orgSpec('Stage', { org: { orgId: STAGE } });
    const stage2 = orgSpec('Stage', { org: { orgId: STAGE }, status: 'INACTIVE' });
    const { lines, plan } = planOf(
      td(stage, stage2, { config: replace }),
      [construct(stage2)],
      [[stage2, { status: 'INACTIVE' }]],
    );
    expect(lines[0]).toBe('Stage aerial-org status INACTIVE: already so in Okta (no write)');
    expect(plan.summary).toEqual({ change: 0, drifted: 0, unchanged: 1, removed: 0 });
    expect(hasChanges(plan)).toBe(true); // Terraform still replaces the config resource
  });

  it('falls back to the value as last deployed when Okta was not read, and says so', () => {
    const stage = orgSpec('Stage', { org: { orgId: STAGE } });
    const stage2 = orgSpec('Stage', { org: { orgId: STAGE }, status: 'INACTIVE' });
    const { lines } = planOf(td(stage, stage2, { config: replace }), [construct(stage2)]);
    expect(lines[0]).toBe(
      'Stage aerial-org status ACTIVE -> INACTIVE (before: as last deployed; Okta not read)',
    );
  });
});

describe('okta-aerial plan, creating and adopting', () => {
  const create = { identity: ['create'] as PlanAction[], config: ['create'] as PlanAction[] };

  it('links an org that is not linked, creates a missing rate limit, sets products from none', () => {
    const eu = orgSpec('Eu', { org: { domain: 'acme-eu.okta.com', cell: 'eu1' } });
    const euProducts = productsSpec('EuProducts', ['P001113', 'P000052'], {
      org: { domain: 'acme-eu.okta.com', cell: 'eu1' },
    });
    const scim = limitSpec('Scim', [40, 20], { principalId: SCIM, principalType: 'OAUTH_CLIENT' });
    const { lines, plan } = planOf(
      [...td(undefined, eu, create), ...td(undefined, euProducts, create), ...td(undefined, scim, create)],
      [construct(eu), construct(euProducts), construct(scim)],
      [
        [eu, null],
        [euProducts, null],
        [scim, null],
      ],
    );
    expect(lines).toEqual([
      'Eu aerial-org link org acme-eu.okta.com (cell eu1), ACTIVE',
      'EuProducts product-assignment products [] -> [P000052, P001113]',
      'Scim principal-rate-limit create rate limit 40%/20%',
      'plan: 3 constructs change in Okta, 0 drifted not repaired, 0 unchanged',
    ]);
    expect(plan.constructs.map((c) => c.steps[0].operation)).toEqual(['link', 'set', 'create']);
  });

  it('adopts what already exists, saying whether anything is written', () => {
    const prod = orgSpec('Prod');
    const ops = limitSpec('Ops', [70, 60], { principalId: '00TDemoOpsToken00001' });
    const { lines } = planOf(
      [...td(undefined, prod, create), ...td(undefined, ops, create)],
      [construct(prod), construct(ops)],
      [
        [prod, { status: 'ACTIVE' }],
        [ops, { defaultPercentage: 50, defaultConcurrencyPercentage: 50 }],
      ],
    );
    expect(lines).toEqual([
      'Ops principal-rate-limit adopt rate limit: 50%/50% -> 70%/60%',
      `Prod aerial-org adopt org ${PROD}: already linked and ACTIVE (no write)`,
      'plan: 1 construct changes in Okta, 0 drifted not repaired, 1 unchanged',
    ]);
  });

  it('says "(known after apply)" for values from resources not applied yet', () => {
    const sync = limitSpec('Sync', [40, 40], { principalType: 'OAUTH_CLIENT' });
    const { principalId: _unknown, ...planned } = sync;
    const changes = td(undefined, planned as PrincipalRateLimitSpec, {
      ...create,
      configUnknown: { principalId: true },
    });
    const { lines, plan } = planOf(changes, [{ ...construct(sync), templatePaths: ['principalId'] }]);
    expect(lines[0]).toBe(
      'Sync principal-rate-limit create or adopt rate limit of (known after apply): 40%/40%',
    );
    expect(plan.constructs[0]).toMatchObject({
      okta: 'may change',
      steps: [{ writes: 'unknown', unknown: ['principalId'] }],
    });
    expect(plan.summary.change).toBe(1);
  });
});

describe('okta-aerial plan, natural key changes, removal and destroy', () => {
  it('handles the old object by its removal policy, then applies the new one', () => {
    const ops = limitSpec('Ops', [70, 60], { principalId: CI, removalPolicy: 'DESTROY' });
    const moved = limitSpec('Ops', [70, 60], {
      principalId: SCIM,
      principalType: 'OAUTH_CLIENT',
      removalPolicy: 'DESTROY',
    });
    const stage = orgSpec('Stage', { org: { orgId: STAGE } });
    const byDomain = orgSpec('Stage', { org: { domain: 'acme-stage.okta.com', cell: 'ok1' } });
    const { lines, plan } = planOf(
      [
        ...td(ops, moved, { identity: replace, config: replace }),
        ...td(stage, byDomain, { identity: replace, config: replace }),
      ],
      [construct(moved), construct(byDomain)],
      [
        [ops, { defaultPercentage: 70, defaultConcurrencyPercentage: 60 }],
        [moved, null],
        [byDomain, { status: 'ACTIVE' }],
      ],
    );
    expect(lines).toEqual([
      `Ops principal-rate-limit old rate limit of ${CI}: reset 70%/60% -> 50%/50% (DESTROY); ` +
        `new: create rate limit of ${SCIM}: 70%/60%`,
      `Stage aerial-org old org ${STAGE}: retained (RETAIN); ` +
        'new: adopt org acme-stage.okta.com (cell ok1): already linked and ACTIVE (no write)',
      'plan: 1 construct changes in Okta, 0 drifted not repaired, 1 unchanged',
    ]);
    expect(plan.constructs[0].steps.map((s) => [s.phase, s.operation, s.writes])).toEqual([
      ['destroy', 'reset', true],
      ['apply', 'create', true],
    ]);
  });

  it('sets an org INACTIVE under DESTROY, and requests its deletion when asked', () => {
    const a = orgSpec('Org', { removalPolicy: 'DESTROY', requestDeletion: true });
    const b = orgSpec('Org', { org: { orgId: STAGE }, removalPolicy: 'DESTROY' });
    const { lines } = planOf(
      td(a, b, { identity: replace, config: replace }),
      [construct(b)],
      [[b, { status: 'ACTIVE' }]],
    );
    expect(lines[0]).toBe(
      `Org aerial-org old org ${PROD}: set INACTIVE, then request its deletion (DESTROY); ` +
        `new: adopt org ${STAGE}: already linked and ACTIVE (no write)`,
    );
  });

  it('leaves a construct removed from the code as it is in Okta (no hook runs)', () => {
    const eu = orgSpec('Eu', { org: { domain: 'acme-eu.okta.com', cell: 'eu1' }, removalPolicy: 'DESTROY' });
    const changes = td(eu, undefined, { identity: ['delete'], config: ['delete'] }).map((c) => ({
      ...c,
      action_reason: 'delete_because_no_resource_config',
    }));
    // null_resource keeps no spec: the construct is found by its address and named after it.
    const nullRemoved: PlanResourceChange[] = [
      {
        address: 'null_resource.Ci_Config_1234ABCD',
        type: 'null_resource',
        name: 'Ci_Config_1234ABCD',
        change: {
          actions: ['delete'],
          before: {
            id: '1',
            triggers: {
              key: JSON.stringify({ 'org.orgUrl': API.orgUrl, principalId: CI }),
              state: JSON.stringify({ principalType: 'SSWS_TOKEN', defaultPercentage: 30 }),
            },
          },
        },
      },
      {
        address: 'null_resource.Ci_Identity_1234ABCE',
        type: 'null_resource',
        name: 'Ci_Identity_1234ABCE',
        change: {
          actions: ['delete'],
          before: { id: '2', triggers: { 'org.orgUrl': API.orgUrl, principalId: CI } },
        },
      },
    ];
    const { lines, plan } = planOf([...changes, ...nullRemoved], []);
    expect(lines).toEqual([
      'Ci principal-rate-limit removed from the stack: left as it is in Okta (no hook runs)',
      'Eu aerial-org removed from the stack: left as it is in Okta (no hook runs)',
      'plan: 0 constructs change in Okta, 0 drifted not repaired, 0 unchanged, 2 removed from the stack (left as they are in Okta)',
    ]);
    expect(plan.constructs.map((c) => c.action)).toEqual(['remove', 'remove']);
  });

  it('describes a destroy plan per removal policy, against the live state', () => {
    const prod = orgSpec('Prod', { removalPolicy: 'DESTROY' });
    const products = productsSpec('ProdProducts', ['P000052', 'P000131'], { removalPolicy: 'DESTROY' });
    const ci = limitSpec('Ci', [30, 20], { removalPolicy: 'DESTROY' });
    const stage = orgSpec('Stage', { org: { orgId: STAGE } });
    const gone: PlanAction[] = ['delete'];
    const { lines, plan } = planOf(
      [
        ...td(prod, undefined, { identity: gone, config: gone }),
        ...td(products, undefined, { identity: gone, config: gone }),
        ...td(ci, undefined, { identity: gone, config: gone }),
        ...td(stage, undefined, { identity: gone, config: gone }),
      ],
      [construct(prod), construct(products), construct(ci), construct(stage)],
      [
        [prod, { status: 'ACTIVE' }],
        [products, { productIds: ['P000052', 'P000131', 'P000139'] }],
        [ci, { defaultPercentage: 30, defaultConcurrencyPercentage: 20 }],
      ],
      [],
      { destroy: true },
    );
    expect(lines).toEqual([
      'Ci principal-rate-limit destroy: reset 30%/20% -> 50%/50% (DESTROY)',
      'Prod aerial-org destroy: status ACTIVE -> INACTIVE (DESTROY)',
      'ProdProducts product-assignment destroy: disable [P000052, P000131] (DESTROY): products [P000052, P000131, P000139] -> [P000139]',
      'Stage aerial-org destroy: retained (RETAIN)',
      'destroy plan: 3 constructs change in Okta, 0 drifted not repaired, 1 unchanged',
    ]);
    expect(plan.mode).toBe('destroy');
  });
});

describe('okta-aerial plan, no change and drift', () => {
  it('names in-place updates that run no hook', () => {
    const before = productsSpec('DevProducts', ['P000052']);
    const policy = productsSpec('DevProducts', ['P000052'], { removalPolicy: 'DESTROY' });
    const ci = limitSpec('Ci', [30, 20]);
    const ciConn = limitSpec('Ci', [30, 20], { org: { ...API, deadlineMs: 60000 } });
    const { lines } = planOf(
      [
        ...td(before, policy, { identity: ['update'], config: ['update'] }),
        ...td(ci, ciConn, { identity: ['update'], config: ['update'] }),
      ],
      [construct(policy), construct(ciConn)],
      [],
      [inSync(policy, { productIds: ['P000052'] }), inSync(ciConn, { defaultPercentage: 30 })],
    );
    expect(lines).toEqual([
      'Ci principal-rate-limit no change in Okta (connection updated)',
      'DevProducts product-assignment no change in Okta (removal policy RETAIN -> DESTROY)',
      'plan: 0 constructs change in Okta, 0 drifted not repaired, 2 unchanged',
    ]);
  });

  it('reports drift this deploy does not repair, and repairs what drift --repair marked', () => {
    const dev = orgSpec('Dev', { org: { orgId: '00oDemoAcmeDev000001' } });
    const ci = limitSpec('Ci', [30, 20]);
    const prod = orgSpec('Prod');
    const stage = orgSpec('Stage', { org: { orgId: STAGE } });
    const ops = limitSpec('Ops', [70, 60], { principalId: '00TDemoOpsToken00001' });
    const drift: DriftEntry[] = [
      {
        ...inSync(dev, { status: 'INACTIVE' }),
        status: 'drifted',
        fields: [{ field: 'status', desired: 'ACTIVE', live: 'INACTIVE' }],
        desired: { status: 'ACTIVE' },
      },
      {
        ...inSync(ops, { defaultPercentage: 50, defaultConcurrencyPercentage: 60 }),
        status: 'drifted',
        fields: [{ field: 'defaultPercentage', desired: 70, live: 50 }],
        desired: { defaultPercentage: 70, defaultConcurrencyPercentage: 60 },
      },
      { ...inSync(ci, {}), status: 'missing', live: undefined },
      inSync(prod, { status: 'ACTIVE' }),
      {
        ...inSync(stage, { status: 'INACTIVE' }),
        status: 'drifted',
        fields: [{ field: 'status', desired: 'ACTIVE', live: 'INACTIVE' }],
        repairPending: true,
      },
    ];
    const { lines, plan } = planOf(
      [
        ...td(dev, dev),
        ...td(ci, ci),
        ...td(prod, prod),
        ...td(ops, ops),
        ...td(stage, stage, { config: replace, reason: 'replace_because_tainted' }),
      ],
      [construct(dev), construct(ci), construct(prod), construct(ops), construct(stage)],
      [[stage, { status: 'INACTIVE' }]],
      drift,
    );
    const repair = "run 'okta-aerial drift --repair' to repair it in this deploy";
    expect(lines).toEqual([
      `Ci principal-rate-limit drifted: missing in Okta (the principal has no rate limit); ${repair}`,
      `Dev aerial-org drifted: status ACTIVE -> INACTIVE in Okta; ${repair}`,
      `Ops principal-rate-limit drifted: 70%/60% -> 50%/60% in Okta; ${repair}`,
      'Prod aerial-org no change',
      'Stage aerial-org repair: status INACTIVE -> ACTIVE',
      'plan: 1 construct changes in Okta, 3 drifted not repaired, 1 unchanged',
    ]);
    expect(plan.constructs[1]).toMatchObject({
      action: 'drifted',
      drift: { status: 'drifted', fields: [{ field: 'status', live: 'INACTIVE' }] },
    });
    expect(hasChanges(plan)).toBe(true);
  });

  it('says "no change" when nothing changes, and hasChanges is false', () => {
    const prod = orgSpec('Prod');
    const { lines, plan } = planOf(
      td(prod, prod),
      [construct(prod)],
      [],
      [inSync(prod, { status: 'ACTIVE' })],
    );
    expect(lines).toEqual([
      'Prod aerial-org no change',
      'plan: 0 constructs change in Okta, 0 drifted not repaired, 1 unchanged',
    ]);
    expect(hasChanges(plan)).toBe(false);
  });

  it('lists the other resources of the plan, and counts them as changes', () => {
    const prod = orgSpec('Prod');
    const other: PlanResourceChange = {
      address: 'terraform_data.SyncApp',
      type: 'terraform_data',
      change: {
        actions: ['update'],
        before: { input: { clientId: 'a' } },
        after: { input: { clientId: 'b' } },
      },
    };
    const { lines, plan } = planOf([...td(prod, prod), other], [construct(prod)]);
    expect(lines).toContain('other resources: terraform_data.SyncApp (update)');
    expect(hasChanges(plan)).toBe(true);
  });
});

describe('okta-aerial plan, the null_resource rendering', () => {
  it('reads the planned key and state from the triggers', () => {
    const ci = limitSpec('Ci', [40, 20]);
    const c = construct(ci, 'null_resource');
    const trig = (s: PrincipalRateLimitSpec) => ({
      key: JSON.stringify(keyOf(s)),
      state: JSON.stringify(stateOf(s)),
    });
    const changes: PlanResourceChange[] = [
      {
        address: c.identityAddress!,
        type: 'null_resource',
        change: { actions: ['no-op'], before: { triggers: keyOf(ci) }, after: { triggers: keyOf(ci) } },
      },
      {
        address: c.configAddress,
        type: 'null_resource',
        change: {
          actions: ['delete', 'create'],
          before: { id: '1', triggers: trig(limitSpec('Ci', [30, 20])) },
          after: { triggers: trig(ci) },
          after_unknown: { id: true },
        },
      },
    ];
    const { lines } = planOf(
      changes,
      [c],
      [[ci, { defaultPercentage: 30, defaultConcurrencyPercentage: 20 }]],
    );
    expect(lines[0]).toBe('Ci principal-rate-limit 30%/20% -> 40%/20%');
  });
});

describe('displayNames', () => {
  it('uses the last path segment unless two constructs share it', () => {
    const names = displayNames(['s/Prod', 's/a/Ci', 's/b/Ci']);
    expect([...names.values()]).toEqual(['Prod', 's/a/Ci', 's/b/Ci']);
  });
});
