/**
 * A hook whose calls were retried says so in one line after its result, with what the retries were for
 * and how long they took; a hook that needed no retry prints no such line.
 */
import type { TerraformStack } from 'cdktf';
import { AerialOrg } from '../../src/constructs';
import type { RunningEmulator } from '../../src/emulator';
import { ORGS, startTestEmulator, emulatorAccount } from './fixtures';
import { E2eProject } from './harness';

let emu: RunningEmulator;
let creds: Record<string, string>;
const projects: E2eProject[] = [];

beforeAll(async () => {
  emu = await startTestEmulator({ quiet: true });
  creds = emu.credentials();
});

afterAll(async () => {
  for (const p of projects) p.cleanup();
  await emu?.stop();
});

function deployOf(name: string, orgId: string): E2eProject {
  const p = new E2eProject(name);
  projects.push(p);
  p.synth((stack: TerraformStack) => {
    const account = emulatorAccount(stack, creds);
    new AerialOrg(stack, 'Org', { account, orgId, status: 'INACTIVE' });
  });
  return p;
}

describe('the retry summary line', () => {
  it.each([
    ['through the deploy agent', ORGS.stage, {}],
    ['in the hook process', ORGS.eu, { OKTA_AERIAL_NO_AGENT: '1' }],
  ])('follows the result of a hook whose calls were retried (%s)', async (_how, orgId, extra) => {
    // Half the Aerial calls answer 503, in a sequence fixed by the seed (the same for both cases, which make
    // the same calls, each on an org of its own).
    emu.setFaults({ randomSeed: 3, rules: [{ route: 'aerial.', rate5xx: 0.5, statuses5xx: [503] }] });
    const p = deployOf(`retried${Object.keys(extra).length}`, orgId);
    await p.init(creds);
    const r = await p.apply({ ...creds, ...extra });
    emu.setFaults({ rules: [] });
    if (r.code !== 0) throw new Error(r.output);
    expect(r.output).toMatch(
      /okta-aerial: aerial-org '[^']+\/Org': after \d+ retr(y|ies): \d+x5xx(, \d+x\S+)*, \d+\.\d s\n/,
    );
  });

  it('is absent when nothing was retried', async () => {
    emu.setFaults({ rules: [] });
    const p = deployOf('clean', ORGS.dev);
    await p.init(creds);
    const r = await p.apply(creds);
    expect(r.code).toBe(0);
    expect(r.output).toContain("okta-aerial: aerial-org 'clean/Org':");
    expect(r.output).not.toMatch(/after \d+ retr/);
  });
});
