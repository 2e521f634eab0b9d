import 'cdktf/lib/testing/adapters/jest';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TerraformStack } from 'cdktf';
import type * as CompositionModule from '../../examples/composition/stack';
import type * as MultiOrgModule from '../../examples/multi-org/stack';
import { ensureBuilt } from './build';
import { cleanup, lifecycleOf, localExec, newApp, resourcesOf, synth, tempRoot } from './helpers';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/okta-aerial.js');

/** What the emulator's `credentials` command would export (values are URLs and ids, no secrets). */
const ENV = {
  OKTA_AERIAL_ACCOUNT_ID: '0227demoaerialaccount000001',
  OKTA_AERIAL_BASE_URL: 'http://127.0.0.1:8787/aerial/production',
  OKTA_AERIAL_TOKEN_URL: 'http://127.0.0.1:8787/orgs/acme-aerial/oauth2/v1/token',
  OKTA_AERIAL_CLIENT_ID: '0oaDemoAerialClient01',
  OKTA_ORG_URL_ACME_PROD: 'http://127.0.0.1:8787/orgs/acme-prod',
  OKTA_ORG_URL_ACME_DEV: 'http://127.0.0.1:8787/orgs/acme-dev',
  OKTA_ORG_CLIENT_ID: '0oaDemoOrgAdmin00001',
};

let multiOrg: typeof MultiOrgModule;
let composition: typeof CompositionModule;

beforeAll(async () => {
  // Loaded after the build: the examples run on lib/, as `cdktf synth` runs them.
  ensureBuilt();
  multiOrg = await import('../../examples/multi-org/stack');
  composition = await import('../../examples/composition/stack');
});
afterAll(cleanup);

function buildMultiOrg(options: MultiOrgModule.MultiOrgOptions = {}): TerraformStack {
  return multiOrg.buildMultiOrgStack(newApp(), 'multi-org', { env: ENV, ...options });
}

describe('examples/multi-org', () => {
  it('declares four orgs with their statuses and refs, by id and by domain + cell', () => {
    const synthesized = synth(buildMultiOrg());
    const inputs = (id: string): Record<string, unknown> => lifecycleOf(synthesized, id).config.input;
    expect(inputs('AcmeProd')).toMatchObject({ org: { orgId: '00oDemoAcmeProd00001' }, status: 'ACTIVE' });
    expect(inputs('AcmeDev')).toMatchObject({ org: { orgId: '00oDemoAcmeDev000001' }, status: 'ACTIVE' });
    expect(inputs('AcmeEu')).toMatchObject({
      org: { domain: 'acme-eu.okta.com', cell: 'eu1' },
      status: 'ACTIVE',
    });
    expect(inputs('AcmeStage')).toMatchObject({ org: { orgId: '00oDemoAcmeStage0001' }, status: 'INACTIVE' });
    expect(inputs('AcmeProd')).toMatchObject({
      removalPolicy: 'RETAIN',
      account: {
        accountId: ENV.OKTA_AERIAL_ACCOUNT_ID,
        baseUrl: ENV.OKTA_AERIAL_BASE_URL,
        tokenUrl: ENV.OKTA_AERIAL_TOKEN_URL,
        clientId: ENV.OKTA_AERIAL_CLIENT_ID,
        privateKeyEnv: 'OKTA_AERIAL_PRIVATE_KEY',
        keyIdEnv: 'OKTA_AERIAL_KEY_ID',
        environment: 'production',
      },
    });
  });

  it('assigns a different product set to each org', () => {
    const synthesized = synth(buildMultiOrg());
    const products = (id: string): unknown =>
      lifecycleOf(synthesized, `${id}Products`).config.input.productIds;
    expect(products('AcmeProd')).toEqual(['P000052', 'P000131', 'P000139']);
    expect(products('AcmeDev')).toEqual(['P000052', 'P000131']);
    expect(products('AcmeEu')).toEqual(['P000052']);
    expect(products('AcmeStage')).toEqual([]);
  });

  it('sets principal rate limits in two orgs through SSWS token env var names', () => {
    const synthesized = synth(buildMultiOrg());
    const limit = (id: string): Record<string, unknown> => lifecycleOf(synthesized, id).config.input;
    expect(limit('AcmeProdCiToken')).toMatchObject({
      org: {
        orgUrl: ENV.OKTA_ORG_URL_ACME_PROD,
        auth: { type: 'ssws', tokenEnv: 'OKTA_API_TOKEN_ACME_PROD' },
      },
      principalId: '00TDemoCiToken000001',
      principalType: 'SSWS_TOKEN',
      defaultPercentage: 30,
      defaultConcurrencyPercentage: 20,
    });
    expect(limit('AcmeProdSyncApp')).toMatchObject({
      principalId: '0oaDemoSyncApp000001',
      principalType: 'OAUTH_CLIENT',
    });
    expect(limit('AcmeProdOpsToken')).toMatchObject({
      principalId: '00TDemoOpsToken00001',
      defaultPercentage: 60,
    });
    expect(limit('AcmeDevCiToken')).toMatchObject({
      org: { orgUrl: ENV.OKTA_ORG_URL_ACME_DEV, auth: { type: 'ssws', tokenEnv: 'OKTA_API_TOKEN_ACME_DEV' } },
      principalId: '00TDemoCiToken000001',
    });
    // 4 orgs, 4 assignments and 4 limits, two lifecycle resources (identity, config) each.
    expect(Object.keys(resourcesOf(synthesized, 'terraform_data'))).toHaveLength(24);
  });

  it('takes knobs for end-to-end variants: policy, products, statuses, limits, keys, omissions, rendering', () => {
    const synthesized = synth(
      buildMultiOrg({
        removalPolicy: 'DESTROY',
        products: { AcmeDev: ['P001113'] },
        statuses: { AcmeProd: 'INACTIVE' },
        rateLimits: { AcmeProdCiToken: { defaultPercentage: 10 } },
        orgs: { AcmeEu: { orgId: '00oDemoAcmeEu0000001' } },
        omit: ['AcmeStage', 'AcmeProdOpsToken', 'AcmeDevProducts'],
      }),
    );
    expect(lifecycleOf(synthesized, 'AcmeProd').identity.input.removalPolicy).toBe('DESTROY');
    expect(lifecycleOf(synthesized, 'AcmeProd').config.input.status).toBe('INACTIVE');
    expect(lifecycleOf(synthesized, 'AcmeEu').identity.triggers_replace['org.orgId']).toBe(
      '00oDemoAcmeEu0000001',
    );
    expect(lifecycleOf(synthesized, 'AcmeProdCiToken').config.input.defaultPercentage).toBe(10);
    expect(lifecycleOf(synthesized, 'AcmeProdCiToken').identity.input.removalPolicy).toBe('DESTROY');
    const ids = Object.keys(resourcesOf(synthesized, 'terraform_data')).join(' ');
    expect(ids).not.toMatch(/AcmeStage|AcmeProdOpsToken|AcmeDevProducts/);
    expect(Object.keys(resourcesOf(synthesized, 'terraform_data'))).toHaveLength(24 - 4 - 2 - 2);

    const nullStack = synth(buildMultiOrg({ rendering: 'null_resource', hookCommand: 'okta-aerial' }));
    expect(Object.keys(resourcesOf(nullStack, 'null_resource'))).toHaveLength(24);
    expect(localExec(lifecycleOf(nullStack, 'AcmeProd', 'null_resource').config).command).toBe(
      'okta-aerial hook apply',
    );
  });

  it('fails with one clear error listing every missing environment variable', () => {
    const { OKTA_AERIAL_TOKEN_URL: _t, OKTA_ORG_URL_ACME_DEV: _d, ...partial } = ENV;
    expect(() => multiOrg.buildMultiOrgStack(newApp(), 'multi-org', { env: partial })).toThrow(
      'the multi-org example needs the environment variables OKTA_AERIAL_TOKEN_URL, OKTA_ORG_URL_ACME_DEV; ' +
        'against the local emulator run eval "$(npx okta-aerial emulator credentials)"',
    );
  });

  it('reads its knobs from OKTA_AERIAL_EXAMPLE_OPTIONS', () => {
    expect(multiOrg.optionsFromEnv({})).toEqual({});
    expect(multiOrg.optionsFromEnv({ OKTA_AERIAL_EXAMPLE_OPTIONS: '{"removalPolicy":"DESTROY"}' })).toEqual({
      removalPolicy: 'DESTROY',
    });
    expect(() => multiOrg.optionsFromEnv({ OKTA_AERIAL_EXAMPLE_OPTIONS: '[1]' })).toThrow(
      /^OKTA_AERIAL_EXAMPLE_OPTIONS is not a JSON object \(not an object\)/,
    );
  });

  describe('WHEN run as the cdktf app (node examples/multi-org/main.js)', () => {
    const planted = {
      OKTA_AERIAL_PRIVATE_KEY:
        '-----BEGIN PRIVATE KEY-----\nPLANTED-aerial-private-key-7f3a\n-----END PRIVATE KEY-----',
      OKTA_AERIAL_KEY_ID: 'PLANTED-aerial-kid-91c2',
      OKTA_API_TOKEN_ACME_PROD: 'PLANTED-ssws-prod-00a1b2c3',
      OKTA_API_TOKEN_ACME_DEV: 'PLANTED-ssws-dev-44d5e6f7',
    };
    let outdir: string;
    let result: ReturnType<typeof spawnSync>;

    beforeAll(() => {
      outdir = path.join(tempRoot(), 'main-out');
      result = spawnSync(process.execPath, [path.join(ROOT, 'examples/multi-org/main.js')], {
        cwd: tempRoot(),
        env: { ...process.env, ...ENV, ...planted, CDKTF_OUTDIR: outdir },
        encoding: 'utf8',
      });
    });

    it("synthesizes the 'multi-org' stack", () => {
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(fs.existsSync(path.join(outdir, 'stacks/multi-org/cdk.tf.json'))).toBe(true);
    });

    it('points every hook at the launcher relative to the stack folder', () => {
      const stackDir = path.join(outdir, 'stacks/multi-org');
      const commands = [
        ...new Set(
          [
            ...fs
              .readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')
              .matchAll(/"command": ("(?:[^"\\]|\\.)*")/g),
          ].map((m) => JSON.parse(m[1]) as string),
        ),
      ]
        .filter((c) => c.includes(' hook '))
        .sort();
      expect(commands).toHaveLength(2);
      const launcher =
        /^OKTA_AERIAL_NODE_EXTRA_CA_CERTS="\$NODE_EXTRA_CA_CERTS" NODE_EXTRA_CA_CERTS= node '([^']+)' hook apply$/.exec(
          commands[0],
        )?.[1] as string;
      expect(path.resolve(stackDir, launcher)).toBe(BIN);
      expect(commands[1]).toBe(
        `OKTA_AERIAL_NODE_EXTRA_CA_CERTS="$NODE_EXTRA_CA_CERTS" NODE_EXTRA_CA_CERTS= node '${launcher}' hook destroy`,
      );
    });

    it('writes no secret from the environment anywhere in cdktf.out', () => {
      const files = (fs.readdirSync(outdir, { recursive: true }) as string[]).filter((f) =>
        fs.statSync(path.join(outdir, f)).isFile(),
      );
      expect(files.length).toBeGreaterThan(1);
      for (const file of files) {
        const text = fs.readFileSync(path.join(outdir, file), 'utf8');
        // Every planted value carries the marker, so one check covers escaped and partial copies too.
        expect(text).not.toContain('PLANTED');
      }
    });

    it('prints one clear line and exits 1 when an environment variable is missing', () => {
      const failed = spawnSync(process.execPath, [path.join(ROOT, 'examples/multi-org/main.js')], {
        cwd: tempRoot(),
        env: {
          ...process.env,
          ...ENV,
          OKTA_AERIAL_CLIENT_ID: '',
          CDKTF_OUTDIR: path.join(tempRoot(), 'failed-out'),
        },
        encoding: 'utf8',
      });
      expect(failed.status).toBe(1);
      expect(failed.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(
          /^the multi-org example needs the environment variables OKTA_AERIAL_CLIENT_ID; /,
        ),
      ]);
    });
  });

  it('synthesizes to a configuration terraform validates', () => {
    const terraform = spawnSync('terraform', ['version'], { encoding: 'utf8' });
    expect(terraform.status).toBe(0); // Terraform is on PATH on these machines (design.md).
    const app = newApp();
    multiOrg.buildMultiOrgStack(app, 'multi-org', { env: ENV });
    app.synth();
    const stackDir = path.join(app.outdir, 'stacks/multi-org');
    const env = {
      ...process.env,
      CHECKPOINT_DISABLE: '1',
      TF_CLI_CONFIG_FILE: path.join(ROOT, 'terraform.rc'),
      TF_IN_AUTOMATION: '1',
    };
    execFileSync('terraform', ['init', '-input=false', '-backend=false'], {
      cwd: stackDir,
      env,
      stdio: 'pipe',
    });
    const validated = execFileSync('terraform', ['validate', '-json'], {
      cwd: stackDir,
      env,
      encoding: 'utf8',
    });
    expect(JSON.parse(validated)).toMatchObject({ valid: true, error_count: 0 });
  });
});

describe('examples/composition', () => {
  it("feeds another resource's output to a PrincipalRateLimit as a Terraform reference", () => {
    const stack = composition.buildCompositionStack(newApp(), 'composition', { env: ENV });
    const synthesized = synth(stack);
    const { identity, config } = lifecycleOf(synthesized, 'SyncAppLimit');
    expect(identity.triggers_replace.principalId).toBe('${terraform_data.SyncApp.output.clientId}');
    expect(config.input).toMatchObject({
      principalId: '${terraform_data.SyncApp.output.clientId}',
      principalType: 'OAUTH_CLIENT',
      defaultPercentage: 25,
      org: {
        orgUrl: ENV.OKTA_ORG_URL_ACME_PROD,
        auth: {
          type: 'oauth',
          clientId: ENV.OKTA_ORG_CLIENT_ID,
          tokenUrl: `${ENV.OKTA_ORG_URL_ACME_PROD}/oauth2/v1/token`,
          privateKeyEnv: 'OKTA_ORG_PRIVATE_KEY',
          keyIdEnv: 'OKTA_ORG_KEY_ID',
        },
      },
    });
    expect(resourcesOf(synthesized, 'terraform_data').SyncApp.input).toEqual({
      clientId: '0oaDemoSyncApp000001',
    });
  });

  it('fails with one clear error when an environment variable is missing', () => {
    expect(() => composition.buildCompositionStack(newApp(), 'composition', { env: {} })).toThrow(
      /^the composition example needs the environment variables OKTA_ORG_URL_ACME_PROD, OKTA_ORG_CLIENT_ID; /,
    );
  });
});
