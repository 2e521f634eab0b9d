// Public API of the shared Okta API client (re-exports only).
export * from './types';
export * from './errors';
export { openAerialClient, openPrincipalRateLimitClient, closeClients } from './open';
export { AerialClient } from './aerial-client';
export { PrincipalRateLimitClient } from './principal-rate-limit-client';
export { ConnectionConfigError, DEFAULT_DEADLINE_MS, DEFAULT_MAX_CONCURRENCY, checkUrl } from './connection';
export {
  DEFAULT_RETRY_POLICY,
  shouldRetry,
  computeDelay,
  planRetry,
  classifyFailure,
  rateLimitWaitMs,
} from './policy/retry-policy';
export type { RetryPolicy, RetryContext, RetryDecision, RetryPlan, FailureKind } from './policy/retry-policy';
export { parseLinkHeader, nextLink } from './http/link-header';
export type { ParsedLink } from './http/link-header';
export { redact } from './log/redact';
export type {
  Account,
  LinkOrgRequest,
  Org,
  OrgStatus,
  PrincipalRateLimitEntity,
  PrincipalType,
  Product,
} from '../okta-api';
