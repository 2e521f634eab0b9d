/**
 * Running the real `terraform` binary for the read path: `init` when a fresh checkout has not run it yet,
 * `show -json` for the state (whatever the backend: Terraform reads it), `taint` for the repair marks and
 * `plan -out` + `show -json` for `okta-aerial plan`. Always spawned without a shell, in the stack's folder.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ENV, decodeSpecValue } from '../common';

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
    private readonly binary = env[ENV.terraform] ?? 'terraform',
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

  /**
   * Every resource instance in the current state, by address (empty when nothing was deployed yet).
   * `terraform state pull` reads it from any backend (it is the raw state, and much faster than
   * `show -json` on a large one); a local backend's file is read directly, with no init and no lock.
   */
  async state(localStateFile?: string): Promise<Map<string, StateResource>> {
    if (localStateFile !== undefined) {
      let raw: string;
      try {
        raw = fs.readFileSync(localStateFile, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
        throw new TerraformError(
          `cannot read the Terraform state ${localStateFile}: ${(e as Error).message}`,
        );
      }
      return rawStateResources(parseLocalState(raw, localStateFile));
    }
    await this.ensureInit();
    const json = await this.must(['state', 'pull'], 'reading the Terraform state');
    return rawStateResources(json.trim() ? (JSON.parse(json) as RawState) : {});
  }

  /**
   * The plan of the next deploy (`terraform plan -out`, then `show -json` of the saved plan), or of
   * `terraform destroy` with `destroy`. The saved plan can hold values of other resources, so it is written
   * into a private temporary folder (0700) and removed afterwards, whatever happens. Never applies anything.
   */
  async savedPlan(opts: { destroy?: boolean; lockTimeout?: string } = {}): Promise<PlanJson> {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-aerial-plan-'));
    try {
      const file = path.join(tmp, 'tfplan');
      const args = ['plan', `-out=${file}`, '-input=false', '-no-color'];
      args.push(`-lock-timeout=${opts.lockTimeout ?? '60s'}`);
      if (opts.destroy) args.push('-destroy');
      await this.must(args, opts.destroy ? 'planning the destroy' : 'planning the next deploy');
      const json = await this.must(['show', '-json', '-no-color', file], 'reading the saved plan');
      return decodePlanSpecs(JSON.parse(json) as PlanJson);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }

  /** Marks resources for replacement in the next plan (`terraform taint`; one state lock each). */
  async taint(addresses: readonly string[]): Promise<void> {
    if (addresses.length > 0) await this.ensureInit();
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

/** Terraform's state file (format version 4), as `terraform state pull` prints it. */
export interface RawState {
  version?: number;
  resources?: Array<{
    module?: string;
    mode?: string;
    type: string;
    name: string;
    instances?: Array<{ index_key?: string | number; status?: string; attributes?: Record<string, unknown> }>;
  }>;
}

/**
 * A local state file's JSON. Terraform's local backend empties the file and then writes it again in place,
 * so a deploy killed meanwhile (SIGKILL, an OOM kill) leaves it empty or cut off; it keeps the state it read
 * at the start of that deploy in `<file>.backup`. Terraform cannot read a cut-off file, and reads an empty one
 * as "nothing deployed" and plans to create everything again: this library's constructs would survive that
 * (their hooks are upserts), other resources of the stack would be created twice. Both are errors here that
 * name the backup, unless the file is empty and no backup holds a resource (a first deploy that recorded
 * nothing, or a stack destroyed before), which is read as Terraform reads it.
 */
function parseLocalState(raw: string, file: string): RawState {
  const backupFile = `${file}.backup`;
  const fail = (what: string): TerraformError =>
    new TerraformError(
      `the Terraform state ${file} ${what}: a deploy killed while Terraform was rewriting it (or one still ` +
        `running) leaves it so, and Terraform cannot use it either. ` +
        (fs.existsSync(backupFile)
          ? `Terraform kept the state from before that deploy in ${backupFile}: once no deploy runs, copy it ` +
            `over the state file and run again (what the killed deploy created is then planned again; this ` +
            `library's hooks are upserts, other resources may need 'terraform import').`
          : `No ${backupFile} is beside it, so that deploy was usually the stack's first: once no deploy runs, ` +
            `move the state file aside and run again (everything is then planned again; this library's hooks ` +
            `are upserts, other resources may need 'terraform import'), or restore the state from your backups.`) +
        ` A remote backend (s3, gcs, azurerm, http, HCP Terraform) does not have this failure.`,
    );
  if (raw.trim() === '') {
    const held = resourcesIn(backupFile);
    if (held > 0) throw fail(`is empty while ${backupFile} holds ${held} resource instance(s)`);
    return {};
  }
  try {
    return JSON.parse(raw) as RawState;
  } catch (e) {
    throw fail(`is not valid JSON (${(e as Error).message})`);
  }
}

/** How many resource instances a state file holds (0 when it is missing, empty or unreadable). */
function resourcesIn(file: string): number {
  try {
    const state = JSON.parse(fs.readFileSync(file, 'utf8')) as RawState;
    return (state.resources ?? []).reduce((n, r) => n + (r.instances?.length ?? 0), 0);
  } catch {
    return 0;
  }
}

/** Attributes of `dynamic` type are stored as `{ value, type }`; terraform_data's are. */
const DYNAMIC_ATTRIBUTES: Record<string, readonly string[]> = {
  terraform_data: ['input', 'output', 'triggers_replace'],
};

/** The attributes that carry a spec, as a JSON string or an object (src/common/spec-json.ts). */
const SPEC_ATTRIBUTES: Record<string, readonly string[]> = {
  terraform_data: ['input', 'output'],
};

/** Spec strings in one resource's values, read as the objects they spell, so readers see one form. */
function decodeSpecs(type: string, values: Record<string, unknown> | null | undefined): void {
  if (!values) return;
  for (const name of SPEC_ATTRIBUTES[type] ?? []) {
    if (name in values) values[name] = decodeSpecValue(values[name]);
  }
}

/** A saved plan with the spec strings of its resource changes read as objects. */
function decodePlanSpecs(plan: PlanJson): PlanJson {
  for (const rc of plan.resource_changes ?? []) {
    decodeSpecs(rc.type, rc.change.before);
    decodeSpecs(rc.type, rc.change.after);
  }
  return plan;
}

/** The resource instances of a raw state, by address, with values as `show -json` would give them. */
export function rawStateResources(state: RawState): Map<string, StateResource> {
  if (state.version !== undefined && state.version !== 4) {
    throw new TerraformError(
      `the Terraform state has format version ${state.version}; this version of okta-aerial reads version 4 (Terraform 1.x)`,
    );
  }
  const out = new Map<string, StateResource>();
  for (const r of state.resources ?? []) {
    const base = `${r.module ? `${r.module}.` : ''}${r.mode === 'data' ? 'data.' : ''}${r.type}.${r.name}`;
    for (const i of r.instances ?? []) {
      const address = i.index_key === undefined ? base : `${base}[${JSON.stringify(i.index_key)}]`;
      const values: Record<string, unknown> = { ...(i.attributes ?? {}) };
      for (const name of DYNAMIC_ATTRIBUTES[r.type] ?? []) {
        const v = values[name] as { value?: unknown } | null | undefined;
        if (v !== null && typeof v === 'object' && 'value' in v) values[name] = v.value;
      }
      decodeSpecs(r.type, values);
      out.set(address, { address, values, tainted: i.status === 'tainted' });
    }
  }
  return out;
}

/** What Terraform plans for one resource instance: `["no-op"]`, `["create"]`, `["delete", "create"]`, ... */
export type PlanAction = 'no-op' | 'create' | 'read' | 'update' | 'delete' | 'forget';

/** One entry of a saved plan's `resource_changes` (the fields `okta-aerial plan` reads). */
export interface PlanResourceChange {
  readonly address: string;
  readonly mode?: string;
  readonly type: string;
  readonly name?: string;
  /** Set on a deposed object (left over from a create_before_destroy); its address is shared. */
  readonly deposed?: string;
  readonly change: {
    readonly actions: readonly PlanAction[];
    readonly before?: Record<string, unknown> | null;
    readonly after?: Record<string, unknown> | null;
    /** Mirrors `after`: `true` where a value is known only after apply. */
    readonly after_unknown?: unknown;
  };
  /** Why, e.g. `replace_because_tainted`, `delete_because_no_resource_config`. */
  readonly action_reason?: string;
}

/** The JSON of `terraform show -json <saved plan>` (the fields `okta-aerial plan` reads). */
export interface PlanJson {
  readonly format_version?: string;
  readonly terraform_version?: string;
  readonly resource_changes?: readonly PlanResourceChange[];
  readonly prior_state?: ShowJson;
  readonly errored?: boolean;
}
