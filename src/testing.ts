/**
 * Helpers for unit tests of your own stacks: what a synthesized stack declares in Okta's terms, so a test
 * can say "this stack keeps org X ACTIVE with products [...]" without knowing how the constructs render.
 *
 *   const declared = oktaDeclarations(stack); // or oktaDeclarations(Testing.synth(stack))
 *   expect(declared.orgs).toContainEqual(expect.objectContaining({ orgId: '00o...', status: 'ACTIVE' }));
 *
 * Values from other resources appear as the Terraform expressions they synthesize to (`${...}`).
 */
import type { OrgStatus, PrincipalType } from './okta-api';
import type { RemovalPolicy } from './contract/spec';
import { specsOfSynthesizedResources } from './contract/synthesized';

/** An AerialOrg as declared. */
export interface DeclaredOrg {
  readonly path: string;
  readonly accountId: string;
  readonly orgId?: string;
  readonly domain?: string;
  readonly cell?: string;
  readonly status: OrgStatus;
  readonly removalPolicy: RemovalPolicy;
}

/** A ProductAssignment as declared (product ids sorted). */
export interface DeclaredProductAssignment {
  readonly path: string;
  readonly accountId: string;
  readonly orgId?: string;
  readonly domain?: string;
  readonly productIds: readonly string[];
  readonly removalPolicy: RemovalPolicy;
}

/** A PrincipalRateLimit as declared. */
export interface DeclaredRateLimit {
  readonly path: string;
  readonly orgUrl: string;
  readonly principalId: string;
  readonly principalType: PrincipalType;
  readonly defaultPercentage: number;
  readonly defaultConcurrencyPercentage: number;
  readonly removalPolicy: RemovalPolicy;
}

/** Everything a stack declares, each list sorted by construct path. */
export interface OktaDeclarations {
  readonly orgs: readonly DeclaredOrg[];
  readonly productAssignments: readonly DeclaredProductAssignment[];
  readonly rateLimits: readonly DeclaredRateLimit[];
}

/**
 * Reads the declarations of a stack: pass the TerraformStack itself (any rendering; its constructs' problems
 * are reported as synth reports them), or the JSON of
 * `Testing.synth(stack)` / a synthesized cdk.tf.json. Testing.synth drops every `//` comment, where the
 * null_resource rendering keeps its spec, so for null_resource pass the stack.
 */
export function oktaDeclarations(
  synthesized: string | Record<string, unknown> | { toTerraform(): unknown },
): OktaDeclarations {
  // A stack is validated first, as synth would: an invalid construct fails the test with its problems.
  const validations = (synthesized as { runAllValidations?: unknown }).runAllValidations;
  if (typeof validations === 'function') (validations as () => void).call(synthesized);
  const json = (
    typeof synthesized === 'string'
      ? JSON.parse(synthesized)
      : typeof (synthesized as { toTerraform?: unknown }).toTerraform === 'function'
        ? (synthesized as { toTerraform(): unknown }).toTerraform()
        : synthesized
  ) as { resource?: Parameters<typeof specsOfSynthesizedResources>[0] };
  const orgs: DeclaredOrg[] = [];
  const productAssignments: DeclaredProductAssignment[] = [];
  const rateLimits: DeclaredRateLimit[] = [];
  for (const { spec } of specsOfSynthesizedResources(json.resource ?? {})) {
    const { path, removalPolicy } = spec;
    if (spec.kind === 'aerial-org') {
      orgs.push({ path, accountId: spec.account.accountId, ...spec.org, status: spec.status, removalPolicy });
    } else if (spec.kind === 'product-assignment') {
      productAssignments.push({
        path,
        accountId: spec.account.accountId,
        ...('orgId' in spec.org ? { orgId: spec.org.orgId } : { domain: spec.org.domain }),
        productIds: spec.productIds,
        removalPolicy,
      });
    } else {
      rateLimits.push({
        path,
        orgUrl: spec.org.orgUrl,
        principalId: spec.principalId,
        principalType: spec.principalType,
        defaultPercentage: spec.defaultPercentage,
        defaultConcurrencyPercentage: spec.defaultConcurrencyPercentage,
        removalPolicy,
      });
    }
  }
  return { orgs, productAssignments, rateLimits };
}
