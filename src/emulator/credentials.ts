/** The environment variables that point a stack or a script at a running emulator. */
import type { EmulatorCore } from './core';
import { DEMO } from './seed';
import type { AccountState, OrgState } from './state';

/** Env label of an org: subdomain upper-cased, '-' → '_' (acme-prod → ACME_PROD). */
export function orgLabel(org: OrgState): string {
  return org.subdomain.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/**
 * Builds the credentials map. The demo accounts are used when present; otherwise the first account of
 * each environment and the first client of its Aerial org that can get okta.accounts.manage.
 */
export function buildCredentials(
  core: EmulatorCore,
  privateKeyPem: string,
  keyId: string,
): Record<string, string> {
  const out: Record<string, string> = { OKTA_AERIAL_EMULATOR_URL: core.url };
  const pick = (env: 'production' | 'sandbox', demoId: string): AccountState | undefined =>
    core.state.accounts.find((a) => a.id === demoId) ??
    core.state.accounts.find((a) => a.environment === env);
  const clientOf = (account: AccountState, demoClient: string): string | undefined => {
    const org = core.aerialOrgOf(account);
    const c =
      org?.clients.find((x) => x.clientId === demoClient) ??
      org?.clients.find((x) => x.scopes.includes('okta.accounts.manage'));
    return c?.clientId;
  };
  const prod = pick('production', DEMO.accountId);
  if (prod) {
    const aerialOrg = core.aerialOrgOf(prod);
    out.OKTA_AERIAL_ACCOUNT_ID = prod.id;
    out.OKTA_AERIAL_BASE_URL = core.aerialBase(prod.environment);
    if (aerialOrg) out.OKTA_AERIAL_TOKEN_URL = core.tokenUrl(aerialOrg);
    const c = clientOf(prod, DEMO.aerialClientId);
    if (c) out.OKTA_AERIAL_CLIENT_ID = c;
  }
  const sbx = pick('sandbox', DEMO.sandboxAccountId);
  if (sbx) {
    const aerialOrg = core.aerialOrgOf(sbx);
    out.OKTA_AERIAL_SANDBOX_ACCOUNT_ID = sbx.id;
    out.OKTA_AERIAL_SANDBOX_BASE_URL = core.aerialBase(sbx.environment);
    if (aerialOrg) out.OKTA_AERIAL_SANDBOX_TOKEN_URL = core.tokenUrl(aerialOrg);
    const c = clientOf(sbx, DEMO.sandboxClientId);
    if (c) out.OKTA_AERIAL_SANDBOX_CLIENT_ID = c;
  }
  out.OKTA_AERIAL_PRIVATE_KEY = privateKeyPem;
  out.OKTA_AERIAL_KEY_ID = keyId;
  for (const org of core.state.orgs) {
    if (org.deleted) continue;
    const label = orgLabel(org);
    out[`OKTA_ORG_URL_${label}`] = core.orgBase(org);
    if (org.apiTokens[0]) out[`OKTA_API_TOKEN_${label}`] = org.apiTokens[0].value;
  }
  out.OKTA_ORG_CLIENT_ID = DEMO.orgClientId;
  out.OKTA_ORG_PRIVATE_KEY = privateKeyPem;
  out.OKTA_ORG_KEY_ID = keyId;
  return out;
}

/** Quotes a value for POSIX shells: single quotes, with embedded ones as '\''. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `export NAME='value'` lines. */
export function toExportLines(env: Record<string, string>): string {
  return Object.entries(env)
    .filter(([k]) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
    .map(([k, v]) => `export ${k}=${shellQuote(v)}\n`)
    .join('');
}
