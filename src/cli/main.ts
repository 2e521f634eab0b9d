/**
 * Entry point of the `okta-aerial` binary. Subcommands are loaded lazily so that `hook`, which Terraform
 * runs once per resource, never pays for loading cdktf, constructs or the emulator.
 */
import { CliUsageError, reportAndExit } from './output';

const USAGE = `usage: okta-aerial <command> [options]     (okta-aerial <command> --help for its options)
       okta-aerial --version

commands:
  emulator [options]        run the local Okta Aerial emulator (okta-aerial emulator --help)
  emulator credentials      print the environment variables that point a stack at a running emulator
  drift [options]           compare a synthesized stack with Okta; --repair marks drift for the next deploy
  plan [options]            what the next deploy will do in Okta, per construct (Terraform's plan + drift)
  show [options]            an Aerial account at a glance: orgs, statuses, products, rate limits
  import [options]          write a cdktf stack that declares an existing estate
  lookup [options]          store the org and rate limit ids attributes need in cdktf.json's context
  hook apply|destroy        run a lifecycle hook (called by Terraform; reads OKTA_AERIAL_SPEC)
  agent                     run the shared deploy agent in the foreground (started automatically)
`;

type Command = (argv: string[]) => Promise<number | void>;

const COMMANDS: Record<string, () => Command> = {
  emulator: () => require('./emulator-command').run,
  hook: () => require('./hook-command').run,
  drift: () => require('./drift-command').run,
  plan: () => require('./plan-command').run,
  show: () => require('./show-command').run,
  import: () => require('./import-command').run,
  lookup: () => require('./lookup-command').run,
  agent: () => {
    // The agent also runs whole hooks for thin hook processes; the hook layer hands it the handlers.
    (require('../hook/agent-hooks') as typeof import('../hook/agent-hooks')).installHookRunner();
    return require('./agent-command').run;
  },
};

/** Runs the CLI with the given arguments (without `node` and the script path). */
export function main(argv: string[]): void {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v' || name === 'version') {
    // version.ts reads package.json only: no client, no cdktf.
    process.stdout.write(
      `${(require('../client/version') as typeof import('../client/version')).PACKAGE_VERSION}\n`,
    );
    return;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    process.exitCode = name ? 0 : 2;
    return;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`okta-aerial: unknown command '${name}'\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  Promise.resolve()
    .then(() => load()(rest))
    .then(
      (code) => {
        if (typeof code === 'number') process.exitCode = code;
      },
      (err: unknown) => reportAndExit(err),
    );
}

export { CliUsageError };
