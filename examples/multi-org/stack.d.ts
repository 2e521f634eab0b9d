// Types of stack.js, so TypeScript tests and apps can build the example stack.
import type { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { OrgStatus, PrincipalType, Rendering, RemovalPolicy } from '../../src';

/** Knobs of the multi-org example (all optional; OKTA_AERIAL_EXAMPLE_OPTIONS holds them as JSON). */
export interface MultiOrgOptions {
  /** Where the connection values are read from. @default process.env */
  readonly env?: Record<string, string | undefined>;
  /** Removal policy of every org, assignment and rate limit. @default 'RETAIN' */
  readonly removalPolicy?: RemovalPolicy;
  /** Lifecycle resource type. @default 'terraform_data' */
  readonly rendering?: Rendering;
  /** Hook command override, e.g. 'okta-aerial'. @default - the relative path to bin/okta-aerial.js */
  readonly hookCommand?: string;
  /** Construct ids to leave out: an org (with its products), `<Org>Products`, or a rate limit id. */
  readonly omit?: readonly string[];
  /** Replaces how an org is named (its natural key), by construct id. */
  readonly orgs?: Readonly<Record<string, { orgId: string } | { domain: string; cell: string }>>;
  /** Status per org construct id (AcmeProd, AcmeDev, AcmeEu, AcmeStage). */
  readonly statuses?: Readonly<Record<string, OrgStatus>>;
  /** Product ids per org construct id. */
  readonly products?: Readonly<Record<string, string[]>>;
  /** Overrides per rate limit construct id (AcmeProdCiToken, AcmeProdSyncApp, AcmeProdOpsToken, AcmeDevCiToken). */
  readonly rateLimits?: Readonly<
    Record<
      string,
      { defaultPercentage?: number; defaultConcurrencyPercentage?: number; principalId?: string }
    >
  >;
}

/** The example's orgs by construct id. */
export declare const ORGS: Readonly<
  Record<
    string,
    { orgId?: string; domain?: string; cell?: string; status: OrgStatus; productIds: readonly string[] }
  >
>;
/** The example's rate limits by construct id. */
export declare const RATE_LIMITS: Readonly<
  Record<
    string,
    {
      org: string;
      principalId: string;
      principalType: PrincipalType;
      defaultPercentage: number;
      defaultConcurrencyPercentage: number;
    }
  >
>;
/** Environment variables the example requires. */
export declare const REQUIRED_ENV: readonly string[];

/** Builds the multi-org stack (id 'multi-org' by default) into `app`. */
export declare function buildMultiOrgStack(
  app: Construct,
  id?: string,
  options?: MultiOrgOptions,
): TerraformStack;

/** Reads MultiOrgOptions from OKTA_AERIAL_EXAMPLE_OPTIONS (JSON); {} when unset. */
export declare function optionsFromEnv(env: Record<string, string | undefined>): MultiOrgOptions;
