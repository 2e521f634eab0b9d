/**
 * Two pipelines deploying the same rate limit at the same moment (two machines, two agents, one org): both
 * read "no entity", both create; Okta refuses the second create, whose handler then adopts the entity the
 * other created instead of failing the deploy. Nothing is duplicated.
 */
import { closeClients, openPrincipalRateLimitClient } from '../../src/client';
import type { OrgConnectionSpec, PrincipalRateLimitSpec } from '../../src/contract';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { applyPrincipalRateLimit, resolveOrgConnection, type HandlerContext } from '../../src/handlers';

let emu: RunningEmulator;
let creds: Record<string, string>;

beforeAll(async () => {
  // Latency keeps both reads in flight together, so both handlers see no entity and both create.
  emu = await startEmulator({ quiet: true, latencyMs: 300 });
  creds = emu.credentials();
});

afterAll(async () => {
  await closeClients();
  await emu.stop();
});

/** A pipeline of its own: its own client (as on its own machine) and its own log. */
function pipeline(lines: string[]): HandlerContext {
  const env = { ...process.env, ...creds };
  return {
    aerial: () => {
      throw new Error('not used');
    },
    principalRateLimits: (conn) =>
      openPrincipalRateLimitClient(resolveOrgConnection(conn, env), { useAgent: false }),
    log: (line) => lines.push(line),
  };
}

function spec(defaultPercentage: number): PrincipalRateLimitSpec {
  const org: OrgConnectionSpec = {
    orgUrl: creds.OKTA_ORG_URL_ACME_DEV,
    auth: { type: 'ssws', tokenEnv: 'OKTA_API_TOKEN_ACME_DEV' },
    maxConcurrency: 10,
    deadlineMs: 30000,
  };
  return {
    v: 1,
    kind: 'principal-rate-limit',
    path: 'test/Ci',
    removalPolicy: 'RETAIN',
    org,
    principalId: '00TDemoCiToken000001',
    principalType: 'SSWS_TOKEN',
    defaultPercentage,
    defaultConcurrencyPercentage: 20,
  };
}

it('the second create adopts the entity the first created, and sets its own values on it', async () => {
  const a: string[] = [];
  const b: string[] = [];
  await Promise.all([
    applyPrincipalRateLimit(spec(30), pipeline(a)),
    applyPrincipalRateLimit(spec(40), pipeline(b)),
  ]);
  const lines = [...a, ...b];
  expect(lines.filter((l) => / created as /.test(l))).toHaveLength(1);
  expect(
    lines.filter((l) => /was created meanwhile by another deploy as \S+; adopting it/.test(l)),
  ).toHaveLength(1);
  const state = (await (await fetch(`${emu.url}/__admin/state`)).json()) as {
    orgs: Array<{ id: string; rateLimits: Array<{ principalId: string; defaultPercentage: number }> }>;
  };
  const limits = state.orgs
    .find((o) => o.id === '00oDemoAcmeDev000001')!
    .rateLimits.filter((r) => r.principalId === '00TDemoCiToken000001');
  expect(limits).toHaveLength(1); // never two entities for one principal
  // The adopter wrote last: its percentages stand (the next deploy of the other converges on its own).
  const adopter = a.some((l) => l.includes('adopting')) ? 30 : 40;
  expect(limits[0].defaultPercentage).toBe(adopter);
});
