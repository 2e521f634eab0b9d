import type { TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import {
  SPEC_VERSION,
  type ProductAssignmentIdentitySpec,
  type ProductAssignmentSpec,
  type RemovalPolicy,
} from '../contract';
import type { IAerialOrgRef } from './aerial-org';
import { describeOrgKey, orgKey } from './connection';
import { isUnresolved } from './lifecycle';
import { renderResource, requireProps } from './render-resource';

/** Props of {@link ProductAssignment}. */
export interface ProductAssignmentProps {
  /** The org: an AerialOrg of this stack, or AerialOrg.fromOrgId(...) for an org linked elsewhere. */
  readonly org: IAerialOrgRef;
  /**
   * Exactly the products that must be enabled in the org (ids like 'P000052'); any other enabled product is
   * disabled. Order and duplicates do not matter; an empty list disables every product.
   */
  readonly productIds: string[];
  /**
   * What `cdktf destroy` does: RETAIN leaves the products enabled; DESTROY disables the products listed here.
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

/** Sorted and without duplicates, so that order never shows up as a change in a plan. */
function normalizeProductIds(ids: string[]): string[] {
  if (!Array.isArray(ids) || isUnresolved(ids)) return ids;
  return [...new Set(ids)].sort();
}

/** The set of products enabled in one org of an Aerial account (the API replaces the whole set). */
export class ProductAssignment extends Construct {
  /** The identity resource: keyed on account + org; carries the destroy hook. */
  readonly identityResource: TerraformResource;
  /** The config resource: carries the apply hook that sets the enabled products. */
  readonly configResource: TerraformResource;

  constructor(scope: Construct, id: string, props: ProductAssignmentProps) {
    super(scope, id);
    requireProps(this, 'ProductAssignment', props, {
      org: 'the AerialOrg (or AerialOrg.fromOrgId(...)) whose products these are',
      productIds: "the list of product ids to enable, e.g. ['P000052']",
    });
    const account = props.org.account.toSpec();
    const spec: ProductAssignmentSpec = {
      v: SPEC_VERSION,
      kind: 'product-assignment',
      path: this.node.path,
      removalPolicy: props.removalPolicy ?? 'RETAIN',
      account,
      org: props.org.orgRef,
      productIds: normalizeProductIds(props.productIds),
    };
    const key = orgKey(account.accountId, spec.org);
    const identitySpec: ProductAssignmentIdentitySpec = { ...spec, role: 'identity' };
    const lifecycle = renderResource(this, {
      type: 'ProductAssignment',
      spec,
      connection: props.org.account,
      key,
      keyDescription: `the products of org ${describeOrgKey(key)}`,
      identitySpec,
      retired: props.retired,
      state: { productIds: spec.productIds },
      // The org must be linked before its products are set, and on destroy they go before the org does.
      dependsOn: props.org.configResource ? [props.org.configResource] : undefined,
    });
    this.identityResource = lifecycle.identity;
    this.configResource = lifecycle.config;
  }
}
