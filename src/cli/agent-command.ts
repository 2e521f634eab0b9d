/**
 * `okta-aerial agent`: runs the shared deploy agent in the foreground. Hooks start it on their own
 * (detached, stdio closed); running it by hand is for debugging (`--verbose` prints its life cycle).
 */
import { resolve } from 'node:path';
import { ENV } from '../common';
import { numberOption, parseOptions } from './output';

const USAGE = `usage: okta-aerial agent [--dir DIR] [--idle-ms N] [--verbose]

Runs the shared deploy agent that every okta-aerial hook of this user sends its API calls to, so the
concurrency cap, the OAuth token and the connections are shared across processes. Started automatically.
  --dir DIR      folder of the agent socket (default: $OKTA_AERIAL_AGENT_DIR, else <tmpdir>/okta-aerial-<uid>)
  --idle-ms N    exit after N ms without calls (default: $OKTA_AERIAL_AGENT_IDLE_MS, else 60000)
  --verbose      print start and stop to stderr
`;

/**
 * Entry point of `okta-aerial agent`. `env` gives its settings (folder, idle time); the socket is named after
 * this process's own network environment (network-env.ts), since that is what its connections use.
 */
export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const { values: flags } = parseOptions('agent', {
    args: argv,
    options: { dir: { type: 'string' }, 'idle-ms': { type: 'string' }, verbose: { type: 'boolean' } },
    strict: true,
  });
  const { agentDir } = await import('../client/agent/paths');
  const { startAgentServer, AgentAlreadyRunningError } = await import('../client/agent/agent-server');
  const envIdle = Number(env[ENV.agentIdleMs]);
  const idleMs =
    numberOption(flags['idle-ms'], 'idle-ms', 1) ??
    (Number.isFinite(envIdle) && envIdle > 0 ? envIdle : 60_000);
  const given = flags.dir;
  const dir = given !== undefined ? resolve(given) : agentDir(env);
  const log = flags.verbose ? (line: string) => process.stderr.write(`${line}\n`) : undefined;
  try {
    const agent = await startAgentServer({ dir, idleMs, log });
    const stop = (): void => void agent.close();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    await agent.stopped;
    // Calls cut off by the stop may still be retrying in this process while their hooks have moved on to a
    // new agent; they must not keep sending requests next to its limiter. Unref'd: a clean exit is not delayed.
    setImmediate(() => process.exit(0)).unref();
    return 0;
  } catch (e) {
    // Losing the race to another agent is the normal way for a second starter to end.
    if (e instanceof AgentAlreadyRunningError) {
      log?.(e.message);
      return 0;
    }
    throw e;
  }
}
