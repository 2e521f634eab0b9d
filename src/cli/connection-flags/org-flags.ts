/**
 * The --org-url flags to OktaOrg props and the OrgConnectionSpecs they render, with every problem named by
 * its flag.
 */
import { ENV, validateOrgConnection, type OrgAuthSpec, type OrgConnectionSpec } from '../../contract';
import { CONNECTION_DEFAULTS } from '../../common';
import { inFlagTerms, LABEL_PLACEHOLDER, type ConnectionFlagValues } from './flags';
import { orgUrlLabel, trimSlash } from './org-url';
import type { OrgFlags, OrgPropsJson } from './types';

/** Prop names in validation messages, and the flags that set them (longest first, so prefixes cannot clash). */
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

export function orgsFromFlags(values: ConnectionFlagValues, problems: string[]): OrgFlags[] {
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
