import type { ITerraformDependable, TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import {
  SPEC_VERSION,
  SpecValidationError,
  orgIdLookupKey,
  type AerialOrgIdentitySpec,
  type AerialOrgSpec,
  type OrgRefSpec,
  type OrgStatus,
  type RemovalPolicy,
} from '../contract';
import type { IAerialAccount } from './aerial-account';
import type { IOktaOrg } from './okta-org';
import { describeOrgKey, orgKey } from './connection';
import { isLoopbackHost, orgSubdomain } from '../common/net';
import { isUnresolved } from './lifecycle';
import { lookedUp } from './lookup';
import { reportProblem } from './problems';
import { renderResource, requireProps } from './render-resource';

/** An org of an Aerial account, managed in this stack or not; what ProductAssignment needs. */
export interface IAerialOrgRef {
  /** The account the org is linked to. */
  readonly account: IAerialAccount;
  /** How the org is named: by id, or by domain and cell. */
  readonly orgRef: OrgRefSpec;
  /** What must be deployed before resources of this org (its link), when it is managed in this stack. */
  readonly configResource?: ITerraformDependable;
}

/** Props of {@link AerialOrg}. */
export interface AerialOrgProps {
  /** The Aerial account the org is linked to. */
  readonly account: IAerialAccount;
  /**
   * The org id (00o + 17 letters or digits). Set this, or domain and cell.
   * @default - domain and cell name the org
   */
  readonly orgId?: string;
  /**
   * The org's domain (e.g. acme-eu.okta.com), with cell, to link an org whose id is not known.
   * @default - orgId names the org
   */
  readonly domain?: string;
  /**
   * The org's cell (e.g. ok1, eu1): required with domain; optional with orgId, where it is sent when the
   * org is linked (as Okta's examples do) and is not part of the natural key.
   * @default - none (with orgId, the org is linked by id alone)
   */
  readonly cell?: string;
  /**
   * The org's status; INACTIVE orgs are not billed and their users cannot sign in.
   * @default 'ACTIVE'
   */
  readonly status?: OrgStatus;
  /**
   * What `cdktf destroy` (or a key change) does to the org: RETAIN leaves it as it is; DESTROY sets it INACTIVE.
   * Okta cannot unlink an org from an account.
   * @default 'RETAIN'
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * With removalPolicy DESTROY, also request the org's deletion after deactivating it. Okta allows this
   * only in the sandbox environment or for partner accounts.
   * @default false
   */
  readonly requestDeletionOnDestroy?: boolean;
  /**
   * The org's own management API (an OktaOrg with an SSWS token of a super admin, or an OAuth app granted
   * okta.orgs.manage and okta.orgs.read). Before linking, apply grants the org's Aerial consent to the account
   * from the org's side, so a new org goes from unlinked to linked in one deploy; an existing grant to the
   * account counts as done. Consent is never revoked, whatever the removal policy: Okta refuses to revoke
   * it once the org is linked.
   * @default - the org granted consent already (linking fails with a clear error if it has not)
   */
  readonly consentFrom?: IOktaOrg;
  /**
   * Retire this construct: the next deploy takes its lifecycle resources out of the Terraform state with
   * `removed` blocks and gives the remote object its removal-policy handling, as `cdktf destroy` would
   * (the policy as last deployed). Needs Terraform 1.9 or newer. Delete the construct from the code after
   * that deploy. (Deleting it at once leaves the remote object as it is: no hook runs.)
   * @default false
   */
  readonly retired?: boolean;
}

/** An org referenced by id, not managed by this stack (see {@link AerialOrg.fromOrgId}). */
class ImportedAerialOrg extends Construct implements IAerialOrgRef {
  readonly orgRef: OrgRefSpec;
  constructor(
    scope: Construct,
    id: string,
    readonly account: IAerialAccount,
    orgId: string,
  ) {
    super(scope, id);
    this.orgRef = { orgId };
  }
}

/**
 * An org linked to an Aerial account, with its status. Apply links it if it is not linked and sets the
 * status; destroy acts per removalPolicy (default RETAIN: nothing).
 */
export class AerialOrg extends Construct implements IAerialOrgRef {
  /** References an org linked outside this stack, for a ProductAssignment; renders nothing. */
  static fromOrgId(scope: Construct, id: string, account: IAerialAccount, orgId: string): IAerialOrgRef {
    return new ImportedAerialOrg(scope, id, account, orgId);
  }

  readonly account: IAerialAccount;
  /** The org id when given (undefined when the org is named by domain and cell). */
  readonly orgId: string | undefined;
  readonly orgRef: OrgRefSpec;
  /** The identity resource: keyed on account + org; carries the destroy hook. */
  readonly identityResource: TerraformResource;
  /** The config resource: carries the apply hook that links the org and sets its status. */
  readonly configResource: TerraformResource;

  constructor(scope: Construct, id: string, props: AerialOrgProps) {
    super(scope, id);
    requireProps(this, 'AerialOrg', props, { account: 'the AerialAccount the org is linked to' });
    this.account = props.account;
    this.orgId = props.orgId;
    this.orgRef = orgRefOf(props);
    const account = props.account.toSpec();
    const spec: AerialOrgSpec = {
      v: SPEC_VERSION,
      kind: 'aerial-org',
      path: this.node.path,
      removalPolicy: props.removalPolicy ?? 'RETAIN',
      account,
      org: this.orgRef,
      status: props.status ?? 'ACTIVE',
      requestDeletion: props.requestDeletionOnDestroy ?? false,
      ...(props.consentFrom ? { consent: props.consentFrom.toSpec() } : {}),
    };
    const consentUrl = props.consentFrom?.orgUrl;
    const domain = (this.orgRef as { domain?: string }).domain;
    const url =
      consentUrl && !isUnresolved(consentUrl) && URL.canParse(consentUrl) ? new URL(consentUrl) : undefined;
    // (An org URL that does not parse is reported by the OktaOrg itself.)
    if (url && domain && !isUnresolved(domain)) {
      // The emulator names an org only by its subdomain (/orgs/<sub>); Okta by its whole host.
      const same = isLoopbackHost(url.hostname)
        ? orgSubdomain(url) === domain.split('.')[0].toLowerCase()
        : url.hostname.toLowerCase() === domain.toLowerCase();
      if (!same) {
        reportProblem(
          this,
          new SpecValidationError(`AerialOrg '${this.node.path}'`, [
            `consentFrom is the org at ${consentUrl}, but the org to link is ${domain}; pass the OktaOrg of ${domain}`,
          ]),
        );
      }
    }
    const key = orgKey(account.accountId, this.orgRef);
    // The destroy hook needs neither the status nor the consent connection (consent is never revoked).
    const { status, consent: _consent, ...rest } = spec;
    const identitySpec: AerialOrgIdentitySpec = { ...rest, role: 'identity' };
    const lifecycle = renderResource(this, {
      type: 'AerialOrg',
      spec,
      connection: props.account,
      key,
      keyDescription: `org ${describeOrgKey(key)}`,
      identitySpec,
      retired: props.retired,
      state: { status },
    });
    this.identityResource = lifecycle.identity;
    this.configResource = lifecycle.config;
  }

  /**
   * The org's id, for other resources and outputs: the `orgId` prop when given; for an org named by domain,
   * the id `okta-aerial lookup` found after the deploy that linked it (kept in cdktf.json's context), and
   * until then Terraform's null with a synth warning. Known at plan time either way.
   */
  get resolvedOrgId(): string {
    if (this.orgId !== undefined) return this.orgId;
    const ref = this.orgRef as { domain: string };
    if (isUnresolved(ref.domain) || isUnresolved(this.account.accountId)) {
      throw new Error(
        `AerialOrg '${this.node.path}': resolvedOrgId needs a literal domain and account id (they come from ` +
          'other resources here, so the org cannot be looked up at synth); pass orgId instead',
      );
    }
    return lookedUp(this, orgIdLookupKey(this.account.accountId, ref.domain), `the id of org ${ref.domain}`);
  }
}

/**
 * The org ref of the props; a mix of both forms is kept as given so validation names it. Domains are
 * case-insensitive: one spelling keeps the natural key stable when only the case changes.
 */
function orgRefOf(props: AerialOrgProps): OrgRefSpec {
  const { orgId, cell } = props;
  const domain =
    typeof props.domain === 'string' && !isUnresolved(props.domain)
      ? props.domain.toLowerCase()
      : props.domain;
  if (domain === undefined) return (cell === undefined ? { orgId } : { orgId, cell }) as OrgRefSpec;
  if (orgId === undefined) return { domain, cell } as OrgRefSpec;
  return { orgId, domain, cell } as unknown as OrgRefSpec;
}
