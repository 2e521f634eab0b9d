import 'cdktf/lib/testing/adapters/jest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, TerraformStack } from 'cdktf';
import { AerialOrg, HOOK_COMMAND_CONTEXT_KEY, PrincipalRateLimit } from '../../src';
import { relativeHookCommand } from '../../src/constructs/lifecycle';
import {
  cleanup,
  demoAccount,
  demoOktaOrg,
  lifecycleOf,
  localExec,
  newApp,
  newStack,
  synth,
  tempRoot,
} from './helpers';

afterAll(cleanup);

const BIN = path.resolve(__dirname, '../../bin/okta-aerial.js');

/** The launcher path inside a `node '<path>' hook <action>` command. */
function launcherOf(command: string): string {
  const match =
    /^OKTA_AERIAL_NODE_EXTRA_CA_CERTS="\$NODE_EXTRA_CA_CERTS" NODE_EXTRA_CA_CERTS= node '([^']+)' hook (apply|destroy)$/.exec(
      command,
    );
  if (!match) throw new Error(`unexpected command ${command}`);
  return match[1];
}

describe('hook command', () => {
  it("addresses this package's launcher relative to the stack's synth folder", () => {
    const app = newApp();
    const stack = new TerraformStack(app, 'prod-stack');
    new AerialOrg(stack, 'Prod', { account: demoAccount(stack), orgId: '00oDemoAcmeProd00001' });
    const { identity, config } = lifecycleOf(synth(stack), 'Prod');
    const stackDir = path.join(app.outdir, 'stacks', 'prod-stack');
    const launcher = launcherOf(localExec(config).command);
    expect(path.isAbsolute(launcher)).toBe(false);
    expect(path.resolve(stackDir, launcher)).toBe(BIN);
    expect(fs.existsSync(path.resolve(stackDir, launcher))).toBe(true);
    expect(localExec(config).command).toBe(
      `OKTA_AERIAL_NODE_EXTRA_CA_CERTS="$NODE_EXTRA_CA_CERTS" NODE_EXTRA_CA_CERTS= node '${launcher}' hook apply`,
    );
    expect(localExec(identity).command).toBe(
      `OKTA_AERIAL_NODE_EXTRA_CA_CERTS="$NODE_EXTRA_CA_CERTS" NODE_EXTRA_CA_CERTS= node '${launcher}' hook destroy`,
    );
  });

  it('resolves a relative outdir against the working directory, as cdktf does', () => {
    const outdir = path.relative(process.cwd(), path.join(tempRoot(), 'relative-out'));
    const stack = new TerraformStack(new App({ outdir, skipValidation: true }), 'multi-org');
    new AerialOrg(stack, 'Prod', { account: demoAccount(stack), orgId: '00oDemoAcmeProd00001' });
    const launcher = launcherOf(localExec(lifecycleOf(synth(stack), 'Prod').config).command);
    expect(path.resolve(outdir, 'stacks', 'multi-org', launcher)).toBe(BIN);
  });

  it("takes the 'okta-aerial:hookCommand' context for installs where the CLI is on PATH", () => {
    const stack = newStack({ [HOOK_COMMAND_CONTEXT_KEY]: 'okta-aerial' });
    new AerialOrg(stack, 'Prod', { account: demoAccount(stack), orgId: '00oDemoAcmeProd00001' });
    const { identity, config } = lifecycleOf(synth(stack), 'Prod');
    expect(localExec(config).command).toBe('okta-aerial hook apply');
    expect(localExec(identity).command).toBe('okta-aerial hook destroy');
  });

  it('prefers the connection hookCommand over the context', () => {
    const stack = newStack({ [HOOK_COMMAND_CONTEXT_KEY]: 'okta-aerial' });
    new PrincipalRateLimit(stack, 'Ci', {
      org: demoOktaOrg(stack, { hookCommand: 'npx okta-aerial' }),
      principalId: '00TDemoCiToken000001',
      principalType: 'SSWS_TOKEN',
    });
    expect(localExec(lifecycleOf(synth(stack), 'Ci').config).command).toBe('npx okta-aerial hook apply');
  });

  it('refuses a launcher path with a quote or shell character', () => {
    const root = tempRoot();
    expect(() =>
      relativeHookCommand(path.join(root, 'a/stacks/s'), path.join(root, "it's/bin/okta-aerial.js"), 'apply'),
    ).toThrow(/contains a quote or shell character; .*'okta-aerial:hookCommand' context/);
    expect(() =>
      relativeHookCommand(path.join(root, 'a/stacks/s'), path.join(root, 'x$(id)/bin.js'), 'apply'),
    ).toThrow(/contains a quote or shell character/);
    expect(
      relativeHookCommand(
        '/repo/cdktf.out/stacks/s',
        '/repo/node_modules/cdktf-okta-aerial/bin/okta-aerial.js',
        'destroy',
      ),
    ).toBe(
      'OKTA_AERIAL_NODE_EXTRA_CA_CERTS="$NODE_EXTRA_CA_CERTS" NODE_EXTRA_CA_CERTS= node \'../../../node_modules/cdktf-okta-aerial/bin/okta-aerial.js\' hook destroy',
    );
  });
});
