/** Helpers of the client's integration tests: an emulator per suite and connections built from its credentials. */
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator';
import type { AerialConnection, ClientOptions, OrgConnection } from '../../src/client';

export { DEMO } from '../../src/emulator';

/** Starts an emulator quietly on a free loopback port. */
export function emulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ quiet: true, randomSeed: 7, ...options });
}

/** The production demo account's connection. */
export function aerialConnection(
  emu: RunningEmulator,
  over: Partial<AerialConnection> = {},
): AerialConnection {
  const c = emu.credentials();
  return {
    accountId: c.OKTA_AERIAL_ACCOUNT_ID,
    baseUrl: c.OKTA_AERIAL_BASE_URL,
    tokenUrl: c.OKTA_AERIAL_TOKEN_URL,
    clientId: c.OKTA_AERIAL_CLIENT_ID,
    privateKey: c.OKTA_AERIAL_PRIVATE_KEY,
    keyId: c.OKTA_AERIAL_KEY_ID,
    ...over,
  };
}

/** A demo org's connection with its SSWS token (label e.g. ACME_PROD). */
export function sswsConnection(
  emu: RunningEmulator,
  label = 'ACME_PROD',
  over: Partial<OrgConnection> = {},
): OrgConnection {
  const c = emu.credentials();
  return {
    orgUrl: c[`OKTA_ORG_URL_${label}`],
    auth: { type: 'ssws', token: c[`OKTA_API_TOKEN_${label}`] },
    ...over,
  };
}

/** A demo org's connection with its OAuth service app. */
export function oauthOrgConnection(emu: RunningEmulator, label = 'ACME_PROD', dpop = false): OrgConnection {
  const c = emu.credentials();
  const orgUrl = c[`OKTA_ORG_URL_${label}`];
  return {
    orgUrl,
    auth: {
      type: 'oauth',
      clientId: c.OKTA_ORG_CLIENT_ID,
      tokenUrl: `${orgUrl}/oauth2/v1/token`,
      privateKey: c.OKTA_ORG_PRIVATE_KEY,
      keyId: c.OKTA_ORG_KEY_ID,
      dpop,
    },
  };
}

/** In-process client options with no waiting, for fast and deterministic retries. */
export const fast = (extra: Partial<ClientOptions> = {}): ClientOptions => ({
  useAgent: false,
  sleep: async () => {},
  random: () => 0.5,
  log: () => {},
  ...extra,
});
