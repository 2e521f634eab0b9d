/**
 * The lifecycle rendering every construct shares (design.md, "Lifecycle on Terraform"): an identity
 * resource keyed on the natural key that carries the destroy-time hook, and a config resource keyed on the
 * key and the desired state that carries the create-time hook. Rendered as terraform_data (default) or
 * null_resource. Longer than 300 lines on purpose: the skeleton, the two renderings' adapters and the
 * `removed` blocks of retired constructs are one design, best read in one place.
 */
import * as path from 'node:path';
import type * as NullProviderModule from '@cdktf/provider-null/lib/provider';
import type * as NullResourceModule from '@cdktf/provider-null/lib/resource';
import {
  App,
  Fn,
  TerraformProvider,
  TerraformStack,
  Token,
  type ITerraformDependable,
  type LocalExecProvisioner,
  type TerraformResource,
} from './cdk';
import type { Construct, IConstruct } from 'constructs';
import { ENV, type IdentitySpec, type ResourceSpec } from '../contract';
import { canonicalJson } from '../common/spec-json';
import { TerraformData } from './terraform-data';

/** Which Terraform resource type carries the lifecycle hooks. */
export type Rendering = 'terraform_data' | 'null_resource';
export const RENDERINGS: readonly Rendering[] = ['terraform_data', 'null_resource'];

/** Context key that overrides the hook command for every construct of an app (e.g. `okta-aerial`). */
export const HOOK_COMMAND_CONTEXT_KEY = 'okta-aerial:hookCommand';

/** Env var holding the natural key (`{ "dotted.path": value }`) for null_resource destroy hooks. */
export const SPEC_KEY_ENV = ENV.specKey;

/** Where this package's CLI launcher is; the same relative location from src/constructs and lib/constructs. */
const BIN_PATH = path.resolve(__dirname, '../../bin/okta-aerial.js');

/** True when a value (or any part of it) is not known until Terraform applies. */
export function isUnresolved(value: unknown): boolean {
  return Token.isUnresolved(value);
}

/** cdktf's marker for a string token inside a string (`${TfToken[TOKEN.12]}`), which cdktf renders itself. */
const STRING_TOKEN_MARKER = /(\$\{TfToken\[[a-zA-Z0-9:._-]+\]\})/;

/** `${` -> `$${` and `%{` -> `%%{`: how Terraform's JSON syntax spells them literally. */
function escapeTemplateSyntax(literal: string): string {
  return literal.replace(/([$%])\{/g, (_, c: string) => `${c}${c}{`);
}

/**
 * Terraform reads `${` and `%{` in any string of its JSON syntax as a template; literal strings, and the
 * literal parts of strings that also hold tokens, are escaped so a value can never turn into an
 * expression. The tokens themselves are left for cdktf to render.
 */
export function escapeLiterals<T>(value: T): T {
  if (typeof value === 'string') {
    if (!isUnresolved(value)) return escapeTemplateSyntax(value) as T;
    return value
      .split(STRING_TOKEN_MARKER)
      .map((part, i) => (i % 2 === 1 ? part : escapeTemplateSyntax(part)))
      .join('') as T;
  }
  if (Array.isArray(value)) return (isUnresolved(value) ? value : value.map(escapeLiterals)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeLiterals(v)])) as T;
  }
  return value;
}

/** Dotted paths ('account.accountId') of every unresolved value in a plain object. */
export function unresolvedPaths(value: unknown, prefix = ''): string[] {
  if (isUnresolved(value)) return [prefix || '(root)'];
  if (Array.isArray(value)) return value.flatMap((v, i) => unresolvedPaths(v, `${prefix}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => unresolvedPaths(v, prefix ? `${prefix}.${k}` : k));
  }
  return [];
}

/**
 * The shell command that runs a hook. Terraform runs local-exec in the stack's folder
 * (`<outdir>/stacks/<stack>`), so the launcher is addressed relative to it: synth and deploy may then run
 * at different absolute paths (separate pipeline jobs on fresh checkouts) as long as the layout is kept.
 */
export function hookCommand(scope: IConstruct, action: 'apply' | 'destroy', override?: string): string {
  const configured = override ?? (scope.node.tryGetContext(HOOK_COMMAND_CONTEXT_KEY) as string | undefined);
  if (configured !== undefined) {
    if (typeof configured !== 'string' || configured.trim() === '') {
      throw new Error(
        `hookCommand is ${JSON.stringify(configured)}; use a command such as 'okta-aerial' or 'npx okta-aerial'`,
      );
    }
    return `${escapeLiterals(configured.trim())} hook ${action}`;
  }
  const stack = TerraformStack.of(scope);
  const stackDir = path.join(path.resolve(App.of(scope).outdir), 'stacks', stack.node.id);
  return relativeHookCommand(stackDir, BIN_PATH, action);
}

/**
 * Moves NODE_EXTRA_CA_CERTS aside for the hook process (into OKTA_AERIAL_NODE_EXTRA_CA_CERTS): Node parses
 * the bundle at every start, most of a hook's CPU, and a hook that hands its work to the deploy agent does
 * no TLS. The hook restores it for whatever does (its in-process fallback, the agent it starts). The copy
 * comes first: sh performs a command's assignments left to right, so one after the emptying would copy an
 * empty value.
 */
const CA_ASIDE = `${ENV.caCertsAside}="$NODE_EXTRA_CA_CERTS" NODE_EXTRA_CA_CERTS=`;

/**
 * `node '<launcher relative to stackDir>' hook <action>` with the CA bundle moved aside; refuses paths a
 * shell would not take literally.
 */
export function relativeHookCommand(stackDir: string, binPath: string, action: 'apply' | 'destroy'): string {
  const relative = path.relative(stackDir, binPath).split(path.sep).join('/');
  if (/['"\\$`%]/.test(relative)) {
    throw new Error(
      `the path from the stack folder to the okta-aerial launcher (${relative}) contains a quote or shell character; ` +
        `install the package under a plain path, or set the '${HOOK_COMMAND_CONTEXT_KEY}' context (or hookCommand) to 'okta-aerial'`,
    );
  }
  return `${CA_ASIDE} node '${relative}' hook ${action}`;
}

/** Everything a construct hands to {@link renderLifecycle}. */
export interface LifecycleOptions {
  readonly rendering: Rendering;
  /** Overrides the computed hook command (the connection's hookCommand). */
  readonly hookCommand?: string;
  /** The natural key as `{ "dotted.spec.path": value }` (values may be tokens). */
  readonly key: Record<string, string>;
  /** The identity spec: key, connection, removal policy and what destroy needs. */
  readonly identitySpec: IdentitySpec;
  /** The whole spec (a ResourceSpec). */
  readonly configSpec: ResourceSpec;
  /** The desired state: a change replaces the config resource, which re-runs the apply hook. */
  readonly state: Record<string, unknown>;
  /** What the identity must wait for (e.g. the AerialOrg a ProductAssignment belongs to). */
  readonly dependsOn?: ITerraformDependable[];
  /** Names the construct in errors, e.g. `PrincipalRateLimit 'Stack/Ci'`. */
  readonly subject: string;
  /** Render `removed` blocks instead: the resources leave the state and the identity's destroy hook runs. */
  readonly retired?: boolean;
}

/** The two lifecycle resources of one construct. */
export interface Lifecycle {
  /** Keyed on the natural key; its destroy-time hook acts per removal policy. */
  readonly identity: TerraformResource;
  /** Keyed on key + desired state; its create-time hook is the idempotent upsert. */
  readonly config: TerraformResource;
}

/**
 * What differs between the renderings. The skeleton (destroy hook on the identity, apply hook on the config,
 * config after identity) is the same for every rendering and lives in {@link renderLifecycle}.
 */
interface RenderingAdapter {
  /** Refuses what the rendering cannot carry and adds what it needs to the stack. */
  prepare(scope: Construct, options: LifecycleOptions): void;
  /** How the destroy hook (on the identity) and the apply hook (on the config) receive their spec. */
  destroyEnvironment(options: LifecycleOptions): Record<string, string>;
  applyEnvironment(options: LifecycleOptions): Record<string, string>;
  identity(scope: Construct, options: LifecycleOptions, hook: LocalExecProvisioner): TerraformResource;
  config(
    scope: Construct,
    options: LifecycleOptions,
    identity: TerraformResource,
    hook: LocalExecProvisioner,
  ): TerraformResource;
}

/** Renders the identity and config resources of one construct under `scope`. */
export function renderLifecycle(scope: Construct, options: LifecycleOptions): Lifecycle {
  const adapter = ADAPTERS[options.rendering];
  adapter.prepare(scope, options);
  const destroy: LocalExecProvisioner = {
    type: 'local-exec',
    when: 'destroy',
    command: hookCommand(scope, 'destroy', options.hookCommand),
    environment: adapter.destroyEnvironment(options),
  };
  const identity = adapter.identity(scope, options, destroy);
  const apply: LocalExecProvisioner = {
    type: 'local-exec',
    command: hookCommand(scope, 'apply', options.hookCommand),
    environment: adapter.applyEnvironment(options),
  };
  const config = adapter.config(scope, options, identity, apply);
  // Terraform >= 1.4 echoes every local-exec command unless `quiet`; the hook prints its own one-line result.
  // cdktf's LocalExecProvisioner has no `quiet`, so it goes in through the documented escape hatch.
  for (const resource of [identity, config]) resource.addOverride('provisioner.0.local-exec.quiet', true);
  if (options.retired) retire(scope, identity, config, destroy);
  return { identity, config };
}

/**
 * A terraform_data `input`: the spec as one JSON string when it holds only literals, which Terraform plans
 * several times faster than an object (src/common/spec-json.ts); an object when a value comes from another
 * resource, so the plan can show which values are known only after apply. Literals are escaped either way.
 */
function specInput(spec: object): unknown {
  const escaped = escapeLiterals(spec);
  return unresolvedPaths(spec).length > 0 ? escaped : canonicalJson(escaped);
}

/** terraform_data: the specs are the resources' `input`; destroy reads the latest one from `self.output`. */
const TERRAFORM_DATA: RenderingAdapter = {
  prepare: () => undefined,
  // A destroy-time provisioner may reference only self: `self.output` is the latest identity input. The
  // hook takes the JSON of an object and of a string alike (parseSpecJson), so either form in a state works.
  destroyEnvironment: () => ({ [ENV.spec]: '${jsonencode(self.output)}' }),
  applyEnvironment: () => ({ [ENV.spec]: '${jsonencode(self.input)}' }),
  identity: (scope, options, hook) =>
    new TerraformData(scope, 'Identity', {
      triggersReplace: escapeLiterals(options.key),
      input: specInput(options.identitySpec),
      dependsOn: options.dependsOn,
      provisioners: [hook],
    }),
  config: (scope, options, identity, hook) =>
    new TerraformData(scope, 'Config', {
      triggersReplace: escapeLiterals({ key: options.key, state: options.state }),
      input: specInput(options.configSpec),
      dependsOn: [identity],
      provisioners: [hook],
    }),
};

/**
 * null_resource has no input: the destroy hook gets the identity spec as a literal (Terraform takes a
 * destroy-time provisioner from the current configuration) and the key from self.triggers, which the hook
 * overlays onto it. A literal cannot hold a reference, so only the key may be a token here.
 */
const NULL_RESOURCE: RenderingAdapter = {
  prepare(scope, options) {
    const keyPaths = new Set(Object.keys(options.key));
    const bad = unresolvedPaths(options.identitySpec).filter((p) => !keyPaths.has(p));
    if (bad.length > 0) {
      throw new Error(
        `${options.subject} cannot use the null_resource rendering: ${bad.join(', ')} ` +
          `${bad.length === 1 ? 'is a value' : 'are values'} from another resource, and null_resource can pass only literals to its destroy hook; ` +
          `use rendering 'terraform_data' (the default)`,
      );
    }
    // cdktf renders Fn.jsonencode arguments as HCL strings without escaping quotes or backslashes.
    if (/["\\]/.test(options.configSpec.path)) {
      throw new Error(
        `${options.subject} cannot use the null_resource rendering: its construct path contains a quote or backslash; rename the construct`,
      );
    }
    ensureNullProvider(scope);
  },
  destroyEnvironment: (options) => ({
    [ENV.spec]: escapeLiterals(JSON.stringify(withoutUnresolved(options.identitySpec))),
    [SPEC_KEY_ENV]: '${jsonencode(self.triggers)}',
  }),
  applyEnvironment: (options) => ({ [ENV.spec]: Fn.jsonencode(escapeLiterals(options.configSpec)) }),
  identity: (scope, options, hook) =>
    new (nullProvider().Resource)(scope, 'Identity', {
      triggers: escapeLiterals(options.key),
      dependsOn: options.dependsOn,
      provisioners: [hook],
    }),
  config(scope, options, identity, hook) {
    const config = new (nullProvider().Resource)(scope, 'Config', {
      triggers: {
        key: Fn.jsonencode(escapeLiterals(options.key)),
        state: Fn.jsonencode(escapeLiterals(options.state)),
      },
      dependsOn: [identity],
      provisioners: [hook],
    });
    // No input either: the spec goes where `okta-aerial drift` reads it (Terraform ignores "//").
    config.addOverride('//.okta-aerial', escapeLiterals(options.configSpec));
    return config;
  },
};

const ADAPTERS: Record<Rendering, RenderingAdapter> = {
  terraform_data: TERRAFORM_DATA,
  null_resource: NULL_RESOURCE,
};

/** The `removed` blocks of each stack (Terraform's JSON syntax takes them as one array). */
const removedBlocks = new WeakMap<TerraformStack, unknown[]>();

/**
 * Retires a construct: its two resources leave the configuration and `removed` blocks (Terraform >= 1.9
 * runs destroy-time provisioners in them) take them out of the state, the identity's with the same destroy
 * hook, so the remote object gets its removal-policy handling as on `cdktf destroy`. cdktf has no construct
 * for `removed` blocks, so they go in as a stack override.
 */
function retire(
  scope: Construct,
  identity: TerraformResource,
  config: TerraformResource,
  destroy: LocalExecProvisioner,
): void {
  const stack = TerraformStack.of(scope);
  const blocks = removedBlocks.get(stack) ?? [];
  removedBlocks.set(stack, blocks);
  const address = (r: TerraformResource): string => `${r.terraformResourceType}.${r.friendlyUniqueId}`;
  blocks.push(
    {
      from: address(identity),
      lifecycle: { destroy: true },
      provisioner: [
        {
          'local-exec': {
            when: 'destroy',
            command: destroy.command,
            environment: destroy.environment,
            quiet: true,
          },
        },
      ],
    },
    { from: address(config), lifecycle: { destroy: true } },
  );
  stack.addOverride('removed', blocks);
  scope.node.tryRemoveChild(identity.node.id);
  scope.node.tryRemoveChild(config.node.id);
}

/** A copy without unresolved values (the key's tokens, which the hook overlays from self.triggers). */
function withoutUnresolved(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUnresolved);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => !isUnresolved(v))
        .map(([k, v]) => [k, withoutUnresolved(v)]),
    );
  }
  return value;
}

/**
 * @cdktf/provider-null, loaded only for the null_resource rendering: it is an optional peer dependency, so
 * an app that keeps the default terraform_data rendering needs neither it nor the cdktf it depends on.
 */
function nullProvider(): typeof NullProviderModule & typeof NullResourceModule {
  try {
    return {
      ...(require('@cdktf/provider-null/lib/provider') as typeof NullProviderModule),
      ...(require('@cdktf/provider-null/lib/resource') as typeof NullResourceModule),
    };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
    throw new Error(
      "rendering 'null_resource' needs @cdktf/provider-null in your app: run 'npm install @cdktf/provider-null@^11' " +
        "(or keep the default rendering 'terraform_data', which needs no provider)",
    );
  }
}

const nullProviders = new WeakMap<TerraformStack, boolean>();

/** Adds the hashicorp/null provider to the stack once, unless the user already configured one. */
function ensureNullProvider(scope: Construct): void {
  const stack = TerraformStack.of(scope);
  if (nullProviders.get(stack)) return;
  const existing = stack.node
    .findAll()
    .some((c) => c instanceof TerraformProvider && c.terraformResourceType === 'null' && !c.alias);
  if (!existing) new (nullProvider().NullProvider)(stack, 'okta-aerial-null');
  nullProviders.set(stack, true);
}
