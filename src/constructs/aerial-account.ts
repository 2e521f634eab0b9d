import { Construct } from 'constructs';
import {
  AERIAL_ENVIRONMENTS,
  ENV,
  SPEC_PATTERNS,
  SpecValidationError,
  validateAerialConnection,
  type AerialConnectionSpec,
  type AerialEnvironment,
} from '../contract';
import { CONNECTION_DEFAULTS, checkRendering, trimSlash } from './connection';
import { isUnresolved, type Rendering } from './lifecycle';
import { reportProblem } from './problems';

/** An Aerial account connection that AerialOrg and ProductAssignment render into their specs. */
export interface IAerialAccount {
  /** The Aerial account id. */
  readonly accountId: string;
  /** Which Terraform resource type carries the lifecycle hooks. */
  readonly rendering: Rendering;
  /** Overrides the hook command, when set. */
  readonly hookCommand?: string;
  /** The connection as it goes into a spec. */
  toSpec(): AerialConnectionSpec;
}

/** Props of {@link AerialAccount}. */
export interface AerialAccountProps {
  /** The Aerial account id: 27 lowercase letters or digits. */
  readonly accountId: string;
  /**
   * The Aerial environment the account lives in.
   * @default 'production' (https://aerial-apac.okta.com; 'sandbox' is https://aerial-sandbox.okta.com)
   */
  readonly environment?: AerialEnvironment;
  /**
   * Base URL of the Aerial API, without the account id; overrides the environment's host (e.g. the emulator).
   * https only; http is allowed for 127.0.0.1, ::1 and localhost.
   * @default - the environment's public host
   */
  readonly baseUrl?: string;
  /**
   * Domain of the account's Aerial org (e.g. acme-aerial.okta.com); the token URL is derived from it.
   * One of aerialOrgDomain or tokenUrl is required.
   * @default - tokenUrl is used
   */
  readonly aerialOrgDomain?: string;
  /**
   * Token endpoint of the Aerial org.
   * @default - https://{aerialOrgDomain}/oauth2/v1/token
   */
  readonly tokenUrl?: string;
  /** Client id of the API service app registered in the Aerial org. */
  readonly clientId: string;
  /**
   * Name of the environment variable holding the service app's private key (PEM or JWK JSON).
   * @default 'OKTA_AERIAL_PRIVATE_KEY'
   */
  readonly privateKeyEnv?: string;
  /**
   * Name of the environment variable holding the key id (kid) of that key.
   * @default 'OKTA_AERIAL_KEY_ID'
   */
  readonly keyIdEnv?: string;
  /**
   * Bind tokens to a key with DPoP.
   * @default false
   */
  readonly dpop?: boolean;
  /**
   * Most requests in flight to this account at once, across every hook process of a deploy (1..10).
   * @default 10 (Okta's limit per Aerial account)
   */
  readonly maxConcurrency?: number;
  /**
   * Overall deadline of one operation, retries included, in milliseconds (1000..3600000).
   * @default 300000 (5 minutes)
   */
  readonly retryDeadlineMs?: number;
  /**
   * The account is in the Okta Partner Program: deletion requests are allowed outside the sandbox.
   * @default false
   */
  readonly partnerAccount?: boolean;
  /**
   * Terraform resource type that carries the lifecycle hooks of the orgs and assignments of this account.
   * @default 'terraform_data' (built into Terraform; 'null_resource' needs the hashicorp/null provider)
   */
  readonly rendering?: Rendering;
  /**
   * Command that runs the okta-aerial CLI, for installs where it is on PATH (e.g. 'okta-aerial').
   * @default - `OKTA_AERIAL_NODE_EXTRA_CA_CERTS="$NODE_EXTRA_CA_CERTS" NODE_EXTRA_CA_CERTS= node '<relative path to this package's bin/okta-aerial.js>'`, or the 'okta-aerial:hookCommand' context
   */
  readonly hookCommand?: string;
}

/**
 * The connection of one Okta Aerial account: where its API is, its Aerial org's token endpoint, the client
 * id, and the NAMES of the environment variables holding the key. Renders no Terraform resource.
 */
export class AerialAccount extends Construct implements IAerialAccount {
  readonly accountId: string;
  readonly rendering: Rendering;
  readonly hookCommand?: string;
  private readonly spec: AerialConnectionSpec;

  constructor(scope: Construct, id: string, props: AerialAccountProps) {
    super(scope, id);
    const environment = props.environment ?? 'production';
    this.accountId = props.accountId;
    this.rendering = props.rendering ?? 'terraform_data';
    this.hookCommand = props.hookCommand;
    // A bad environment is reported once, by the connection rules below.
    const problems: string[] = [];
    const tokenUrl = this.tokenUrl(props, problems);
    this.spec = {
      accountId: props.accountId,
      baseUrl: trimSlash(
        props.baseUrl ??
          (Object.hasOwn(AERIAL_ENVIRONMENTS, environment)
            ? AERIAL_ENVIRONMENTS[environment]
            : AERIAL_ENVIRONMENTS.production),
      ),
      tokenUrl: tokenUrl ?? '',
      clientId: props.clientId,
      privateKeyEnv: props.privateKeyEnv ?? ENV.aerialPrivateKey,
      keyIdEnv: props.keyIdEnv ?? ENV.aerialKeyId,
      dpop: props.dpop ?? false,
      maxConcurrency: props.maxConcurrency ?? CONNECTION_DEFAULTS.maxConcurrency,
      deadlineMs: props.retryDeadlineMs ?? CONNECTION_DEFAULTS.retryDeadlineMs,
      environment,
      partnerAccount: props.partnerAccount ?? false,
    };
    problems.push(
      // A missing tokenUrl was reported above, in terms of the props.
      ...validateAerialConnection(this.spec, { isUnresolved }).filter(
        (p) => tokenUrl !== undefined || !p.startsWith('tokenUrl '),
      ),
      ...checkRendering(this.rendering, props.hookCommand),
    );
    if (problems.length > 0)
      reportProblem(this, new SpecValidationError(`AerialAccount '${this.node.path}'`, problems));
  }

  /** The connection as it goes into a spec (env var names only, never secrets). */
  toSpec(): AerialConnectionSpec {
    return { ...this.spec };
  }

  private tokenUrl(props: AerialAccountProps, problems: string[]): string | undefined {
    const { aerialOrgDomain, tokenUrl } = props;
    if (aerialOrgDomain !== undefined && tokenUrl !== undefined) {
      problems.push(
        'aerialOrgDomain and tokenUrl are both set; set only one (tokenUrl overrides the derived url)',
      );
      return undefined;
    }
    if (tokenUrl !== undefined) return tokenUrl;
    if (aerialOrgDomain === undefined) {
      problems.push(
        "aerialOrgDomain or tokenUrl is missing; set the Aerial org's domain, e.g. 'acme-aerial.okta.com'",
      );
      return undefined;
    }
    if (!isUnresolved(aerialOrgDomain) && !SPEC_PATTERNS.domain.test(aerialOrgDomain)) {
      problems.push(
        `aerialOrgDomain '${aerialOrgDomain}' is not a domain name; expected a host name like acme-aerial.okta.com (without https://)`,
      );
      return undefined;
    }
    return `https://${aerialOrgDomain}/oauth2/v1/token`;
  }
}
