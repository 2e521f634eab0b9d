/**
 * Running the real `terraform` binary for the read path: `init` when a fresh checkout has not run it yet,
 * `show -json` for the state (whatever the backend: Terraform reads it), `taint` for the repair marks and
 * `plan -out` + `show -json` for `okta-aerial plan`. Always spawned without a shell, in the stack's folder.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** terraform could not be run, or answered with an error; the message says which command and why. */
export class TerraformError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TerraformError';
  }
}

export interface TerraformRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The values of one resource instance in Terraform's JSON output. */
export interface StateResource {
  readonly address: string;
  readonly values: Record<string, unknown>;
  readonly tainted: boolean;
}

/** Terraform in one working directory. */
export class Terraform {
  constructor(
    readonly dir: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly binary = env.OKTA_AERIAL_TERRAFORM ?? 'terraform',
  ) {}

  /** Runs terraform with `args`; resolves with its output whatever the exit code. */
  run(args: string[]): Promise<TerraformRun> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.binary, args, {
        cwd: this.dir,
        env: { CHECKPOINT_DISABLE: '1', ...this.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      child.on('error', (e: NodeJS.ErrnoException) =>
        reject(
          new TerraformError(
            e.code === 'ENOENT'
              ? `'${this.binary}' was not found on PATH; install Terraform 1.4 or newer (or set OKTA_AERIAL_TERRAFORM to its path)`
              : `cannot run '${this.binary}': ${e.message}`,
          ),
        ),
      );
      child.on('close', (code) =>
        resolve({
          code: code ?? 1,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
        }),
      );
    });
  }

  /** Runs terraform and throws a TerraformError with its own words when it fails. */
  async must(args: string[], what: string): Promise<string> {
    const r = await this.run(args);
    if (r.code !== 0) {
      const said = (r.stderr || r.stdout).trim().split('\n').slice(-12).join('\n  ');
      throw new TerraformError(`terraform ${args[0]} failed in ${this.dir} (${what}):\n  ${said}`);
    }
    return r.stdout;
  }

  /** `terraform init` unless the folder was initialized (as `cdktf diff`/`deploy` do on a fresh checkout). */
  async ensureInit(): Promise<void> {
    if (fs.existsSync(path.join(this.dir, '.terraform'))) return;
    await this.must(['init', '-input=false', '-no-color'], 'initializing the stack folder to read its state');
  }

  /** Every resource instance in the current state, by address (empty when nothing was deployed yet). */
  async state(): Promise<Map<string, StateResource>> {
    const json = await this.must(['show', '-json', '-no-color'], 'reading the Terraform state');
    return stateResources(JSON.parse(json) as ShowJson);
  }

  /** Marks resources for replacement in the next plan (`terraform taint`; one state lock each). */
  async taint(addresses: readonly string[]): Promise<void> {
    for (const address of addresses) {
      await this.must(['taint', '-no-color', '-allow-missing', address], `marking ${address} for repair`);
    }
  }
}

interface ShowModule {
  resources?: Array<{ address: string; values?: Record<string, unknown>; tainted?: boolean }>;
  child_modules?: ShowModule[];
}

/** The JSON of `terraform show -json` (state) or of a saved plan's `prior_state`. */
export interface ShowJson {
  values?: { root_module?: ShowModule };
}

/** The resource instances of a `show -json` document, by address. */
export function stateResources(doc: ShowJson): Map<string, StateResource> {
  const out = new Map<string, StateResource>();
  const visit = (m: ShowModule | undefined): void => {
    for (const r of m?.resources ?? []) {
      out.set(r.address, { address: r.address, values: r.values ?? {}, tainted: r.tainted === true });
    }
    for (const c of m?.child_modules ?? []) visit(c);
  };
  visit(doc.values?.root_module);
  return out;
}
