/**
 * Errors on the deploy agent's wire: every error the client throws travels as its plain record and is
 * rebuilt as the same class on the hook side.
 */
import { API_ERROR_CLASSES, OktaApiError, type ApiErrorRecord } from './api-error';
import { AgentError, type AgentErrorRecord } from './agent-error';
import { ConfigurationError, type ConfigurationErrorRecord } from './configuration-error';
import type { OktaAerialError } from './okta-aerial-error';
import { ProtocolError, type ProtocolErrorRecord } from './protocol-error';

/** The plain, serializable form of any client error (all text already redacted). */
export type ErrorRecord = ApiErrorRecord | ConfigurationErrorRecord | AgentErrorRecord | ProtocolErrorRecord;

/** Rebuilds an error from its record (e.g. one received from the deploy agent). */
export function errorFromRecord(record: ApiErrorRecord): OktaApiError;
export function errorFromRecord(record: ErrorRecord): OktaAerialError;
export function errorFromRecord(record: ErrorRecord): OktaAerialError {
  switch (record.type) {
    case 'ConfigurationError':
      return new ConfigurationError(record.message, { setting: record.setting });
    case 'AgentError':
      return new AgentError(record);
    case 'ProtocolError':
      return new ProtocolError(record);
    default: {
      const Ctor = API_ERROR_CLASSES[record.type] ?? OktaApiError;
      return new Ctor({ ...record, causes: record.causes ?? [] });
    }
  }
}
