// The client's errors (re-exports only): API failures, and configuration, agent and protocol failures.
export { OktaAerialError, type CauseRecord, type RedactedRequest } from './okta-aerial-error';
export * from './api-error';
export {
  createOktaApiError,
  toErrorRecord,
  parseErrorBody,
  DEADLINE_CODE,
  type ApiService,
  type ErrorFacts,
} from './api-error-factory';
export * from './configuration-error';
export * from './agent-error';
export * from './protocol-error';
export * from './wire';
