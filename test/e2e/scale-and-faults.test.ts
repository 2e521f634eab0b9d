/**
 * Deploys of a large stack through the real terraform: the account's concurrency limit holds with a raised
 * -parallelism, one token serves the whole deploy, injected 429s/503s still end in exactly the desired
 * state, and a deploy killed halfway converges when run again.
 */
import * as fs from 'node:fs';
import type { RunningEmulator } from '../../src/emulator';
import { bigSeed, buildBigStack, differences, type BigStackShape } from './big-stack';
import { remoteOrgs, secretValues, startTestEmulator } from './fixtures';
import { E2eProject } from './harness';

const SHAPE: BigStackShape = { orgs: 24, apiOrgs: 4, principalsPerOrg: 15 }; // 112 constructs, 224 lifecycle resources

let emu: RunningEmulator;
let creds: Record<string, string>;
const projects: E2eProject[] = [];

/** What a kill left of a local state file: none, empty, cut off (not whole JSON) or whole. */
function stateLeft(stateFile: string): 'none' | 'empty' | 'cut off' | 'whole' {
  if (!fs.existsSync(stateFile)) return 'none';
  const raw = fs.readFileSync(stateFile, 'utf8');
  if (raw.trim() === '') return 'empty';
  try {
    JSON.parse(raw);
    return 'whole';
  } catch {
    return 'cut off';
  }
}

async function freshDeploy(name: string): Promise<E2eProject> {
  const project = new E2eProject(name);
  projects.push(project);
  project.synth(buildBigStack(SHAPE, creds));
  await project.init(creds);
  return project;
}

async function converged(bump = 0): Promise<string[]> {
  return differences(SHAPE, await remoteOrgs(emu), creds.OKTA_AERIAL_ACCOUNT_ID, bump);
}

beforeEach(async () => {
  emu = await startTestEmulator({
    quiet: true,
    seed: bigSeed(SHAPE),
    latencyMs: 40,
    jitterMs: 20,
    randomSeed: 7,
  });
  creds = emu.credentials();
});

afterEach(async () => {
  await emu?.stop();
});

afterAll(() => {
  for (const p of projects) p.cleanup();
});

describe('a deploy of hundreds of resources', () => {
  it('keeps at most 10 requests in flight per account with -parallelism=40 and fetches one token', async () => {
    const project = await freshDeploy('scale');
    const r = await project.apply(creds, ['-parallelism=40']);
    expect(r.code).toBe(0);
    expect(await converged()).toEqual([]);
    const stats = emu.stats();
    expect(stats.maxInFlight[`production/${creds.OKTA_AERIAL_ACCOUNT_ID}`]).toBeLessThanOrEqual(10);
    expect(stats.tokensIssued[creds.OKTA_AERIAL_CLIENT_ID]).toBe(1);
    for (const secret of secretValues(creds)) expect(r.output.includes(secret)).toBe(false);
  });

  it('ends in exactly the desired state under 20% injected 429s and 5% 503s', async () => {
    emu.setFaults({ randomSeed: 11, rules: [{ rate429: 0.2, rate5xx: 0.05, statuses5xx: [503] }] });
    const project = await freshDeploy('faults');
    const r = await project.apply(creds, ['-parallelism=20']);
    if (r.code !== 0)
      throw new Error(
        r.output
          .split('\n')
          .filter((l) => /okta-aerial|Error/.test(l))
          .join('\n'),
      );
    expect(await converged()).toEqual([]);
    const stats = emu.stats();
    expect(stats.throttled).toBeGreaterThan(20); // the faults really happened
    expect(stats.maxInFlight[`production/${creds.OKTA_AERIAL_ACCOUNT_ID}`]).toBeLessThanOrEqual(10);
  });

  // Killed early (many hooks just starting) and later (hooks mid-call), then re-run the way a pipeline does:
  // a fresh checkout that keeps only the Terraform state, synth, `okta-aerial drift --repair`, deploy.
  // The last case makes sure of what a kill only sometimes does: it lands while Terraform rewrites the state
  // file of the stack's first deploy, which leaves it cut off with no backup beside it.
  it.each([
    [3, ''],
    [12, ''],
    [45, ''],
    [12, ', its state file then cut off with no backup'],
  ])(
    'converges when a deploy is killed after %i hook lines%s, and re-run from a fresh checkout',
    async (lines, cutOff) => {
      const project = await freshDeploy(`killed-${lines}${cutOff ? '-cut' : ''}`);
      let hooks = 0;
      const first = await project.apply(creds, ['-parallelism=6'], {
        killAfterLine: {
          test: (out: string) => (hooks = (out.match(/okta-aerial: /g) ?? []).length) >= lines,
        } as RegExp,
      });
      expect(first.signal ?? first.code).not.toBe(0);
      expect(hooks).toBeGreaterThanOrEqual(lines);
      expect((await converged()).length).toBeGreaterThan(0); // really stopped halfway
      if (cutOff) {
        const whole = fs.readFileSync(project.stateFile, 'utf8');
        fs.writeFileSync(project.stateFile, whole.slice(0, Math.floor(whole.length / 2)));
        fs.rmSync(`${project.stateFile}.backup`, { force: true });
      }
      project.freshCheckout(buildBigStack(SHAPE, creds));
      // Whatever the kill left in the state (Terraform persists it only now and then), the recipe repairs it:
      // a construct recorded as created whose hook was cut off reads as drifted or missing, and is marked.
      let repair = await project.cli(['drift', '--repair'], creds);
      if (repair.code !== 0 && /copy it over the state file|move the state file aside/.test(repair.output)) {
        // The kill landed while Terraform rewrote its local state file (emptied or cut off): the CLI names the
        // file and the fix, and following it converges. With Terraform's backup of the state before this
        // deploy, that is copying the backup over it; without one (this was the stack's first deploy, the
        // backup is written before the first rewrite of an existing state), moving the file aside.
        expect(['empty', 'cut off']).toContain(stateLeft(project.stateFile));
        expect(repair.output).toContain(`the Terraform state ${project.stateFile} is`);
        if (cutOff) expect(repair.output).toContain('move the state file aside');
        if (/copy it over the state file/.test(repair.output))
          fs.copyFileSync(`${project.stateFile}.backup`, project.stateFile);
        else fs.renameSync(project.stateFile, `${project.stateFile}.cut-off`);
        repair = await project.cli(['drift', '--repair'], creds);
      }
      expect(repair.output).toMatch(/^repair: /m);
      expect(repair.code).toBe(0);
      emu.reset();
      await project.init(creds); // as 'cdktf deploy' does in the fresh checkout
      const second = await project.apply(creds, ['-parallelism=20']);
      if (second.code !== 0) throw new Error(second.output.slice(-4000));
      expect(await converged()).toEqual([]);
      expect(emu.log().filter((e) => e.method !== 'GET' && e.route !== 'oauth.token').length).toBeGreaterThan(
        0,
      );
      // Repaired, and the plan is stable after: no change, no request.
      const check = await project.cli(['drift'], creds);
      expect(check.output).toMatch(
        /^drift: (\d+) constructs: \1 in sync, 0 drifted, 0 missing in Okta, 0 not deployed yet$/m,
      );
      expect(check.code).toBe(0);
      emu.reset();
      const third = await project.apply(creds, ['-parallelism=20']);
      expect(third.output).toContain('No changes.');
      expect(emu.stats().totalRequests).toBe(0);
    },
  );
});
