import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataResource, TerraformStack } from 'cdktf';
import { AerialOrg, ENV, PrincipalRateLimit, ProductAssignment } from '../../src';
import { cleanup, demoAccount, demoOktaOrg, newApp } from './helpers';

/** Secret values planted under every default env var name; each carries a marker to scan for. */
const PLANTED: Record<string, string> = {
  [ENV.aerialPrivateKey]: '-----BEGIN PRIVATE KEY-----\nPLANTED-aerial-key-1\n-----END PRIVATE KEY-----',
  [ENV.aerialKeyId]: 'PLANTED-aerial-kid-2',
  [ENV.orgApiToken]: 'PLANTED-ssws-token-3',
  [ENV.orgPrivateKey]: '{"kty":"EC","d":"PLANTED-org-jwk-4"}',
  [ENV.orgKeyId]: 'PLANTED-org-kid-5',
};
const saved: Record<string, string | undefined> = {};

beforeAll(() => {
  for (const [name, value] of Object.entries(PLANTED)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
});
afterAll(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  cleanup();
});

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .map((f) => path.join(dir, f))
    .filter((f) => fs.statSync(f).isFile());
}

describe('secrets', () => {
  it('never reach cdktf.out: only env var names are rendered, in both renderings', () => {
    const app = newApp();
    for (const rendering of ['terraform_data', 'null_resource'] as const) {
      const stack = new TerraformStack(app, `stack-${rendering.replace('_', '-')}`);
      const account = demoAccount(stack, { rendering });
      const org = new AerialOrg(stack, 'Prod', {
        account,
        orgId: '00oDemoAcmeProd00001',
        removalPolicy: 'DESTROY',
      });
      new ProductAssignment(stack, 'Products', { org, productIds: ['P000052'] });
      new PrincipalRateLimit(stack, 'Ssws', {
        org: demoOktaOrg(stack, { rendering }),
        principalId: '00TDemoCiToken000001',
        principalType: 'SSWS_TOKEN',
      });
      const oauthOrg = demoOktaOrg(
        stack,
        { rendering, oauth: { clientId: '0oaDemoOrgAdmin00001' } },
        'OAuthOrg',
      );
      const principal = new DataResource(stack, 'App', { input: { id: '0oaDemoSyncApp000001' } });
      new PrincipalRateLimit(stack, 'OAuth', {
        org: oauthOrg,
        principalId: principal.getStringAttribute('output.id'),
        principalType: 'OAUTH_CLIENT',
      });
    }
    app.synth();

    const files = filesUnder(app.outdir);
    expect(files.filter((f) => f.endsWith('cdk.tf.json'))).toHaveLength(2);
    const all = files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    expect(all).not.toContain('PLANTED');
    // The names are there, so the scan looked at the right files.
    for (const name of Object.keys(PLANTED)) expect(all).toContain(`"${name}"`);
  });
});
