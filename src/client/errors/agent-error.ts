/** Failures of the deploy agent itself (not of the API calls it runs): it stopped, went silent, or was misused. */
import { OktaAerialError } from './okta-aerial-error';

/** What went wrong with the agent. */
export type AgentErrorCode =
  | 'EAGENTSETUP' // the agent's folder or socket cannot be used, or it did not start
  | 'EAGENTGONE' // the agent is stopping and did not run the call
  | 'EAGENTSILENT' // the agent took the call and did not answer in time
  | 'EAGENTINTERNAL' // the agent failed in a way that is none of the client's known failures
  | 'EAGENTMISMATCH' // hook and agent do not agree on a connection (different builds)
  | 'EUNKNOWNCONN' // a call for a connection the agent was never given
  | 'EPROTOCOL'; // a message the agent does not understand

/** The plain form of an {@link AgentError}. */
export interface AgentErrorRecord {
  readonly type: 'AgentError';
  readonly code: AgentErrorCode;
  readonly reason: string;
  /** `code (reason)`, for a reader of the wire record. */
  readonly detail: string;
  readonly operation?: string;
  readonly mayHaveRun: boolean;
  readonly hint?: string;
}

/** What an {@link AgentError} is made of. */
export interface AgentErrorInit {
  readonly code: AgentErrorCode;
  /** What happened, in a few words (no secret: the agent's messages never hold one). */
  readonly reason: string;
  /** The call it happened to, if any. */
  readonly operation?: string;
  /** The call may have reached the API before the agent failed. @default false */
  readonly mayHaveRun?: boolean;
  /** What to do about it. */
  readonly hint?: string;
}

/** The deploy agent could not take, run or answer a call; says whether the call may have run. */
export class AgentError extends OktaAerialError {
  readonly code: AgentErrorCode;
  readonly reason: string;
  readonly operation?: string;
  readonly mayHaveRun: boolean;
  readonly hint?: string;

  constructor(init: AgentErrorInit) {
    const where = init.operation ? `${init.operation}: ` : '';
    super(`${where}${init.reason}${init.hint ? `. ${init.hint}` : ''}`);
    this.name = 'AgentError';
    this.code = init.code;
    this.reason = init.reason;
    this.operation = init.operation;
    this.mayHaveRun = init.mayHaveRun ?? false;
    this.hint = init.hint;
  }

  /** `code (reason)`. */
  get detail(): string {
    return `${this.code} (${this.reason})`;
  }

  toRecord(): AgentErrorRecord {
    const { code, reason, detail, operation, mayHaveRun, hint } = this;
    return { type: 'AgentError', code, reason, detail, operation, mayHaveRun, hint };
  }
}
