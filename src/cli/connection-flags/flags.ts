/**
 * The connection flags: their parseArgs options, their --help text, the values they give, and validation
 * messages in their terms.
 */

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

/** A validation message in flag terms: `baseUrl 'x' is not a url` -> `--base-url 'x' is not a url`. */
export function inFlagTerms(problem: string, names: readonly [string, string][]): string {
  for (const [prop, flag] of names) {
    if (problem.startsWith(`${prop} `)) return `${flag}${problem.slice(prop.length)}`;
  }
  return problem;
}
