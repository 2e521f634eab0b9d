import { Construct } from 'constructs';
import {
  ENV,
  SpecValidationError,
  validateOrgConnection,
  type OrgAuthSpec,
  type OrgConnectionSpec,
} from '../contract';
import { CONNECTION_DEFAULTS, checkRendering, trimSlash } from './connection';
import { isUnresolved, type Rendering } from './lifecycle';
import { reportProblem } from './problems';

/** An org management API connection that PrincipalRateLimit renders into its spec. */
export interface IOktaOrg {
  /** Base URL of the org, e.g. https://acme.okta.com. */
  readonly orgUrl: string;
  /** Which Terraform resource type carries the lifecycle hooks. */
  readonly rendering: Rendering;
  /** Overrides the hook command, when set. */
  readonly hookCommand?: string;
  /** The connection as it goes into a spec. */
  toSpec(): OrgConnectionSpec;
}

/** OAuth 2.0 (private_key_jwt) access to an org's management API. */
export interface OktaOrgOAuthProps {
  /** Client id of a service app granted okta.principalRateLimits.read and .manage. */
  readonly clientId: string;
  /**
   * Name of the environment variable holding the app's private key (PEM or JWK JSON).
   * @default 'OKTA_ORG_PRIVATE_KEY'
   */
  readonly privateKeyEnv?: string;
  /**
   * Name of the environment variable holding the key id (kid).
   * @default 'OKTA_ORG_KEY_ID'
   */
  readonly keyIdEnv?: string;
  /**
   * Token endpoint of the org authorization server.
   * @default - {orgUrl}/oauth2/v1/token
   */
  readonly tokenUrl?: string;
  /**
   * Bind tokens to a key with DPoP.
   * @default false
   */
  readonly dpop?: boolean;
}

/** Props of {@link OktaOrg}. */
export interface OktaOrgProps {
  /** Base URL of the org, e.g. https://acme.okta.com (https; http only for loopback hosts). */
  readonly orgUrl: string;
  /**
   * Name of the environment variable holding an SSWS API token. Set this or oauth, not both.
   * @default 'OKTA_API_TOKEN' when oauth is not set
   */
  readonly apiTokenEnv?: string;
  /**
   * OAuth 2.0 service app credentials (by env var name). Set this or apiTokenEnv, not both.
   * @default - SSWS with apiTokenEnv
   */
  readonly oauth?: OktaOrgOAuthProps;
  /**
   * Most requests in flight to this org at once, across every hook process (1..75).
   * @default 10
   */
  readonly maxConcurrency?: number;
  /**
   * Overall deadline of one operation, retries included, in milliseconds (1000..3600000).
   * @default 300000 (5 minutes)
   */
  readonly retryDeadlineMs?: number;
  /**
   * Terraform resource type that carries the lifecycle hooks of this org's principal rate limits.
   * @default 'terraform_data'
   */
  readonly rendering?: Rendering;
  /**
   * Command that runs the okta-aerial CLI, for installs where it is on PATH (e.g. 'okta-aerial').
   * @default - `OKTA_AERIAL_NODE_EXTRA_CA_CERTS="$NODE_EXTRA_CA_CERTS" NODE_EXTRA_CA_CERTS= node '<relative path to bin/okta-aerial.js>'`, or the 'okta-aerial:hookCommand' context
   */
  readonly hookCommand?: string;
}

/**
 * The connection of one org's management API (for principal rate limits): its URL and either the NAME of
 * an env var holding an SSWS token or OAuth client credentials by env var names. Renders no resource.
 */
export class OktaOrg extends Construct implements IOktaOrg {
  readonly orgUrl: string;
  readonly rendering: Rendering;
  readonly hookCommand?: string;
  private readonly spec: OrgConnectionSpec;

  constructor(scope: Construct, id: string, props: OktaOrgProps) {
    super(scope, id);
    this.orgUrl = trimSlash(props.orgUrl);
    this.rendering = props.rendering ?? 'terraform_data';
    this.hookCommand = props.hookCommand;
    const problems: string[] = [];
    if (props.apiTokenEnv !== undefined && props.oauth !== undefined) {
      problems.push('apiTokenEnv and oauth are both set; choose one way to authenticate');
    }
    const auth: OrgAuthSpec = props.oauth
      ? {
          type: 'oauth',
          clientId: props.oauth.clientId,
          tokenUrl: props.oauth.tokenUrl ?? `${this.orgUrl}/oauth2/v1/token`,
          privateKeyEnv: props.oauth.privateKeyEnv ?? ENV.orgPrivateKey,
          keyIdEnv: props.oauth.keyIdEnv ?? ENV.orgKeyId,
          dpop: props.oauth.dpop ?? false,
        }
      : { type: 'ssws', tokenEnv: props.apiTokenEnv ?? ENV.orgApiToken };
    this.spec = {
      orgUrl: this.orgUrl,
      auth,
      maxConcurrency: props.maxConcurrency ?? CONNECTION_DEFAULTS.maxConcurrency,
      deadlineMs: props.retryDeadlineMs ?? CONNECTION_DEFAULTS.retryDeadlineMs,
    };
    problems.push(
      ...validateOrgConnection(this.spec, { isUnresolved }),
      ...checkRendering(this.rendering, props.hookCommand),
    );
    if (problems.length > 0)
      reportProblem(this, new SpecValidationError(`OktaOrg '${this.node.path}'`, problems));
  }

  /** The connection as it goes into a spec (env var names only, never secrets). */
  toSpec(): OrgConnectionSpec {
    return { ...this.spec };
  }
}
