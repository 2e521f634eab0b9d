/**
 * The account's flags to AerialAccount props and the AerialConnectionSpec they render, with every problem
 * named by its flag.
 */
import {
  AERIAL_ENVIRONMENTS,
  ENV,
  SPEC_PATTERNS,
  validateAerialConnection,
  type AerialConnectionSpec,
  type AerialEnvironment,
} from '../../contract';
import { CONNECTION_DEFAULTS } from '../../common';
import { inFlagTerms, type ConnectionFlagValues } from './flags';
import { trimSlash } from './org-url';
import type { AccountPropsJson, Connections } from './types';

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

export function accountFromFlags(values: ConnectionFlagValues, problems: string[]): Connections['account'] {
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
