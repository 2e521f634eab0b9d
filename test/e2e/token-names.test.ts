/**
 * `okta-aerial show` and `okta-aerial import` name each SSWS principal by its API token, read from the
 * org's API Tokens API as Okta's own tools do; a connection that may not read tokens shows ids alone.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { closeClients, openPrincipalRateLimitClient } from '../../src/client';
import type { RunningEmulator } from '../../src/emulator';
import { PRINCIPALS, startTestEmulator } from './fixtures';
import { REPO_ROOT, baseEnv, run } from './harness';

let emu: RunningEmulator;
let creds: Record<string, string>;
let dir: string;

beforeAll(async () => {
  emu = await startTestEmulator({ quiet: true });
  creds = emu.credentials();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-aerial-names-'));
  // A rate limit for the demo CI token (an API token of acme-prod named after its principal, "CI token").
  const prl = openPrincipalRateLimitClient(
    { orgUrl: creds.OKTA_ORG_URL_ACME_PROD, auth: { type: 'ssws', token: creds.OKTA_API_TOKEN_ACME_PROD } },
    { useAgent: false },
  );
  await prl.create({
    principalId: PRINCIPALS.ci,
    principalType: 'SSWS_TOKEN',
    defaultPercentage: 30,
    defaultConcurrencyPercentage: 20,
  });
  await closeClients();
});

afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await emu?.stop();
});

const cli = (args: string[]) =>
  run(process.execPath, [path.join(REPO_ROOT, 'bin/okta-aerial.js'), ...args], {
    cwd: dir,
    env: { ...baseEnv(), ...creds, OKTA_AERIAL_NO_AGENT: '1' },
  });

const flags = (): string[] => [
  '--account-id',
  creds.OKTA_AERIAL_ACCOUNT_ID,
  '--base-url',
  creds.OKTA_AERIAL_BASE_URL,
  '--token-url',
  creds.OKTA_AERIAL_TOKEN_URL,
  '--client-id',
  creds.OKTA_AERIAL_CLIENT_ID,
  '--org-url',
  creds.OKTA_ORG_URL_ACME_PROD,
  '--api-token-env',
  'OKTA_API_TOKEN_ACME_PROD',
];

describe('SSWS principals named by their API token', () => {
  it('show has a NAME column and --json a principalName', async () => {
    const r = await cli(['show', ...flags()]);
    expect(r.code).toBe(0);
    expect(r.output).toMatch(/TYPE\s+PRINCIPAL\s+NAME\s+RATE\s+CONCURRENCY/);
    expect(r.output).toMatch(new RegExp(`SSWS_TOKEN\\s+${PRINCIPALS.ci}\\s+CI token\\s+30%\\s+20%`));
    // The seed's other entity (the Ops token) is no API token of the org: it keeps its id alone.
    expect(r.output).toMatch(new RegExp(`SSWS_TOKEN\\s+${PRINCIPALS.ops}\\s+-\\s+50%\\s+50%`));
    const json = await cli(['show', ...flags(), '--json']);
    type Limits = Array<{ principalId: string; principalName?: string }>;
    const doc = JSON.parse(json.output) as {
      orgs: Array<{ rateLimits: Limits | null }>;
      otherOrgUrls: Array<{ rateLimits: Limits }>;
    };
    // acme-prod is not linked in the demo seed: its limits are under otherOrgUrls.
    const limits = [...doc.orgs, ...doc.otherOrgUrls].flatMap((o) => o.rateLimits ?? []);
    expect(limits.find((l) => l.principalId === PRINCIPALS.ci)?.principalName).toBe('CI token');
    expect(limits.find((l) => l.principalId === PRINCIPALS.ops)).not.toHaveProperty('principalName');
  });

  it('import writes the name beside the construct', async () => {
    const r = await cli(['import', ...flags(), '--out', 'main.ts']);
    expect(r.code).toBe(0);
    const code = fs.readFileSync(path.join(dir, 'main.ts'), 'utf8');
    expect(code).toMatch(
      new RegExp(`// API token "CI token"\\n\\s*new PrincipalRateLimit\\([^)]*${PRINCIPALS.ci}`),
    );
  });
});
