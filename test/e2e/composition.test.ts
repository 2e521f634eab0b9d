/**
 * Composition: a PrincipalRateLimit whose principalId comes from another resource of the stack (here the
 * examples/composition stand-in for an okta_app_oauth). Terraform resolves the reference at apply, the hook
 * validates the resolved value, and the org's API is reached with OAuth (private_key_jwt) instead of SSWS.
 */
import type { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { RunningEmulator } from '../../src/emulator';
import { limitOf, remoteOrgs, secretValues, startTestEmulator } from './fixtures';
import { E2eProject } from './harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildCompositionStack } = require('../../examples/composition/stack') as {
  buildCompositionStack(
    app: Construct,
    id: string,
    options: { env?: Record<string, string>; syncAppClientId?: string },
  ): TerraformStack;
};

let emu: RunningEmulator;
let creds: Record<string, string>;
let project: E2eProject;

beforeAll(async () => {
  emu = await startTestEmulator({ quiet: true });
  creds = emu.credentials();
  project = new E2eProject('composition');
});

afterAll(async () => {
  await emu?.stop();
  project?.cleanup();
});

describe('examples/composition', () => {
  it("applies a rate limit to the principal another resource's output names", async () => {
    project.synthExample((app, id) => buildCompositionStack(app, id, { env: creds }));
    await project.init(creds);
    const r = await project.apply(creds);
    if (r.code !== 0) throw new Error(r.output.slice(-3000));
    expect(limitOf((await remoteOrgs(emu))['00oDemoAcmeProd00001'], '0oaDemoSyncApp000001')).toEqual([
      25, 25,
    ]);
    // OAuth with the org's own service app: one token for the org client, none of it in the output.
    expect(emu.stats().tokensIssued[creds.OKTA_ORG_CLIENT_ID]).toBe(1);
    for (const secret of secretValues(creds)) expect(r.output.includes(secret)).toBe(false);
  });

  it('moves the limit when the other resource yields a different principal', async () => {
    project.synthExample((app, id) =>
      buildCompositionStack(app, id, { env: creds, syncAppClientId: '0oaDemoScimApp000001' }),
    );
    const r = await project.apply(creds);
    if (r.code !== 0) throw new Error(r.output.slice(-3000));
    expect(limitOf((await remoteOrgs(emu))['00oDemoAcmeProd00001'], '0oaDemoScimApp000001')).toEqual([
      25, 25,
    ]);
  });

  it('refuses a resolved principal id that is not valid, naming it, at deploy time', async () => {
    project.synthExample((app, id) =>
      buildCompositionStack(app, id, { env: creds, syncAppClientId: 'not an id!' }),
    );
    const r = await project.apply(creds);
    expect(r.code).not.toBe(0);
    expect(r.output.replace(/\s+/g, ' ')).toMatch(/principalId .*not an id!/);
  });
});
