import type { TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import {
  DEFAULT_PRINCIPAL_PERCENTAGE,
  SPEC_VERSION,
  type PrincipalRateLimitIdentitySpec,
  type PrincipalRateLimitSpec,
  rateLimitIdLookupKey,
  type PrincipalType,
  type RemovalPolicy,
} from '../contract';
import type { IOktaOrg } from './okta-org';
import { isUnresolved } from './lifecycle';
import { lookedUp } from './lookup';
import { renderResource, requireProps } from './render-resource';

/** Props of {@link PrincipalRateLimit}. */
export interface PrincipalRateLimitProps {
  /** The org whose rate limits are shared (its management API connection). */
  readonly org: IOktaOrg;
  /** Id of the API token (00T...) or OAuth app (0oa...); may be a token from another resource. */
  readonly principalId: string;
  /** Kind of principal. */
  readonly principalType: PrincipalType;
  /**
   * Share (%) of each rate-limit bucket the principal may use (integer 1..100).
   * @default 50 (Okta's default)
   */
  readonly defaultPercentage?: number;
  /**
   * Share (%) of the org's concurrency limit the principal may use (integer 1..100).
   * @default 50 (Okta's default)
   */
  readonly defaultConcurrencyPercentage?: number;
  /**
   * What `cdktf destroy` does: RETAIN leaves the limits as they are; DESTROY resets them to Okta's 50 / 50.
   * @default 'RETAIN'
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Retire this construct: the next deploy takes its lifecycle resources out of the Terraform state with
   * `removed` blocks and gives the remote object its removal-policy handling, as `cdktf destroy` would
   * (the policy as last deployed). Needs Terraform 1.9 or newer. Delete the construct from the code after
   * that deploy. (Deleting it at once leaves the remote object as it is: no hook runs.)
   * @default false
   */
  readonly retired?: boolean;
}

/**
 * How much of an org's rate and concurrency limits one API token or OAuth app may use. Apply adopts the
 * principal's existing entity or creates it, then sets the percentages; there is at most one per principal.
 */
export class PrincipalRateLimit extends Construct {
  /** The identity resource: keyed on org URL + principal id; carries the destroy hook. */
  readonly identityResource: TerraformResource;
  /** The config resource: carries the apply hook that sets the percentages. */
  readonly configResource: TerraformResource;
  /** What {@link entityId} looks up. */
  private readonly lookup: { orgUrl: string; principalId: string; principalType: string };

  constructor(scope: Construct, id: string, props: PrincipalRateLimitProps) {
    super(scope, id);
    requireProps(this, 'PrincipalRateLimit', props, { org: 'the OktaOrg whose rate limits are shared' });
    const org = props.org.toSpec();
    const spec: PrincipalRateLimitSpec = {
      v: SPEC_VERSION,
      kind: 'principal-rate-limit',
      path: this.node.path,
      removalPolicy: props.removalPolicy ?? 'RETAIN',
      org,
      principalId: props.principalId,
      principalType: props.principalType,
      defaultPercentage: props.defaultPercentage ?? DEFAULT_PRINCIPAL_PERCENTAGE,
      defaultConcurrencyPercentage: props.defaultConcurrencyPercentage ?? DEFAULT_PRINCIPAL_PERCENTAGE,
    };
    const key = { 'org.orgUrl': org.orgUrl, principalId: spec.principalId };
    const { defaultPercentage, defaultConcurrencyPercentage, ...rest } = spec;
    const identitySpec: PrincipalRateLimitIdentitySpec = { ...rest, role: 'identity' };
    const lifecycle = renderResource(this, {
      type: 'PrincipalRateLimit',
      spec,
      connection: props.org,
      key,
      keyDescription: `the rate limit of principal ${spec.principalId} in ${org.orgUrl}`,
      identitySpec,
      retired: props.retired,
      state: { principalType: spec.principalType, defaultPercentage, defaultConcurrencyPercentage },
    });
    this.identityResource = lifecycle.identity;
    this.configResource = lifecycle.config;
    this.lookup = { orgUrl: org.orgUrl, principalId: spec.principalId, principalType: spec.principalType };
  }

  /**
   * The id of the org's rate limit entity for this principal, for other resources and outputs: the id
   * `okta-aerial lookup` found after the deploy that created or adopted the entity (kept in cdktf.json's
   * context), and until then Terraform's null with a synth warning.
   */
  get entityId(): string {
    const { orgUrl, principalId, principalType } = this.lookup;
    if ([orgUrl, principalId, principalType].some(isUnresolved)) {
      throw new Error(
        `PrincipalRateLimit '${this.node.path}': entityId needs a literal org URL and principal (they come ` +
          'from other resources here, so the entity cannot be looked up at synth)',
      );
    }
    return lookedUp(
      this,
      rateLimitIdLookupKey(orgUrl, principalType, principalId),
      `the rate limit entity id of ${principalType} ${principalId} in ${orgUrl}`,
    );
  }
}
