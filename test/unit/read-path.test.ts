/** The pure parts of the read path: templates in Terraform JSON, the deployed spec, desired vs live. */
import { isTemplate, unescapeLiteral } from '../../src/cli/synthesized-stack';
import { resolveDeployed } from '../../src/cli/drift';
import type { StackConstruct } from '../../src/cli/synthesized-stack';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Terraform, rawStateResources, type StateResource } from '../../src/cli/terraform';
import { desiredState, diffState } from '../../src/handlers/read';
import type { PrincipalRateLimitSpec } from '../../src/contract';

describe('Terraform templates in synthesized strings', () => {
  it.each([
    ['${terraform_data.app.output.id}', true],
    ['00T${var.suffix}', true],
    ['%{ if true }x%{ endif }', true],
    ['$${literal}', false],
    ['%%{literal}', false],
    ['$$${ref.x}', false], // a `$` and then the escape `$${`: all literal, as HCL reads it
    ['price $5 {not a template}', false],
    ['plain', false],
  ])('isTemplate(%j) is %s', (s, expected) => {
    expect(isTemplate(s)).toBe(expected);
  });

  it('unescapes literal strings the way Terraform reads them', () => {
    expect(unescapeLiteral('a$${b}c%%{d}')).toBe('a${b}c%{d}');
    expect(unescapeLiteral('no escapes')).toBe('no escapes');
  });
});

const SPEC: PrincipalRateLimitSpec = {
  v: 1,
  kind: 'principal-rate-limit',
  path: 'okta/Sync',
  removalPolicy: 'RETAIN',
  org: {
    orgUrl: 'https://acme.okta.com',
    auth: { type: 'ssws', tokenEnv: 'OKTA_API_TOKEN' },
    maxConcurrency: 10,
    deadlineMs: 300000,
  },
  principalId: '${terraform_data.app.output.id}',
  principalType: 'OAUTH_CLIENT',
  defaultPercentage: 40,
  defaultConcurrencyPercentage: 30,
};

const CONSTRUCT: StackConstruct = {
  path: 'okta/Sync',
  kind: 'principal-rate-limit',
  spec: SPEC,
  templatePaths: ['principalId'],
  configAddress: 'terraform_data.Sync_Config_1',
};

function stateOf(values: Record<string, unknown>, tainted = false): Map<string, StateResource> {
  return new Map([[CONSTRUCT.configAddress, { address: CONSTRUCT.configAddress, values, tainted }]]);
}

const KEY = { 'org.orgUrl': 'https://acme.okta.com', principalId: '0oaSync' };
const STATE = { principalType: 'OAUTH_CLIENT', defaultPercentage: 40, defaultConcurrencyPercentage: 30 };

describe('resolveDeployed', () => {
  it('takes values from other resources from the state Terraform resolved (terraform_data input)', () => {
    const r = resolveDeployed(
      CONSTRUCT,
      stateOf(
        { input: { ...SPEC, principalId: '0oaSync' }, triggers_replace: { key: KEY, state: STATE } },
        true,
      ),
    );
    expect(r).toEqual({ deployed: true, tainted: true, spec: { ...SPEC, principalId: '0oaSync' } });
  });

  it('takes them from the triggers of a null_resource', () => {
    const r = resolveDeployed(
      CONSTRUCT,
      stateOf({ triggers: { key: JSON.stringify(KEY), state: JSON.stringify(STATE) } }),
    );
    expect(r).toMatchObject({ deployed: true, spec: { principalId: '0oaSync' } });
  });

  it('is not deployed when the config resource is not in the state', () => {
    expect(resolveDeployed(CONSTRUCT, new Map())).toEqual({
      deployed: false,
      reason: 'not in the Terraform state (the next deploy creates it)',
    });
  });

  it('is not deployed when the code changed since the deploy (that is the plan, not drift)', () => {
    const r = resolveDeployed(
      { ...CONSTRUCT, spec: { ...SPEC, defaultPercentage: 45 } },
      stateOf({ input: { ...SPEC, principalId: '0oaSync' }, triggers_replace: { key: KEY, state: STATE } }),
    );
    expect(r).toMatchObject({ deployed: false, reason: expect.stringContaining('the code changed') });
  });

  it('is not deployed when the state holds no value for a template', () => {
    const { principalId: _, ...input } = SPEC;
    const r = resolveDeployed(CONSTRUCT, stateOf({ input, triggers_replace: { key: KEY, state: STATE } }));
    expect(r).toMatchObject({
      deployed: false,
      reason: expect.stringContaining('principalId comes from another resource'),
    });
  });
});

describe('desired vs live', () => {
  it('compares product sets in order, and names each field that differs', () => {
    const desired = desiredState({ ...SPEC, defaultPercentage: 40 });
    expect(diffState(desired, { defaultPercentage: 40, defaultConcurrencyPercentage: 30 })).toEqual([]);
    expect(diffState(desired, { defaultPercentage: 77, defaultConcurrencyPercentage: 30 })).toEqual([
      { field: 'defaultPercentage', desired: 40, live: 77 },
    ]);
  });
});

describe('rawStateResources', () => {
  it('gives each instance by address, dynamic values unwrapped, taints marked', () => {
    const state = rawStateResources({
      version: 4,
      resources: [
        {
          mode: 'managed',
          type: 'terraform_data',
          name: 'Ci_Config_1',
          instances: [
            {
              status: 'tainted',
              attributes: {
                id: 'x',
                input: { value: { kind: 'principal-rate-limit' }, type: ['object', {}] },
              },
            },
          ],
        },
        {
          module: 'module.m',
          mode: 'managed',
          type: 'null_resource',
          name: 'n',
          instances: [{ index_key: 0, attributes: { triggers: { key: '{}' } } }],
        },
        { mode: 'data', type: 'okta_app', name: 'a', instances: [{ attributes: { id: '0oa1' } }] },
      ],
    });
    expect([...state.keys()]).toEqual([
      'terraform_data.Ci_Config_1',
      'module.m.null_resource.n[0]',
      'data.okta_app.a',
    ]);
    expect(state.get('terraform_data.Ci_Config_1')).toEqual({
      address: 'terraform_data.Ci_Config_1',
      values: { id: 'x', input: { kind: 'principal-rate-limit' } },
      tainted: true,
    });
    expect(state.get('module.m.null_resource.n[0]')?.values.triggers).toEqual({ key: '{}' });
  });

  it('reads a terraform_data spec string as the object it spells, and leaves other strings alone', () => {
    const spec = { kind: 'aerial-org', path: 'stack/Prod', v: 1 };
    const state = rawStateResources({
      version: 4,
      resources: [
        {
          mode: 'managed',
          type: 'terraform_data',
          name: 'Prod_Config_1',
          instances: [
            {
              attributes: {
                input: { value: JSON.stringify(spec), type: 'string' },
                output: { value: JSON.stringify(spec), type: 'string' },
                triggers_replace: { value: '{"a":1}', type: 'string' },
              },
            },
          ],
        },
        {
          mode: 'managed',
          type: 'terraform_data',
          name: 'Other',
          instances: [{ attributes: { input: { value: 'plain', type: 'string' } } }],
        },
      ],
    });
    const values = state.get('terraform_data.Prod_Config_1')?.values;
    expect(values?.input).toEqual(spec);
    expect(values?.output).toEqual(spec);
    expect(values?.triggers_replace).toBe('{"a":1}');
    expect(state.get('terraform_data.Other')?.values.input).toBe('plain');
  });

  it('refuses a state format it does not know, naming it', () => {
    expect(() => rawStateResources({ version: 3 })).toThrow(
      /format version 3; this version of okta-aerial reads version 4/,
    );
  });
});

describe('a local state file a killed deploy left behind', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-aerial-state-'));
  const file = path.join(dir, 'terraform.tfstate');
  const tf = new Terraform(dir);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  afterEach(() => fs.rmSync(`${file}.backup`, { force: true }));

  it('names a cut-off file and, when there is one, the backup to copy over it', async () => {
    fs.writeFileSync(file, '{"version": 4, "resources": [{"type": "terraform_da');
    await expect(tf.state(file)).rejects.toThrow(
      /is not valid JSON .*usually the stack's first: once no deploy runs, move the state file aside and run again/,
    );
    fs.writeFileSync(`${file}.backup`, '{"version": 4}');
    await expect(tf.state(file)).rejects.toThrow(
      `${file}.backup: once no deploy runs, copy it over the state file and run again`,
    );
  });

  it('refuses an empty file while the backup holds resources, as Terraform would create them again', async () => {
    fs.writeFileSync(file, '');
    await expect(tf.state(file)).resolves.toEqual(new Map()); // no backup: a first deploy that recorded nothing
    fs.writeFileSync(`${file}.backup`, '{"version": 4, "resources": []}');
    await expect(tf.state(file)).resolves.toEqual(new Map()); // a stack destroyed before
    fs.writeFileSync(
      `${file}.backup`,
      JSON.stringify({ version: 4, resources: [{ type: 'terraform_data', name: 'a', instances: [{}, {}] }] }),
    );
    await expect(tf.state(file)).rejects.toThrow(
      `the Terraform state ${file} is empty while ${file}.backup holds 2 resource instance(s)`,
    );
  });
});
