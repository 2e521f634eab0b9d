/**
 * The base of every error the client throws, and the pieces its kinds share. Each error reduces to a plain,
 * redacted record: the deploy agent sends that record to the hook, which rebuilds the same error from it
 * (errors/wire.ts), so an error reads the same whether the call ran in-process or in the agent.
 */
import { redact, redactUrl } from '../log/redact';
import type { ErrorRecord } from './wire';

/** Any failure of the client: of an Okta API call, of its configuration, of the deploy agent, or of the protocol. */
export abstract class OktaAerialError extends Error {
  /** The serializable, redacted record this error was built from. */
  abstract toRecord(): ErrorRecord;
}

/** The request a failure belongs to, fit to show: no Authorization header, no secret query value. */
export interface RedactedRequest {
  readonly method: string;
  readonly url: string;
}

/** The lower-level failure behind an error (a socket reset, a timeout), redacted and serializable. */
export interface CauseRecord {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
}

/** A request to show in an error: the method and the URL with user info and secret query values hidden. */
export function redactRequest(method: string, url: string, secrets: readonly string[] = []): RedactedRequest {
  return { method: method.toUpperCase(), url: redactUrl(url, secrets) };
}

/**
 * The record of a lower-level failure. Only its name, code and redacted message are kept: an axios error
 * also holds the request config, Authorization header included, which must never hang off an error.
 */
export function causeRecordOf(e: unknown, secrets: readonly string[] = []): CauseRecord | undefined {
  if (!(e instanceof Error)) return undefined;
  const code = (e as { code?: unknown }).code;
  return {
    name: e.name,
    message: redact(e.message, secrets).replace(/\s+/g, ' ').trim().slice(0, 500),
    code: typeof code === 'string' ? code : undefined,
  };
}

/** A plain Error standing for a recorded cause (what `error.cause` holds). */
export function causeFromRecord(record: CauseRecord | undefined): Error | undefined {
  if (!record) return undefined;
  const cause = new Error(record.message);
  cause.name = record.name;
  if (record.code !== undefined) Object.assign(cause, { code: record.code });
  return cause;
}

/** Error options that set `cause` only when there is one (an own `cause: undefined` would show in inspections). */
export function withCause(cause: Error | undefined): ErrorOptions | undefined {
  return cause ? { cause } : undefined;
}
