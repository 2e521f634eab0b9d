/** Routes a spec and an action to its handler. */
import type { IdentitySpec, ResourceSpec } from '../contract';
import { applyAerialOrg, destroyAerialOrg } from './aerial-org';
import type { HandlerContext, HookAction } from './context';
import { applyPrincipalRateLimit, destroyPrincipalRateLimit } from './principal-rate-limit';
import { applyProductAssignment, destroyProductAssignment } from './product-assignment';

/** A spec a hook can receive: the config resource's full spec, or the identity resource's. */
export type HookSpec = ResourceSpec | IdentitySpec;

/** Runs the handler for `action` on `spec`; apply needs the full spec of a config resource. */
export function runHandler(action: HookAction, spec: HookSpec, ctx: HandlerContext): Promise<void> {
  if (action === 'apply') {
    if ('role' in spec) {
      throw new Error(
        `${describeResource(spec)}: 'hook apply' got the identity spec; apply runs from the config resource — ` +
          `re-synthesize the stack with this version of cdktf-okta-aerial`,
      );
    }
    switch (spec.kind) {
      case 'aerial-org':
        return applyAerialOrg(spec, ctx);
      case 'product-assignment':
        return applyProductAssignment(spec, ctx);
      case 'principal-rate-limit':
        return applyPrincipalRateLimit(spec, ctx);
      default:
        throw new Error(
          `${describeResource(spec)}: no handler for kind '${(spec as { kind: string }).kind}'`,
        );
    }
  }
  switch (spec.kind) {
    case 'aerial-org':
      return destroyAerialOrg(spec, ctx);
    case 'product-assignment':
      return destroyProductAssignment(spec, ctx);
    case 'principal-rate-limit':
      return destroyPrincipalRateLimit(spec, ctx);
  }
}

/** What a resource is, for the first words of a log line or an error. */
export function describeResource(spec: HookSpec): string {
  return `${spec.kind} '${spec.path}'`;
}
