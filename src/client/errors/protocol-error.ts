/** Answers the client cannot follow safely: a Link to another origin, a body that is not what the API documents. */
import { OktaAerialError, type RedactedRequest } from './okta-aerial-error';

/** The plain form of a {@link ProtocolError}. */
export interface ProtocolErrorRecord {
  readonly type: 'ProtocolError';
  readonly operation: string;
  readonly detail: string;
  readonly hint: string;
  readonly status?: number;
  readonly requestId?: string;
  readonly request?: RedactedRequest;
}

/** The server answered in a way the client cannot follow safely; what it would have needed is not sent. */
export class ProtocolError extends OktaAerialError {
  readonly operation: string;
  /** What the answer got wrong. */
  readonly detail: string;
  readonly hint: string;
  /** Status of the answer at fault. */
  readonly status?: number;
  /** Okta's X-Okta-Request-Id of that answer. */
  readonly requestId?: string;
  /** The request that got that answer, redacted. */
  readonly request?: RedactedRequest;

  constructor(init: Omit<ProtocolErrorRecord, 'type'>) {
    super(`${init.operation}: ${init.detail}. ${init.hint}`);
    this.name = 'ProtocolError';
    this.operation = init.operation;
    this.detail = init.detail;
    this.hint = init.hint;
    this.status = init.status;
    this.requestId = init.requestId;
    this.request = init.request;
  }

  toRecord(): ProtocolErrorRecord {
    const { operation, detail, hint, status, requestId, request } = this;
    return { type: 'ProtocolError', operation, detail, hint, status, requestId, request };
  }
}
