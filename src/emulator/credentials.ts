/** The environment variables that point a stack or a script at a running emulator. */
import { ENV, ENV_NAME_PATTERN } from '../common';
import { SCOPES } from '../okta-api';
import type { EmulatorCore } from './core';
import { DEMO } from './demo-seed';
import type { AccountState, OrgState } from './state';

/** Env label of a subdomain: upper-cased, '-' → '_' (acme-prod → ACME_PROD). */
export function envLabel(subdomain: string): string {
  return subdomain.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** Env label of an org (see {@link envLabel}). */
export function orgLabel(org: OrgState): string {
  return envLabel(org.subdomain);
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
  const out: Record<string, string> = { [ENV.emulatorUrl]: core.url };
  const { model } = core;
  const pick = (env: 'production' | 'sandbox', demoId: string): AccountState | undefined =>
    model.state.accounts.find((a) => a.id === demoId) ??
    model.state.accounts.find((a) => a.environment === env);
  const clientOf = (account: AccountState, demoClient: string): string | undefined => {
    const org = model.aerialOrgOf(account);
    const c =
      org?.clients.find((x) => x.clientId === demoClient) ??
      org?.clients.find((x) => x.scopes.includes(SCOPES.accountsManage));
    return c?.clientId;
  };
  const accounts = [
    { prefix: 'OKTA_AERIAL_', account: pick('production', DEMO.accountId), clientId: DEMO.aerialClientId },
    {
      prefix: 'OKTA_AERIAL_SANDBOX_',
      account: pick('sandbox', DEMO.sandboxAccountId),
      clientId: DEMO.sandboxClientId,
    },
  ];
  for (const { prefix, account, clientId } of accounts) {
    const base = account && core.aerialBase(account.environment);
    // An environment the emulator does not serve (`--environment` names the other one) gets no variables.
    if (!account || !base) continue;
    const aerialOrg = model.aerialOrgOf(account);
    out[`${prefix}ACCOUNT_ID`] = account.id;
    out[`${prefix}BASE_URL`] = base;
    if (aerialOrg) out[`${prefix}TOKEN_URL`] = core.tokenUrl(aerialOrg);
    const c = clientOf(account, clientId);
    if (c) out[`${prefix}CLIENT_ID`] = c;
  }
  out[ENV.aerialPrivateKey] = privateKeyPem;
  out[ENV.aerialKeyId] = keyId;
  for (const org of model.state.orgs) {
    if (!model.exists(org)) continue;
    const label = orgLabel(org);
    out[`OKTA_ORG_URL_${label}`] = core.orgBase(org);
    if (org.apiTokens[0]) out[`${ENV.orgApiToken}_${label}`] = org.apiTokens[0].value;
  }
  out.OKTA_ORG_CLIENT_ID = DEMO.orgClientId;
  out[ENV.orgPrivateKey] = privateKeyPem;
  out[ENV.orgKeyId] = keyId;
  return out;
}

/** Quotes a value for POSIX shells: single quotes, with embedded ones as '\''. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `export NAME='value'` lines. */
export function toExportLines(env: Record<string, string>): string {
  return Object.entries(env)
    .filter(([k]) => ENV_NAME_PATTERN.test(k))
    .map(([k, v]) => `export ${k}=${shellQuote(v)}\n`)
    .join('');
}
