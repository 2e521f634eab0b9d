/** Defaults every layer agrees on (constructs, CLI flags, the client): one definition each. */

/** Requests in flight per Aerial account, and the overall deadline of one operation with its retries. */
export const CONNECTION_DEFAULTS = { maxConcurrency: 10, retryDeadlineMs: 300_000 } as const;
