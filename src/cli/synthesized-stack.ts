/**
 * Reading a synthesized cdktf app (`cdktf.out`): which stacks it has, and for one stack every construct of
 * this library with its spec, as the constructs rendered it. A terraform_data config resource carries the
 * spec as its `input`; a null_resource one carries it in a `//` comment Terraform ignores. Strings the
 * constructs escaped (`$${`, `%%{`) are turned back into their literal values; strings that are Terraform
 * templates (values from other resources) are listed, so they can be resolved from the Terraform state.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ResourceKind, ResourceSpec } from '../contract';
import { CliUsageError } from './output';

const KINDS: readonly ResourceKind[] = ['aerial-org', 'product-assignment', 'principal-rate-limit'];

/** One AerialOrg, ProductAssignment or PrincipalRateLimit of a synthesized stack. */
export interface StackConstruct {
  /** The construct path, e.g. `okta/AcmeProd`. */
  readonly path: string;
  readonly kind: ResourceKind;
  /** The spec with literal strings unescaped; template strings are kept as Terraform wrote them. */
  readonly spec: ResourceSpec;
  /** Dotted paths (`principalId`, `org.orgUrl`, `productIds[1]`) whose values are Terraform templates. */
  readonly templatePaths: readonly string[];
  /** Terraform addresses of the construct's lifecycle resources. */
  readonly configAddress: string;
  readonly identityAddress?: string;
}

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

type TfResource = Record<string, unknown> & { '//'?: { metadata?: { path?: string } } };

/** Loads one stack of the app in `appDir`: `stackName`, or the only one. Errors name the fix. */
export function loadSynthesizedStack(appDir: string, stackName?: string): SynthesizedStack {
  const manifestFile = path.join(appDir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    throw new CliUsageError(
      `no synthesized cdktf app in ${appDir} (${manifestFile} does not exist); run 'cdktf synth' first, ` +
        `or pass --app <dir> naming the folder cdktf synthesized into`,
    );
  }
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Manifest;
  const names = Object.keys(manifest.stacks ?? {});
  const name = pickStack(names, stackName, appDir);
  const entry = manifest.stacks[name];
  const config = JSON.parse(fs.readFileSync(path.join(appDir, entry.synthesizedStackPath), 'utf8')) as {
    resource?: Record<string, Record<string, TfResource>>;
    terraform?: { backend?: Record<string, { path?: string; workspace_dir?: string }> };
    removed?: Array<{ from?: string; provisioner?: unknown[] }>;
  };
  const dir = path.resolve(appDir, entry.workingDirectory);
  return {
    name,
    dir,
    constructs: findConstructs(config.resource ?? {}),
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

function findConstructs(resources: Record<string, Record<string, TfResource>>): StackConstruct[] {
  const byPath = new Map<string, string>();
  for (const [type, items] of Object.entries(resources)) {
    for (const [name, body] of Object.entries(items)) {
      const p = body['//']?.metadata?.path;
      if (p) byPath.set(p, `${type}.${name}`);
    }
  }
  const out: StackConstruct[] = [];
  for (const [type, items] of Object.entries(resources)) {
    for (const [name, body] of Object.entries(items)) {
      const raw =
        type === 'null_resource' ? (body['//'] as Record<string, unknown>)?.['okta-aerial'] : body.input;
      if (!isSpec(raw)) continue;
      const templatePaths: string[] = [];
      const spec = unescapeLiterals(raw, '', templatePaths) as ResourceSpec;
      out.push({
        path: spec.path,
        kind: spec.kind,
        spec,
        templatePaths,
        configAddress: `${type}.${name}`,
        identityAddress: byPath.get(`${spec.path}/Identity`),
      });
    }
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

function isSpec(value: unknown): value is ResourceSpec {
  const v = value as Partial<ResourceSpec> | undefined;
  return (
    typeof v === 'object' &&
    v !== null &&
    v.v === 1 &&
    KINDS.includes(v.kind as ResourceKind) &&
    typeof v.path === 'string' &&
    !('role' in v)
  );
}

/** True when a string of Terraform's JSON syntax holds a `${...}` or `%{...}` that is not escaped. */
export function isTemplate(s: string): boolean {
  for (let i = 0; i < s.length - 1; i++) {
    const c = s[i];
    if ((c === '$' || c === '%') && s[i + 1] === '{') return true;
    if ((c === '$' || c === '%') && s[i + 1] === c && s[i + 2] === '{') i += 2;
  }
  return false;
}

/** A literal string as Terraform reads it: `$${` is `${` and `%%{` is `%{`. */
export function unescapeLiteral(s: string): string {
  return s.replace(/([$%])\1\{/g, '$1{');
}

function unescapeLiterals(value: unknown, at: string, templates: string[]): unknown {
  if (typeof value === 'string') {
    if (isTemplate(value)) {
      templates.push(at);
      return value;
    }
    return unescapeLiteral(value);
  }
  if (Array.isArray(value)) return value.map((v, i) => unescapeLiterals(v, `${at}[${i}]`, templates));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, unescapeLiterals(v, at ? `${at}.${k}` : k, templates)]),
    );
  }
  return value;
}
