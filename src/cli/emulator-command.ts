/**
 * `okta-aerial emulator`: runs the local Okta emulator in the foreground, and
 * `okta-aerial emulator credentials`: prints the environment variables that point a stack at it.
 */
import { CliUsageError, parseFlags } from './output';

const USAGE = `usage: okta-aerial emulator [options]
       okta-aerial emulator credentials [--url URL] [--json]

Runs a local stand-in for Okta Aerial, org token endpoints and the Principal Rate Limits API.
When ready it prints one JSON line on stdout: {"url":...,"pid":...,"admin":...}. Stops on SIGTERM/SIGINT.

options:
  --port N             TCP port (default 0: any free port)
  --host H             interface (default 127.0.0.1)
  --seed FILE          seed JSON (default: the built-in demo seed)
  --state FILE         keep state in FILE across restarts (loaded if it exists)
  --latency-ms N       latency added to every API request
  --jitter-ms N        random extra latency 0..N
  --faults JSON        fault injection, e.g. '{"rate429":0.1}' or '{"rules":[{"route":"prl.","rate5xx":0.2}]}'
  --random-seed N      seed for faults and jitter (repeatable runs)
  --token-ttl N        access token lifetime in seconds (default 3600)
  --concurrency N      requests in flight per Aerial account and environment (default 10)
  --org-concurrency N  requests in flight per org (default 75)
  --rate-limit N       per-minute request limit per account and per org (default: off)
  --quiet              no warnings on stderr

credentials:
  --url URL            emulator URL (default $OKTA_AERIAL_EMULATOR_URL, else http://127.0.0.1:8787)
  --json               print JSON instead of export lines
  try: eval "$(npx okta-aerial emulator credentials --url http://127.0.0.1:8787)"
`;

/** Runs the subcommand; resolves when the emulator has stopped. */
export async function run(argv: string[]): Promise<number | void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (argv[0] === 'credentials') return credentials(argv.slice(1));
  const { flags, positional } = parseFlags(argv, {
    port: 'number',
    host: 'string',
    seed: 'string',
    state: 'string',
    'latency-ms': 'number',
    'jitter-ms': 'number',
    faults: 'string',
    'random-seed': 'number',
    'token-ttl': 'number',
    concurrency: 'number',
    'org-concurrency': 'number',
    'rate-limit': 'number',
    quiet: 'boolean',
  });
  if (positional.length) throw new CliUsageError(`unexpected argument '${positional[0]}' (see --help)`);
  let faults: unknown;
  if (flags.faults !== undefined) {
    try {
      faults = JSON.parse(String(flags.faults));
    } catch {
      throw new CliUsageError(`--faults needs JSON, e.g. '{"rate429":0.1}'`);
    }
  }
  const positive = (name: string, min: number): number | undefined => {
    const v = flags[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || v < min) throw new CliUsageError(`--${name} must be a number >= ${min}`);
    return v;
  };
  // Loaded lazily so `--help` and `credentials` stay fast.
  const { startEmulator } = await import('../emulator');
  const { normalizeFaults } = await import('../emulator/faults');
  let faultConfig;
  try {
    faultConfig = faults === undefined ? undefined : normalizeFaults(faults);
  } catch (e) {
    throw new CliUsageError(`--faults: ${(e as Error).message}`);
  }
  const emulator = await startEmulator({
    port: positive('port', 0),
    host: flags.host as string | undefined,
    seed: flags.seed as string | undefined,
    statePath: flags.state as string | undefined,
    latencyMs: positive('latency-ms', 0),
    jitterMs: positive('jitter-ms', 0),
    faults: faultConfig,
    randomSeed: flags['random-seed'] as number | undefined,
    tokenTtlSeconds: positive('token-ttl', 1),
    aerialConcurrency: positive('concurrency', 1),
    orgConcurrency: positive('org-concurrency', 1),
    rateLimitPerMinute: positive('rate-limit', 1),
    quiet: flags.quiet === true,
  });
  // Handlers go in before the ready line: a supervisor may signal the moment it reads it, and a signal
  // landing between the write and the handler would kill the process without saving state.
  const stopped = new Promise<number>((resolve) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      emulator.stop().then(
        () => resolve(0),
        (e: Error) => {
          process.stderr.write(`okta-aerial emulator: error while stopping: ${e.message}\n`);
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  process.stdout.write(
    JSON.stringify({ url: emulator.url, pid: process.pid, admin: `${emulator.url}/__admin` }) + '\n',
  );
  return stopped;
}

async function credentials(argv: string[]): Promise<number> {
  const { flags, positional } = parseFlags(argv, { url: 'string', json: 'boolean' });
  if (positional.length) throw new CliUsageError(`unexpected argument '${positional[0]}' (see --help)`);
  const base = String(flags.url ?? process.env.OKTA_AERIAL_EMULATOR_URL ?? 'http://127.0.0.1:8787').replace(
    /\/+$/,
    '',
  );
  const url = `${base}/__admin/credentials${flags.json ? '' : '?format=env'}`;
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new Error(
      `cannot reach the emulator at ${base} (${(e as Error).message}); start it with 'okta-aerial emulator' or pass --url`,
    );
  }
  if (!res.ok) throw new Error(`the emulator at ${base} answered ${res.status} for its credentials endpoint`);
  const text = await res.text();
  process.stdout.write(flags.json ? JSON.stringify(JSON.parse(text), null, 2) + '\n' : text);
  return 0;
}
