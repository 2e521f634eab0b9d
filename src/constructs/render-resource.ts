/**
 * The tail every resource construct shares: check the spec (every problem in one message, reported at synth
 * with the other constructs' problems), claim the natural key in the stack (two constructs must not manage one remote object), render the lifecycle resources, and
 * make the config resource the construct's default child (what `node.defaultChild` escape hatches reach).
 */
import type { ITerraformDependable } from 'cdktf';
import type { Construct } from 'constructs';
import { SpecValidationError, validateSpec, type IdentitySpec, type ResourceSpec } from '../contract';
import { isUnresolved, renderLifecycle, type Lifecycle, type Rendering } from './lifecycle';
import { reportProblem } from './problems';
import { canonicalKey, claimUniqueKey } from './unique-key';

/** Largest spec a hook can receive: Linux refuses a larger environment string (MAX_ARG_STRLEN, 128 KiB). */
export const SPEC_MAX_BYTES = 131_072 - 1024;

/** What a resource construct passes to {@link renderResource}. */
export interface ResourceRendering {
  /** The construct's class name, for messages: 'AerialOrg'. */
  readonly type: string;
  readonly spec: ResourceSpec;
  /** The connection's rendering and hook command. */
  readonly connection: { readonly rendering: Rendering; readonly hookCommand?: string };
  /** The natural key as dotted spec paths. */
  readonly key: Record<string, string>;
  /** What the key names, for the duplicate error: 'the products of org ...'. */
  readonly keyDescription: string;
  readonly identitySpec: IdentitySpec;
  /** The desired state (a change re-runs the apply hook). */
  readonly state: Record<string, unknown>;
  readonly dependsOn?: ITerraformDependable[];
  /** The construct's `retired` prop. */
  readonly retired?: boolean;
}

/**
 * Throws one error naming every required construct prop that is missing, before anything reads from it
 * (a plain JavaScript caller gets this, not "Cannot read properties of undefined").
 */
export function requireProps(
  construct: Construct,
  type: string,
  props: object | undefined,
  required: Record<string, string>,
): void {
  const given = (props ?? {}) as Record<string, unknown>;
  const missing = Object.entries(required).filter(
    ([name]) => given[name] === undefined || given[name] === null,
  );
  if (missing.length > 0) {
    throw new SpecValidationError(
      `${type} '${construct.node.path}'`,
      missing.map(([name, what]) => `${name} is missing; pass ${what}`),
    );
  }
}

/** Validates, claims the key and renders the lifecycle of one resource construct. */
export function renderResource(construct: Construct, r: ResourceRendering): Lifecycle {
  const subject = `${r.type} '${construct.node.path}'`;
  const problems = validateSpec(r.spec, { isUnresolved });
  const size = Buffer.byteLength(JSON.stringify(r.spec));
  if (size > SPEC_MAX_BYTES) {
    problems.push(
      `its spec is ${size} bytes; a hook receives it in one environment variable, which the OS limits to ` +
        `${SPEC_MAX_BYTES} bytes (Linux: 128 KiB per variable): make it smaller, e.g. fewer product ids`,
    );
  }
  // Reported at synth with every other construct's problems; the resources are still rendered, so the
  // construct is whole for code that reads it before synth.
  if (problems.length > 0) reportProblem(construct, new SpecValidationError(subject, problems));
  claimUniqueKey(construct, r.type, canonicalKey(r.key), r.keyDescription);
  const lifecycle = renderLifecycle(construct, {
    rendering: r.connection.rendering,
    hookCommand: r.connection.hookCommand,
    key: r.key,
    identitySpec: r.identitySpec,
    configSpec: r.spec,
    state: r.state,
    dependsOn: r.dependsOn,
    subject,
    retired: r.retired,
  });
  if (!r.retired) construct.node.defaultChild = lifecycle.config;
  return lifecycle;
}
