/**
 * The auth layer's contract: what a call's attempt needs from its credentials (headers signed for that
 * attempt), plus the static SSWS kind. OAuth lives in oauth-authorizer.ts.
 */
import { secretFragments } from '../log/redact';

/** Headers for one attempt, plus what the caller needs to invalidate the token on 401. */
export interface Authorization {
  readonly headers: Record<string, string>;
  readonly token?: string;
}

/** Produces the Authorization (and DPoP) headers of one attempt. */
export interface Authorizer {
  readonly type: 'oauth' | 'ssws';
  authorize(
    method: string,
    url: string,
    scope: string,
    operation: string,
    deadlineMs: number,
  ): Promise<Authorization>;
  /**
   * Gets a token the next {@link authorize} can use from the cache, so the executor fetches it before
   * waiting for a slot rather than while holding one.
   */
  prepare(scope: string, operation: string, deadlineMs: number): Promise<void>;
  /** Drops a token the server refused (401). */
  invalidate(token: string | undefined): void;
  /** Remembers a DPoP nonce a resource server asked for. */
  setResourceNonce(url: string, nonce: string): void;
  /** Secret values to redact. */
  readonly secrets: readonly string[];
}

/** Uses a static SSWS API token. */
export class SswsAuthorizer implements Authorizer {
  readonly type = 'ssws' as const;
  readonly secrets: readonly string[];

  constructor(private readonly token: string) {
    this.secrets = secretFragments(token);
  }

  async authorize(): Promise<Authorization> {
    return { headers: { Authorization: `SSWS ${this.token}` } };
  }

  async prepare(): Promise<void> {
    // a static token: nothing to fetch
  }

  invalidate(): void {}

  setResourceNonce(): void {}
}
