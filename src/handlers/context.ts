/**
 * What a handler gets: clients for the connections named in its spec (credentials resolved from the
 * environment at deploy time) and a logger that writes one line per action to the Terraform log.
 */
import type { AerialClient, PrincipalRateLimitClient } from '../client';
import type { AerialConnectionSpec, OrgConnectionSpec } from '../contract';

export interface HandlerContext {
  /** The shared client for an Aerial account. */
  aerial(conn: AerialConnectionSpec): AerialClient;
  /** The shared Principal Rate Limits client for an org. */
  principalRateLimits(conn: OrgConnectionSpec): PrincipalRateLimitClient;
  /** Writes one concise line for the Terraform log. */
  log(line: string): void;
  /**
   * Claims the remote object this construct manages for this synthesized stack, before the handler writes
   * to it; throws when another construct of the stack claimed it (one object named two ways). Absent where
   * nothing can claim (a read, a hook run by hand).
   */
  claim?(remote: string, what: string): void;
}

/** Lifecycle actions a hook runs. */
export type HookAction = 'apply' | 'destroy';
