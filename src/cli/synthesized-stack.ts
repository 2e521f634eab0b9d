/**
 * Reading a synthesized cdktf app (`cdktf.out`): which stacks it has, and for one stack every construct of
 * this library with its spec, as the constructs rendered it. A terraform_data config resource carries the
 * spec as its `input`; a null_resource one carries it in a `//` comment Terraform ignores. Strings the
 * constructs escaped (`$${`, `%%{`) are turned back into their literal values; strings that are Terraform
 * templates (values from other resources) are listed, so they can be resolved from the Terraform state.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { specsOfSynthesizedResources, type SynthesizedSpec } from '../contract/synthesized';
export { isTemplate, unescapeLiteral } from '../contract/synthesized';
import { CliUsageError } from './output';

/** One AerialOrg, ProductAssignment or PrincipalRateLimit of a synthesized stack. */
export type StackConstruct = SynthesizedSpec;

/** One stack of a synthesized app. */
export interface SynthesizedStack {
  readonly name: string;
  /** Absolute path of the stack's Terraform working directory. */
  readonly dir: string;
  readonly constructs: readonly StackConstruct[];
  /** Identity addresses of retired constructs: `removed` blocks that run the destroy hook. */
  readonly retiredIdentities: ReadonlySet<string>;
  /** The local backend's state file (absolute), when the stack keeps its state locally. */
  readonly localStateFile?: string;
}

interface Manifest {
  stacks: Record<string, { workingDirectory: string; synthesizedStackPath: string }>;
}

/** The manifest of the app in `appDir`; a usage error naming the fix when there is none. */
function readManifest(appDir: string): Manifest {
  const manifestFile = path.join(appDir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    throw new CliUsageError(
      `no synthesized cdktf app in ${appDir} (${manifestFile} does not exist); run 'cdktf synth' first, ` +
        `or pass --app <dir> naming the folder cdktf synthesized into`,
    );
  }
  return JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Manifest;
}

/** The names of the stacks of the app in `appDir`. */
export function stackNames(appDir: string): string[] {
  return Object.keys(readManifest(appDir).stacks ?? {});
}

/** Loads one stack of the app in `appDir`: `stackName`, or the only one. Errors name the fix. */
export function loadSynthesizedStack(appDir: string, stackName?: string): SynthesizedStack {
  const manifest = readManifest(appDir);
  const names = Object.keys(manifest.stacks ?? {});
  const name = pickStack(names, stackName, appDir);
  const entry = manifest.stacks[name];
  const config = JSON.parse(fs.readFileSync(path.join(appDir, entry.synthesizedStackPath), 'utf8')) as {
    resource?: Parameters<typeof specsOfSynthesizedResources>[0];
    terraform?: { backend?: Record<string, { path?: string; workspace_dir?: string }> };
    removed?: Array<{ from?: string; provisioner?: unknown[] }>;
  };
  const dir = path.resolve(appDir, entry.workingDirectory);
  return {
    name,
    dir,
    constructs: specsOfSynthesizedResources(config.resource ?? {}),
    retiredIdentities: new Set(
      (config.removed ?? []).filter((r) => r.from && r.provisioner?.length).map((r) => r.from as string),
    ),
    localStateFile: localStateFile(dir, config.terraform?.backend),
  };
}

/**
 * The state file of a local backend (Terraform's default when no backend is configured), in the default
 * workspace; undefined for any other backend or workspace, whose state only Terraform can read.
 */
function localStateFile(
  dir: string,
  backend: Record<string, { path?: string; workspace_dir?: string }> | undefined,
): string | undefined {
  const workspace = process.env.TF_WORKSPACE;
  if (workspace && workspace !== 'default') return undefined;
  if (!backend || Object.keys(backend).length === 0) return path.join(dir, 'terraform.tfstate');
  if (Object.keys(backend).length !== 1 || !backend.local) return undefined;
  return path.resolve(dir, backend.local.path ?? 'terraform.tfstate');
}

function pickStack(names: string[], wanted: string | undefined, appDir: string): string {
  const list = names.length ? names.join(', ') : '(none)';
  if (wanted !== undefined) {
    if (!names.includes(wanted)) {
      throw new CliUsageError(`stack '${wanted}' is not in ${appDir}; its stacks are: ${list}`);
    }
    return wanted;
  }
  if (names.length === 1) return names[0];
  throw new CliUsageError(
    names.length === 0
      ? `${appDir} has no stacks; synthesize an app with at least one TerraformStack`
      : `${appDir} has several stacks (${list}); choose one with --stack <name>`,
  );
}
