/** Where the client's warnings and (redacted) debug lines go. */
import { ENV } from '../../common';
import type { ClientOptions } from '../types';
import { redact } from './redact';

/** True when OKTA_AERIAL_DEBUG=1: every attempt is logged (redacted). */
export function debugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[ENV.debug] === '1';
}

/** A sink for warnings (always) and debug lines (only when debugging), redacting both. */
export interface ClientLogger {
  readonly debugging: boolean;
  debug(line: string): void;
  warn(line: string): void;
}

/** Builds the logger of a client from its options. */
export function makeLogger(
  options: Pick<ClientOptions, 'log'>,
  secrets: readonly string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): ClientLogger {
  const sink = options.log ?? ((line: string) => process.stderr.write(`okta-aerial: ${line}\n`));
  const debugging = debugEnabled(env);
  return {
    debugging,
    debug: (line) => {
      if (debugging) sink(redact(line, secrets));
    },
    warn: (line) => sink(redact(line, secrets)),
  };
}
