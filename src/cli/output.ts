/** Shared CLI helpers: usage errors and last-resort error reporting (never prints a secret). */

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

/** Minimal `--flag value` / `--flag=value` / `--switch` parser; unknown flags are a usage error. */
export function parseFlags(
  argv: string[],
  spec: Record<string, 'string' | 'number' | 'boolean'>,
): { flags: Record<string, string | number | boolean>; positional: string[] } {
  const flags: Record<string, string | number | boolean> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const type = spec[name];
    if (!type) throw new CliUsageError(`unknown option '--${name}'`);
    if (type === 'boolean') {
      flags[name] = eq === -1 ? true : arg.slice(eq + 1) !== 'false';
      continue;
    }
    const raw = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (raw === undefined) throw new CliUsageError(`option '--${name}' needs a value`);
    if (type === 'number') {
      const n = Number(raw);
      if (!Number.isFinite(n)) throw new CliUsageError(`option '--${name}' needs a number, got '${raw}'`);
      flags[name] = n;
    } else {
      flags[name] = raw;
    }
  }
  return { flags, positional };
}
