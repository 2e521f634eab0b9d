/**
 * A hook whose calls were retried says so in one line after its result, with what the retries were for
 * and how long they took; a hook that needed no retry prints no such line.
 */
import type { TerraformStack } from 'cdktf';
import { AerialOrg } from '../../src/constructs';
import { ORGS, fileEmulator, emulatorAccount } from './fixtures';
import { E2eProject } from './harness';

const file = fileEmulator();

function deployOf(name: string, orgId: string): E2eProject {
  const p = new E2eProject(name);
  file.projects.push(p);
  p.synth((stack: TerraformStack) => {
    const account = emulatorAccount(stack, file.creds);
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
    file.emu.setFaults({ randomSeed: 3, rules: [{ route: 'aerial.', rate5xx: 0.5, statuses5xx: [503] }] });
    const p = deployOf(`retried${Object.keys(extra).length}`, orgId);
    await p.init(file.creds);
    const r = await p.apply({ ...file.creds, ...extra });
    file.emu.setFaults({ rules: [] });
    if (r.code !== 0) throw new Error(r.output);
    expect(r.output).toMatch(
      /okta-aerial: aerial-org '[^']+\/Org': after \d+ retr(y|ies): \d+x5xx(, \d+x\S+)*, \d+\.\d s\n/,
    );
  });

  it('is absent when nothing was retried', async () => {
    file.emu.setFaults({ rules: [] });
    const p = deployOf('clean', ORGS.dev);
    await p.init(file.creds);
    const r = await p.apply(file.creds);
    expect(r.code).toBe(0);
    expect(r.output).toContain("okta-aerial: aerial-org 'clean/Org':");
    expect(r.output).not.toMatch(/after \d+ retr/);
  });
});
