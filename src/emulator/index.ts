/** The local Okta emulator: Aerial API, org token endpoints, Principal Rate Limits API, admin endpoints. */
export { startEmulator } from './server';
export { DEMO, demoSeed } from './demo-seed';
export { SeedError, validateSeed } from './seed-schema';
export { DEMO_KEY_ID } from './keys';
export { normalizeFaults } from './faults';
export { orgLabel, shellQuote, toExportLines } from './credentials';
export { STATE_KEY_ENV } from './persistence';
export type { EmulatorOptions, EmulatorStats, RequestLogEntry, RunningEmulator } from './types';
export type { FaultConfig, FaultRule, FaultShorthand } from './faults';
export type {
  EmulatorSeed,
  SeedAccount,
  SeedApiToken,
  SeedClient,
  SeedOrg,
  SeedRateLimit,
} from './seed-schema';
