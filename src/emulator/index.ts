/** The local Okta emulator: Aerial API, org token endpoints, Principal Rate Limits API, admin endpoints. */
export { startEmulator } from './server';
export { DEMO, SeedError, demoSeed, validateSeed } from './seed';
export { DEMO_KEY_ID } from './keys';
export { normalizeFaults } from './faults';
export { orgLabel, shellQuote, toExportLines } from './credentials';
export { STATE_KEY_ENV } from './persistence';
export type {
  EmulatorOptions,
  EmulatorSeed,
  EmulatorStats,
  FaultConfig,
  FaultRule,
  FaultShorthand,
  RequestLogEntry,
  RunningEmulator,
  SeedAccount,
  SeedApiToken,
  SeedClient,
  SeedOrg,
  SeedRateLimit,
} from './types';
