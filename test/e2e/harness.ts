/**
 * End-to-end harness: synthesizes a stack in-process with the real constructs, then drives the real
 * `terraform` binary on it, with the hooks talking to an emulator over loopback.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, LocalBackend, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';

export const REPO_ROOT = path.resolve(__dirname, '../..');

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
}

/** A throwaway project folder: one synth outdir, one Terraform working dir, one agent dir. */
export class E2eProject {
  readonly dir: string;
  readonly outdir: string;
  readonly agentDir: string;
  readonly stackName: string;

  constructor(stackName = 'e2e') {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-aerial-e2e-'));
    this.outdir = path.join(this.dir, 'cdktf.out');
    this.agentDir = path.join(this.dir, 'agent');
    fs.mkdirSync(this.agentDir, { mode: 0o700 });
    this.stackName = stackName;
  }

  get stackDir(): string {
    return path.join(this.outdir, 'stacks', this.stackName);
  }

  get stateFile(): string {
    return path.join(this.dir, 'terraform.tfstate');
  }

  /** Synthesizes a stack built by `build` into this project's outdir. */
  synth(build: (stack: TerraformStack) => void, context: Record<string, unknown> = {}): void {
    const app = new App({ outdir: this.outdir, skipValidation: false, context });
    const stack = new TerraformStack(app as unknown as Construct, this.stackName);
    new LocalBackend(stack, { path: this.stateFile });
    build(stack);
    app.synth();
  }

  /** Synthesizes a stack made by an example's builder (`build(app, stackName)`) into this project's outdir. */
  synthExample(build: (app: Construct, id: string) => TerraformStack): void {
    const app = new App({ outdir: this.outdir });
    const stack = build(app as unknown as Construct, this.stackName);
    new LocalBackend(stack, { path: this.stateFile });
    app.synth();
  }

  /** Runs terraform in the stack dir with the given extra environment. */
  terraform(
    args: string[],
    env: Record<string, string>,
    opts: { killAfterLine?: RegExp } = {},
  ): Promise<RunResult> {
    return run('terraform', args, {
      cwd: this.stackDir,
      env: {
        ...baseEnv(),
        ...env,
        OKTA_AERIAL_AGENT_DIR: this.agentDir,
      },
      killAfterLine: opts.killAfterLine,
    });
  }

  async init(env: Record<string, string>): Promise<void> {
    const r = await this.terraform(['init', '-input=false', '-no-color'], env);
    if (r.code !== 0) throw new Error(`terraform init failed:\n${r.output}`);
  }

  /** `terraform apply`; the state lives outside the synth outdir (LocalBackend), so a re-synth never loses it. */
  apply(
    env: Record<string, string>,
    extra: string[] = [],
    opts: { killAfterLine?: RegExp } = {},
  ): Promise<RunResult> {
    return this.terraform(['apply', '-auto-approve', '-input=false', '-no-color', ...extra], env, opts);
  }

  destroy(env: Record<string, string>, extra: string[] = []): Promise<RunResult> {
    return this.terraform(['apply', '-destroy', '-auto-approve', '-input=false', '-no-color', ...extra], env);
  }

  /**
   * A pipeline's fresh checkout: the synthesized app (with Terraform's working files) is gone, only the
   * state survives; the stack is synthesized again with `build`.
   */
  freshCheckout(build: (stack: TerraformStack) => void): void {
    fs.rmSync(this.outdir, { recursive: true, force: true });
    this.synth(build);
  }

  /** Runs the `okta-aerial` CLI from the project folder (where `cdktf.out` is), as a user would. */
  cli(args: string[], env: Record<string, string>): Promise<RunResult> {
    return run(process.execPath, [path.join(REPO_ROOT, 'bin/okta-aerial.js'), ...args], {
      cwd: this.dir,
      env: { ...baseEnv(), ...env, OKTA_AERIAL_AGENT_DIR: this.agentDir },
    });
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Environment every Terraform run gets: no checkpoint calls, the project's CLI config, no user noise. */
export function baseEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CHECKPOINT_DISABLE: '1',
    TF_CLI_CONFIG_FILE: path.join(REPO_ROOT, 'terraform.rc'),
    TF_IN_AUTOMATION: '1',
  };
}

/** Spawns a command (no shell) and collects its combined output; optionally kills its group at a line. */
export function run(
  cmd: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; killAfterLine?: RegExp },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    let killed = false;
    const onData = (d: Buffer): void => {
      output += d.toString();
      if (opts.killAfterLine && !killed && opts.killAfterLine.test(output)) {
        killed = true;
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, output }));
  });
}

/** Every file below `dir`, recursively (for secret scans). */
export function allFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...allFiles(p));
    else if (entry.isFile()) out.push(p);
  }
  return out;
}
