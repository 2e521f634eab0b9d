/**
 * `okta-aerial hook apply|destroy`: run by Terraform's local-exec provisioners. The spec arrives in the
 * environment (OKTA_AERIAL_SPEC, never on the command line); credentials are read from the environment by
 * name. Prints one line per action; on failure prints what failed and what to do, and exits non-zero.
 *
 * A hook process first tries the thin path (src/hook/thin-hook.ts: the deploy agent runs {@link runHook}
 * for it); this module is the full path, in the hook's own process, when the agent is off or not running.
 */
import type { HookAction } from '../handlers/context';
import type { ClientOpeners } from '../client/open';
import type { ApiResponse } from '../client/types';
import type { FailureKind } from '../client/policy/retry-policy';
import { ENV } from '../contract';
import { closeHandlerContexts, openHandlerContext } from './handler-context';
import { CliUsageError } from './output';
import { parseHookSpec } from './hook-spec';
import { openClaims } from './claims';

const ACTIONS: readonly HookAction[] = ['apply', 'destroy'];

const USAGE = `usage: okta-aerial hook apply|destroy

Runs one lifecycle hook. Terraform runs it from the local-exec provisioners of the stack's lifecycle
resources, with the construct's spec in ${ENV.spec} (never on the command line); credentials are read from
the environment variables the spec names. Prints one line per action; exits non-zero, saying what failed
and what to do, when an API call fails. Not meant to be run by hand.
`;

/** Where a hook's output goes: this process's stdout and stderr, or the thin hook process that asked. */
export interface HookOutput {
  out(text: string): void;
  err(text: string): void;
}

const PROCESS_OUTPUT: HookOutput = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Entry point of `okta-aerial hook`. */
export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  const action = argv[0] as HookAction;
  if (!isHookAction(action) || argv.length !== 1) {
    throw new CliUsageError(
      `usage: okta-aerial hook apply|destroy (the spec is read from ${ENV.spec}; got '${argv.join(' ')}')`,
    );
  }
  return runHook(action, env, PROCESS_OUTPUT);
}

/** True for the actions a hook runs. */
export function isHookAction(action: string): action is HookAction {
  return (ACTIONS as readonly string[]).includes(action);
}

/**
 * Runs one hook: reads the spec from `env`, runs its handler and writes its lines to `output`; resolves to
 * the exit code. A bad spec throws a {@link CliUsageError}. Clients come from `openClients` (given the
 * hook's failure text, for what a caller prints when it cannot finish a call), else from this process.
 */
export async function runHook(
  action: HookAction,
  env: NodeJS.ProcessEnv,
  output: HookOutput,
  openClients?: (
    failureText: (err: unknown) => string,
    onResponse: (res: ApiResponse) => void,
  ) => ClientOpeners,
): Promise<number> {
  const spec = parseHookSpec(env[ENV.spec], env[ENV.specKey]);
  const handlers = require('../handlers') as typeof import('../handlers');
  const what = handlers.describeResource(spec);
  const failureText = (err: unknown): string =>
    `okta-aerial: ${action} failed for ${what}: ${describeFailure(err)}\n`;
  const retries = new RetryTally();
  const onResponse = (res: ApiResponse): void => retries.add(res);
  const ctx = openHandlerContext(
    env,
    (line) => output.out(`okta-aerial: ${what}: ${line}\n`),
    openClients?.(failureText, onResponse),
    onResponse,
  );
  if (action === 'apply') {
    // The stack folder Terraform runs the hook in (handed over by a thin hook when the agent runs it).
    const claims = openClaims(env[ENV.hookDir] || process.cwd(), spec.path, what);
    if (claims) ctx.claim = (remote, about) => claims.claim(remote, about);
  }
  try {
    await handlers.runHandler(action, spec, ctx);
    const summary = retries.summary();
    if (summary) output.out(`okta-aerial: ${what}: ${summary}\n`);
    return 0;
  } catch (err) {
    output.err(failureText(err));
    return 1;
  } finally {
    if (!openClients) await closeHandlerContexts();
  }
}

/** What kinds of failed attempt a hook's retries were for, in the words of the summary line. */
const KIND_WORDS: Record<FailureKind, string> = {
  concurrency: '429',
  rate: '429 (rate limit)',
  server: '5xx',
  network: 'reset',
  tls: 'TLS',
  timeout: 'timeout',
  auth: '401',
  'dpop-nonce': 'DPoP nonce',
  client: '4xx',
};

/** Sums up the retries of a hook's successful calls: `after 3 retries: 2x429, 1x5xx, 4.2 s`. */
export class RetryTally {
  private retries = 0;
  private ms = 0;
  private readonly kinds = new Map<string, number>();

  add(res: ApiResponse): void {
    if (res.retries === 0) return;
    this.retries += res.retries;
    this.ms += res.elapsedMs ?? 0;
    for (const [kind, n] of Object.entries(res.retryKinds ?? {}))
      this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + (n ?? 0));
  }

  /** The line, or undefined when no call was retried. */
  summary(): string | undefined {
    if (this.retries === 0) return undefined;
    const kinds = [...this.kinds]
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${n}x${KIND_WORDS[k as FailureKind] ?? k}`);
    const parts = [...kinds, ...(this.ms > 0 ? [`${(this.ms / 1000).toFixed(1)} s`] : [])];
    return `after ${this.retries} ${this.retries === 1 ? 'retry' : 'retries'}${parts.length ? `: ${parts.join(', ')}` : ''}`;
  }
}

function describeFailure(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return `${message}\n  once the cause is fixed, re-run the deploy: every hook is an idempotent upsert, so a re-run converges`;
}
