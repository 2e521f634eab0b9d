/** Shared CLI helpers: argument parsing, usage errors and last-resort error reporting (never prints a secret). */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake in how the command was called; printed without a stack trace, exit code 2. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

/** Prints an error for a person and sets a non-zero exit code. */
export function reportAndExit(err: unknown): void {
  if (err instanceof CliUsageError) {
    process.stderr.write(`okta-aerial: ${err.message}\n`);
    process.exitCode = 2;
    return;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`okta-aerial: ${message}\n`);
  if (process.env.OKTA_AERIAL_DEBUG === '1' && err instanceof Error && err.stack) {
    process.stderr.write(`${err.stack}\n`);
  }
  process.exitCode = 1;
}

/**
 * Parses a command's arguments with `node:util` parseArgs (strict: unknown flags and missing values are
 * refused); any problem is a usage error that names the command's --help.
 */
export function parseOptions<T extends ParseArgsConfig>(
  command: string,
  config: T,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    throw new CliUsageError(`${(err as Error).message} (see 'okta-aerial ${command} --help')`);
  }
}

/** A numeric option: undefined when absent, else a finite number of at least `min` (or a usage error). */
export function numberOption(value: string | undefined, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min) {
    throw new CliUsageError(`--${name} is '${value}'; use a number of at least ${min}`);
  }
  return n;
}

/**
 * For commands whose exit code 2 carries news (drift found, changes planned): a usage error is printed
 * like any other and exits 1, so 2 keeps one meaning.
 */
export async function usageErrorsExit1(run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof CliUsageError)) throw err;
    process.stderr.write(`okta-aerial: ${err.message}\n`);
    return 1;
  }
}
