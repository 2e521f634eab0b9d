/**
 * `okta-aerial emulator`: runs the local Okta emulator in the foreground, and
 * `okta-aerial emulator credentials`: prints the environment variables that point a stack at it.
 */
import { ENV } from '../common';
import { CliUsageError, numberOption, parseOptions } from './output';

/** The emulator's port when none is given, and the one `credentials` asks by default. */
const DEFAULT_PORT = 8787;
/** How long `credentials` waits for an emulator that is still starting. */
const CREDENTIALS_WAIT_MS = 15_000;

const USAGE = `usage: okta-aerial emulator [options]
       okta-aerial emulator credentials [--url URL] [--app DIR] [--json]

Runs a local stand-in for Okta Aerial, org token endpoints and the Principal Rate Limits API.
When ready it prints one JSON line on stdout: {"url":...,"pid":...,"admin":...}. Stops on SIGTERM/SIGINT.

options:
  --port N             TCP port (default 8787; 0: any free port)
  --host H             interface (default 127.0.0.1)
  --seed FILE          seed JSON (default: the built-in demo seed)
  --app DIR            seed from a synthesized cdktf app instead (e.g. cdktf.out): its accounts, service
                       apps, orgs, principals and tokens, so a stack written for Okta deploys unchanged
  --state FILE         keep state in FILE across restarts (loaded if it exists, taking in what --app or
                       --seed declares and it lacks; its folder is created 0700)
  --latency-ms N       latency added to every API request
  --jitter-ms N        random extra latency 0..N
  --faults JSON        fault injection, e.g. '{"rate429":0.1}' or '{"rules":[{"route":"prl.","rate5xx":0.2}]}'
  --random-seed N      seed for faults and jitter (repeatable runs)
  --token-ttl N        access token lifetime in seconds (default 3600)
  --concurrency N      requests in flight per Aerial account and environment (default 10)
  --org-concurrency N  requests in flight per org (default 75)
  --rate-limit N       per-minute request limit per account and per org (default: off)
  --strict             as strict as Okta: every app requires DPoP, reads need the read scope, a token
                       request for an ungranted scope is refused, product PUTs need {id, name}
  --environment ENV    serve only ENV's Aerial API (production|sandbox) at the root of the port:
                       /{accountId}/api/v1/... as on aerial-apac.okta.com (default: both, under /aerial/ENV)
  --deletion-delay-ms N  keep a deleted org visible (INACTIVE, deletionRequested) for N ms (default 0)
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
  const { values: flags } = parseOptions('emulator', {
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      state: { type: 'string' },
      'latency-ms': { type: 'string' },
      'jitter-ms': { type: 'string' },
      faults: { type: 'string' },
      'random-seed': { type: 'string' },
      'token-ttl': { type: 'string' },
      concurrency: { type: 'string' },
      'org-concurrency': { type: 'string' },
      'rate-limit': { type: 'string' },
      app: { type: 'string' },
      strict: { type: 'boolean', default: false },
      environment: { type: 'string' },
      'deletion-delay-ms': { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
    strict: true,
  });
  let faults: unknown;
  if (flags.faults !== undefined) {
    try {
      faults = JSON.parse(String(flags.faults));
    } catch {
      throw new CliUsageError(`--faults needs JSON, e.g. '{"rate429":0.1}'`);
    }
  }
  const positive = (name: keyof typeof flags, min: number): number | undefined =>
    numberOption(flags[name] as string | undefined, name, min);
  const environment = flags.environment;
  if (environment !== undefined && environment !== 'production' && environment !== 'sandbox')
    throw new CliUsageError(`--environment must be production or sandbox, got '${environment}'`);
  if (flags.app !== undefined && flags.seed !== undefined)
    throw new CliUsageError('--app and --seed both name a seed; pass one of them');
  const seed = flags.app !== undefined ? await appSeed(flags.app, flags.quiet) : flags.seed;
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
    // The same default as `emulator credentials --url`, so the two agree with no flags.
    port: positive('port', 0) ?? DEFAULT_PORT,
    host: flags.host,
    seed,
    statePath: flags.state,
    // A restart with a changed app (or seed) keeps what was deployed and adds what the app now declares.
    seedMissing: seed !== undefined,
    latencyMs: positive('latency-ms', 0),
    jitterMs: positive('jitter-ms', 0),
    faults: faultConfig,
    randomSeed: numberOption(flags['random-seed'], 'random-seed', Number.MIN_SAFE_INTEGER),
    tokenTtlSeconds: positive('token-ttl', 1),
    aerialConcurrency: positive('concurrency', 1),
    orgConcurrency: positive('org-concurrency', 1),
    rateLimitPerMinute: positive('rate-limit', 1),
    strict: flags.strict,
    environment,
    deletionDelayMs: positive('deletion-delay-ms', 0),
    quiet: flags.quiet,
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
  const { values: flags } = parseOptions('emulator', {
    args: argv,
    options: { url: { type: 'string' }, app: { type: 'string' }, json: { type: 'boolean', default: false } },
    strict: true,
  });
  const base = String(
    flags.url ?? process.env[ENV.emulatorUrl] ?? `http://127.0.0.1:${DEFAULT_PORT}`,
  ).replace(/\/+$/, '');
  const url = `${base}/__admin/credentials${flags.json || flags.app ? '' : '?format=env'}`;
  // An emulator started in the background a moment ago may not listen yet: wait a little for it.
  let res: Response | undefined;
  let waiting = false;
  for (const until = Date.now() + CREDENTIALS_WAIT_MS; !res;) {
    try {
      res = await fetch(url);
    } catch (e) {
      if (!waiting) {
        waiting = true;
        process.stderr.write(`okta-aerial: waiting for the emulator at ${base} to start\n`);
      }
      if (Date.now() >= until)
        throw new Error(
          `cannot reach the emulator at ${base} (${(e as Error).message}; waited ${CREDENTIALS_WAIT_MS / 1000} s); ` +
            "start it with 'okta-aerial emulator' or pass --url",
        );
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  if (!res.ok) throw new Error(`the emulator at ${base} answered ${res.status} for its credentials endpoint`);
  const text = await res.text();
  if (flags.app !== undefined) {
    // The variables the app's stacks name, filled from the emulator's credentials.
    const { constructsOfApp, credentialsForApp } = await import('./emulator-app');
    const { toExportLines } = await import('../emulator/credentials');
    const { env, conflicts } = credentialsForApp(constructsOfApp(flags.app), JSON.parse(text));
    for (const c of conflicts)
      process.stderr.write(`okta-aerial emulator credentials: ${c} is named by two orgs; set it by hand\n`);
    process.stdout.write(flags.json ? JSON.stringify(env, null, 2) + '\n' : toExportLines(env));
    return 0;
  }
  process.stdout.write(flags.json ? JSON.stringify(JSON.parse(text), null, 2) + '\n' : text);
  return 0;
}

/** The seed of `--app`: what the synthesized app declares (what cannot be seeded is said on stderr). */
async function appSeed(
  appDir: string,
  quiet: boolean,
): Promise<import('../emulator/seed-schema').EmulatorSeed> {
  const { constructsOfApp, seedFromApp } = await import('./emulator-app');
  const { seed, skipped } = seedFromApp(constructsOfApp(appDir));
  if (!quiet) for (const s of skipped) process.stderr.write(`okta-aerial emulator: ${s}; not seeded\n`);
  return seed;
}
