/**
 * What `okta-aerial drift`, `plan` and the repair step read from a synthesized app: every construct with its
 * spec, in both renderings, with literal strings as Terraform reads them and templates listed.
 */
import * as path from 'node:path';
import { App, DataResource, TerraformStack } from 'cdktf';
import { AerialOrg, PrincipalRateLimit, ProductAssignment } from '../../src';
import { loadSynthesizedStack } from '../../src/cli/synthesized-stack';
import { cleanup, demoAccount, demoOktaOrg, tempRoot } from './helpers';

afterAll(cleanup);

function synthApp(rendering: 'terraform_data' | 'null_resource', dir: string): string {
  const outdir = path.join(tempRoot(), dir);
  const app = new App({ outdir });
  const stack = new TerraformStack(app, 'okta');
  const account = demoAccount(stack, { rendering });
  const org = new AerialOrg(stack, 'Prod', { account, orgId: '00oDemoAcmeProd00001' });
  new ProductAssignment(stack, 'Products', { org, productIds: ['P000131', 'P000052'] });
  const syncApp = new DataResource(stack, 'SyncApp', { input: { id: '0oaDemoSyncApp000001' } });
  new PrincipalRateLimit(stack, 'Sync', {
    org: demoOktaOrg(stack, { rendering }),
    principalId: syncApp.getStringAttribute('output.id'),
    principalType: 'OAUTH_CLIENT',
  });
  // A construct path is free text: a literal `${` in it must come back as written, not as a template.
  new PrincipalRateLimit(stack, 'Lit${x}', {
    org: demoOktaOrg(stack, { rendering }, 'LiteralApi'),
    principalId: '00TDemoCiToken000001',
    principalType: 'SSWS_TOKEN',
  });
  app.synth();
  return outdir;
}

describe.each(['terraform_data', 'null_resource'] as const)('a synthesized %s stack', (rendering) => {
  const outdir = synthApp(rendering, `read-${rendering}`);
  const stack = loadSynthesizedStack(outdir);

  it('lists every construct with its config and identity addresses', () => {
    expect(stack.name).toBe('okta');
    expect(stack.dir).toBe(path.join(outdir, 'stacks', 'okta'));
    expect(stack.constructs.map((c) => [c.path, c.kind])).toEqual([
      ['okta/Lit${x}', 'principal-rate-limit'],
      ['okta/Prod', 'aerial-org'],
      ['okta/Products', 'product-assignment'],
      ['okta/Sync', 'principal-rate-limit'],
    ]);
    for (const c of stack.constructs) {
      const id = c.path.split('/')[1].replace(/\W/g, '');
      expect(c.configAddress).toMatch(new RegExp(`^${rendering}\\.${id}_Config_\\w+$`));
      expect(c.identityAddress).toMatch(new RegExp(`^${rendering}\\.${id}_Identity_\\w+$`));
    }
  });

  it('gives the spec as the construct rendered it, templates listed and literals unescaped', () => {
    const sync = stack.constructs.find((c) => c.path === 'okta/Sync')!;
    expect(sync.templatePaths).toEqual(['principalId']);
    expect(sync.spec).toMatchObject({
      principalId: '${terraform_data.SyncApp.output.id}',
      defaultPercentage: 50,
    });
    const literal = stack.constructs.find((c) => c.path.startsWith('okta/Lit'))!;
    expect(literal.templatePaths).toEqual([]);
    expect(literal.spec.path).toBe('okta/Lit${x}');
    const products = stack.constructs.find((c) => c.path === 'okta/Products')!;
    expect(products.spec).toMatchObject({ productIds: ['P000052', 'P000131'] });
  });
});
