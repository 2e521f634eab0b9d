/**
 * The connection flags of the read-only commands (`import`, `show`): they mirror the props of AerialAccount
 * and OktaOrg, and turn into the same spec connections the constructs render (AerialConnectionSpec,
 * OrgConnectionSpec), so a command reads through exactly the connection the generated code declares. Flags
 * carry values and environment variable NAMES only; the secrets are read from the environment by name.
 *
 * Loads no cdktf and no client: a usage error costs nothing.
 */
import type { AerialAccountProps, OktaOrgProps } from '../constructs';
import { resolveAerialConnection, resolveOrgConnection } from '../handlers/connections';
import {
  AERIAL_ENVIRONMENTS,
  ENV,
  SPEC_PATTERNS,
  validateAerialConnection,
  validateOrgConnection,
  type AerialConnectionSpec,
  type AerialEnvironment,
  type OrgAuthSpec,
  type OrgConnectionSpec,
} from '../contract';
import { CONNECTION_DEFAULTS } from '../common';
import { CliUsageError } from './output';

/** What `{LABEL}` in an environment variable name flag stands for. */
export const LABEL_PLACEHOLDER = '{LABEL}';

/** `node:util` parseArgs options of the connection flags. */
export const CONNECTION_OPTIONS = {
  'account-id': { type: 'string' },
  environment: { type: 'string' },
  'base-url': { type: 'string' },
  'aerial-org-domain': { type: 'string' },
  'token-url': { type: 'string' },
  'client-id': { type: 'string' },
  'private-key-env': { type: 'string' },
  'key-id-env': { type: 'string' },
  dpop: { type: 'boolean' },
  'org-url': { type: 'string', multiple: true },
  'api-token-env': { type: 'string' },
  'org-client-id': { type: 'string' },
  'org-private-key-env': { type: 'string' },
  'org-key-id-env': { type: 'string' },
} as const;

/** The --help text of the connection flags. */
export const CONNECTION_USAGE = `the account (the props of AerialAccount):
  --account-id ID            the Aerial account id (27 lowercase letters or digits); required
  --environment ENV          production (https://aerial-apac.okta.com, the default) or sandbox
                             (https://aerial-sandbox.okta.com)
  --base-url URL             the Aerial API host instead of --environment's (e.g. the emulator's
                             $OKTA_AERIAL_BASE_URL); https, or http for 127.0.0.1 / ::1 / localhost
  --aerial-org-domain DOMAIN the account's Aerial org, e.g. acme-aerial.okta.com; tokens come from
                             https://DOMAIN/oauth2/v1/token
  --token-url URL            the Aerial org's token endpoint, instead of --aerial-org-domain
  --client-id ID             the Aerial org's API Services app (okta.accounts.read is enough); required
  --private-key-env NAME     variable holding that app's private key, PEM or JWK
                             (default OKTA_AERIAL_PRIVATE_KEY)
  --key-id-env NAME          variable holding the key id (default OKTA_AERIAL_KEY_ID; may be unset)
  --dpop                     DPoP-bound tokens

principal rate limits (the props of OktaOrg; an org without --org-url has none read):
  --org-url URL              an org's management API, e.g. https://acme-prod.okta.com; repeat per org
  --api-token-env NAME       variable holding an SSWS API token (default OKTA_API_TOKEN)
  --org-client-id ID         or OAuth: a service app granted okta.principalRateLimits.read
  --org-private-key-env NAME its private key (default OKTA_ORG_PRIVATE_KEY)
  --org-key-id-env NAME      its key id (default OKTA_ORG_KEY_ID)
  These apply to every --org-url. In a NAME, ${LABEL_PLACEHOLDER} stands for the org's subdomain upper-cased
  with '-' as '_' (https://acme-prod.okta.com -> ACME_PROD; for a URL with a path, its last segment), so
  --api-token-env 'OKTA_API_TOKEN_${LABEL_PLACEHOLDER}' names one token per org, as the emulator's credentials do.

Secrets are read from the environment by name; only the names ever appear in output.`;

/** The values parseArgs returns for {@link CONNECTION_OPTIONS}. */
export interface ConnectionFlagValues {
  readonly 'account-id'?: string;
  readonly environment?: string;
  readonly 'base-url'?: string;
  readonly 'aerial-org-domain'?: string;
  readonly 'token-url'?: string;
  readonly 'client-id'?: string;
  readonly 'private-key-env'?: string;
  readonly 'key-id-env'?: string;
  readonly dpop?: boolean;
  readonly 'org-url'?: readonly string[];
  readonly 'api-token-env'?: string;
  readonly 'org-client-id'?: string;
  readonly 'org-private-key-env'?: string;
  readonly 'org-key-id-env'?: string;
}

/** The AerialAccount props a command was given, as plain JSON (what generated code passes). */
export type AccountPropsJson = Pick<
  AerialAccountProps,
  | 'accountId'
  | 'environment'
  | 'baseUrl'
  | 'aerialOrgDomain'
  | 'tokenUrl'
  | 'clientId'
  | 'privateKeyEnv'
  | 'keyIdEnv'
  | 'dpop'
>;

/** The OktaOrg props of one --org-url, as plain JSON. */
export type OrgPropsJson = Pick<OktaOrgProps, 'orgUrl' | 'apiTokenEnv'> & {
  readonly oauth?: { readonly clientId: string; readonly privateKeyEnv: string; readonly keyIdEnv: string };
};

/** One --org-url: its props, the spec connection they render, and its {LABEL}. */
export interface OrgFlags {
  readonly label: string;
  readonly props: OrgPropsJson;
  readonly spec: OrgConnectionSpec;
}

/** Every connection the flags name. */
export interface Connections {
  readonly account: { readonly props: AccountPropsJson; readonly spec: AerialConnectionSpec };
  readonly orgs: readonly OrgFlags[];
}

/** Prop names in validation messages, and the flags that set them (longest first, so prefixes cannot clash). */
const ACCOUNT_FLAG_NAMES: readonly [string, string][] = [
  ['privateKeyEnv', '--private-key-env'],
  ['retryDeadlineMs', 'the retry deadline'],
  ['maxConcurrency', 'the concurrency cap'],
  ['accountId', '--account-id'],
  ['keyIdEnv', '--key-id-env'],
  ['clientId', '--client-id'],
  ['tokenUrl', '--token-url'],
  ['baseUrl', '--base-url'],
];
const ORG_FLAG_NAMES: readonly [string, string][] = [
  ['oauth.privateKeyEnv', '--org-private-key-env'],
  ['oauth.keyIdEnv', '--org-key-id-env'],
  ['oauth.clientId', '--org-client-id'],
  ['oauth.tokenUrl', 'the token url derived from --org-url'],
  ['retryDeadlineMs', 'the retry deadline'],
  ['maxConcurrency', 'the concurrency cap'],
  ['apiTokenEnv', '--api-token-env'],
  ['orgUrl', '--org-url'],
];

/** A validation message in flag terms: `baseUrl 'x' is not a url` -> `--base-url 'x' is not a url`. */
function inFlagTerms(problem: string, names: readonly [string, string][]): string {
  for (const [prop, flag] of names) {
    if (problem.startsWith(`${prop} `)) return `${flag}${problem.slice(prop.length)}`;
  }
  return problem;
}

/**
 * The subdomain an org URL names: the first label of its host (https://acme-prod.okta.com -> acme-prod), or
 * the last path segment when the URL has a path (the emulator's http://127.0.0.1:8787/orgs/acme-prod).
 */
export function orgUrlSubdomain(orgUrl: string): string {
  let url: URL;
  try {
    url = new URL(orgUrl);
  } catch {
    return '';
  }
  const segments = url.pathname.split('/').filter((s) => s !== '');
  const last = segments[segments.length - 1];
  return (last ?? url.hostname.split('.')[0]).toLowerCase();
}

/** `{LABEL}` of an org URL: its subdomain upper-cased, anything but letters and digits as '_'. */
export function orgUrlLabel(orgUrl: string): string {
  return orgUrlSubdomain(orgUrl)
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '_');
}

const trimSlash = (url: string): string => url.replace(/\/+$/, '');

/**
 * Turns the connection flags into props and spec connections, checks them like the constructs do, and
 * checks that every credential they name is set in `env` (throwing the MissingCredentialError of the hooks).
 * Any other problem is one CliUsageError naming the flags.
 */
export function connectionsFromFlags(values: ConnectionFlagValues, env: NodeJS.ProcessEnv): Connections {
  const problems: string[] = [];
  const account = accountFromFlags(values, problems);
  const orgs = orgsFromFlags(values, problems);
  if (problems.length > 0) throw new CliUsageError(problems.join('; '));
  // Fail before any request when a named credential is missing: the same check (and message) as a hook's.
  resolveAerialConnection(account.spec, env);
  for (const org of orgs) resolveOrgConnection(org.spec, env);
  return { account, orgs };
}

function accountFromFlags(values: ConnectionFlagValues, problems: string[]): Connections['account'] {
  const accountId = values['account-id'];
  const clientId = values['client-id'];
  const environment = values.environment;
  const baseUrl = values['base-url'];
  const aerialOrgDomain = values['aerial-org-domain'];
  const tokenUrlFlag = values['token-url'];
  const missing: string[] = [];
  if (accountId === undefined) {
    missing.push('--account-id is missing; pass the Aerial account id (27 lowercase letters or digits)');
  }
  if (clientId === undefined) {
    missing.push("--client-id is missing; pass the client id of the Aerial org's API Services app");
  }
  if (environment !== undefined && !Object.hasOwn(AERIAL_ENVIRONMENTS, environment)) {
    problems.push(`--environment is '${environment}'; use 'production' or 'sandbox'`);
  }
  if (environment !== undefined && baseUrl !== undefined) {
    problems.push(
      "--base-url and --environment are both set; pass one: --environment picks Okta's host, --base-url replaces it",
    );
  }
  let tokenUrl: string | undefined;
  if (aerialOrgDomain !== undefined && tokenUrlFlag !== undefined) {
    problems.push('--aerial-org-domain and --token-url are both set; pass only one');
  } else if (tokenUrlFlag !== undefined) {
    tokenUrl = tokenUrlFlag;
  } else if (aerialOrgDomain === undefined) {
    missing.push(
      "--aerial-org-domain or --token-url is missing; pass the Aerial org's domain, e.g. --aerial-org-domain acme-aerial.okta.com",
    );
  } else if (!SPEC_PATTERNS.domain.test(aerialOrgDomain)) {
    problems.push(
      `--aerial-org-domain '${aerialOrgDomain}' is not a domain name; expected a host name like acme-aerial.okta.com (without https://)`,
    );
  } else {
    tokenUrl = `https://${aerialOrgDomain}/oauth2/v1/token`;
  }
  problems.unshift(...missing);

  const props: AccountPropsJson = {
    accountId: accountId ?? '',
    ...(environment !== undefined ? { environment: environment as AerialEnvironment } : {}),
    ...(baseUrl !== undefined ? { baseUrl } : {}),
    ...(aerialOrgDomain !== undefined ? { aerialOrgDomain } : {}),
    ...(tokenUrlFlag !== undefined ? { tokenUrl: tokenUrlFlag } : {}),
    clientId: clientId ?? '',
    privateKeyEnv: values['private-key-env'] ?? ENV.aerialPrivateKey,
    keyIdEnv: values['key-id-env'] ?? ENV.aerialKeyId,
    ...(values.dpop ? { dpop: true } : {}),
  };
  const env: AerialEnvironment =
    environment !== undefined && Object.hasOwn(AERIAL_ENVIRONMENTS, environment)
      ? (environment as AerialEnvironment)
      : 'production';
  // What `new AerialAccount(scope, id, props).toSpec()` renders for these props.
  const spec: AerialConnectionSpec = {
    accountId: props.accountId,
    baseUrl: trimSlash(baseUrl ?? AERIAL_ENVIRONMENTS[env]),
    tokenUrl: tokenUrl ?? '',
    clientId: props.clientId,
    privateKeyEnv: props.privateKeyEnv!,
    keyIdEnv: props.keyIdEnv,
    dpop: props.dpop ?? false,
    maxConcurrency: CONNECTION_DEFAULTS.maxConcurrency,
    deadlineMs: CONNECTION_DEFAULTS.retryDeadlineMs,
    environment: env,
    partnerAccount: false,
  };
  if (missing.length === 0) {
    problems.push(
      ...validateAerialConnection(spec)
        // A token URL problem was reported above in terms of --aerial-org-domain / --token-url.
        .filter((p) => tokenUrl !== undefined || !p.startsWith('tokenUrl '))
        .map((p) => inFlagTerms(p, ACCOUNT_FLAG_NAMES)),
    );
  }
  return { props, spec };
}

function orgsFromFlags(values: ConnectionFlagValues, problems: string[]): OrgFlags[] {
  const urls = values['org-url'] ?? [];
  const apiTokenEnv = values['api-token-env'];
  const clientId = values['org-client-id'];
  const privateKeyEnv = values['org-private-key-env'];
  const keyIdEnv = values['org-key-id-env'];
  if (apiTokenEnv !== undefined && clientId !== undefined) {
    problems.push(
      '--api-token-env and --org-client-id are both set; choose one way to authenticate to the orgs (SSWS or OAuth)',
    );
  }
  if (clientId === undefined) {
    if (privateKeyEnv !== undefined) problems.push('--org-private-key-env needs --org-client-id (OAuth)');
    if (keyIdEnv !== undefined) problems.push('--org-key-id-env needs --org-client-id (OAuth)');
  }
  if (urls.length === 0) {
    const stray = (
      [
        ['--api-token-env', apiTokenEnv],
        ['--org-client-id', clientId],
        ['--org-private-key-env', privateKeyEnv],
        ['--org-key-id-env', keyIdEnv],
      ] as const
    )
      .filter(([, v]) => v !== undefined)
      .map(([flag]) => flag);
    if (stray.length > 0) {
      problems.push(
        `${stray.join(', ')} ${stray.length === 1 ? 'applies' : 'apply'} to --org-url; pass --org-url too`,
      );
    }
    return [];
  }
  const seen = new Set<string>();
  const out: OrgFlags[] = [];
  for (const raw of urls) {
    const orgUrl = trimSlash(raw);
    const label = orgUrlLabel(orgUrl);
    const key = orgUrl.toLowerCase();
    if (seen.has(key)) {
      problems.push(`--org-url ${orgUrl} is given twice; pass each org once`);
      continue;
    }
    seen.add(key);
    // {LABEL} -> this org's label; the result is checked as a variable name by validateOrgConnection below.
    const name = (value: string): string => value.split(LABEL_PLACEHOLDER).join(label);
    const props: OrgPropsJson =
      clientId !== undefined
        ? {
            orgUrl,
            oauth: {
              clientId,
              privateKeyEnv: name(privateKeyEnv ?? ENV.orgPrivateKey),
              keyIdEnv: name(keyIdEnv ?? ENV.orgKeyId),
            },
          }
        : { orgUrl, apiTokenEnv: name(apiTokenEnv ?? ENV.orgApiToken) };
    // What `new OktaOrg(scope, id, props).toSpec()` renders for these props.
    const auth: OrgAuthSpec = props.oauth
      ? {
          type: 'oauth',
          clientId: props.oauth.clientId,
          tokenUrl: `${orgUrl}/oauth2/v1/token`,
          privateKeyEnv: props.oauth.privateKeyEnv,
          keyIdEnv: props.oauth.keyIdEnv,
          dpop: false,
        }
      : { type: 'ssws', tokenEnv: props.apiTokenEnv! };
    const spec: OrgConnectionSpec = {
      orgUrl,
      auth,
      maxConcurrency: CONNECTION_DEFAULTS.maxConcurrency,
      deadlineMs: CONNECTION_DEFAULTS.retryDeadlineMs,
    };
    const orgProblems = validateOrgConnection(spec).map((p) => inFlagTerms(p, ORG_FLAG_NAMES));
    // The derived token URL is only wrong when --org-url is; say it once, in terms of --org-url.
    problems.push(...orgProblems.filter((p) => !p.startsWith('the token url derived')));
    out.push({ label, props, spec });
  }
  return out;
}
