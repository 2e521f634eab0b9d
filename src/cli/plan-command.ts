/**
 * `okta-aerial plan [--app cdktf.out] [--stack NAME] [--destroy] [--json] [--detailed-exitcode]`: what the
 * next deploy will do in Okta, per construct and in Okta's terms, from Terraform's saved plan
 * (`terraform plan -out` + `show -json`) plus the drift found and the live objects read back. Never writes
 * to Okta and never applies anything; the saved plan lives in a private temporary folder and is removed.
 */
import type { ResourceState } from '../handlers/read';
import { readLive } from '../handlers/read';
import type { LiveReader } from '../handlers/live-reader';
import { closeHandlerContexts } from './handler-context';
import { parseOptions, usageErrorsExit1 } from './output';
import { analyzePlan, describePlan, formatPlan, hasChanges, type LiveRead, type LiveStates } from './plan';
import { openStackSession } from './stack-session';

const USAGE = `usage: okta-aerial plan [--app DIR] [--stack NAME] [--destroy] [--json] [--detailed-exitcode]

What the next 'cdktf deploy' (or, with --destroy, 'cdktf destroy') will do in Okta, one line per
AerialOrg, ProductAssignment and PrincipalRateLimit, in Okta's terms: "before" is the live value read from
Okta, "after" the value in Terraform's plan ("(known after apply)" where it comes from a resource not
applied yet). Runs 'terraform plan -out' into a private temporary file (removed afterwards) and
'terraform show -json' on it, and compares with Okta as 'okta-aerial drift' does.
Never writes to Okta and never applies anything.

Each line is one of (before -> after, as Okta has it and as the deploy leaves it):
  link org X, ACTIVE | create rate limit 40%/20% | adopt ...       created, or an existing object adopted
  status ACTIVE -> INACTIVE | products [A] -> [A, B] | 30%/20% -> 40%/20%     desired state changed
  repair: ...                                     re-applied, as marked by 'okta-aerial drift --repair'
  old ...: retained (RETAIN) | set INACTIVE (DESTROY) | ...; new: ...         natural key changed
  removed from the stack: left as it is in Okta (no hook runs)
  destroy: ...                                    with --destroy: what each removal policy does
  no change in Okta (removal policy RETAIN -> DESTROY | connection updated)   in-place, no hook runs
  drifted: CODE -> OKTA in Okta; run 'okta-aerial drift --repair' ...         drift this deploy leaves
  no change

options:
  --app DIR              the synthesized app (default: cdktf.out)
  --stack NAME           the stack (default: the only one)
  --destroy              describe 'cdktf destroy' instead of the next deploy
  --json                 print one JSON document instead of lines
  --detailed-exitcode    exit 2 when the deploy would change anything (as 'terraform plan -detailed-exitcode')

exit codes: 0 success (whatever the plan holds), 1 error (a usage error too). With --detailed-exitcode:
0 no change at all, 2 something changes (in Okta or in the Terraform state, or drift is left), 1 error.
`;

export interface PlanOptions {
  app: string;
  stack?: string;
  destroy: boolean;
  json: boolean;
  detailedExitcode: boolean;
  help: boolean;
}

/** Entry point of `okta-aerial plan`. */
export function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // Exit 2 means "changes" with --detailed-exitcode, so a usage error exits 1 like every other error.
  return usageErrorsExit1(() => plan(argv, env));
}

async function plan(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const opts = parsePlanArgs(argv);
  if (opts.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    const session = await openStackSession(opts, env);
    // Once, before the plan and the state are read side by side (both need an initialized folder).
    await session.terraform.ensureInit();
    const [saved, drift] = await settleAll([
      session.terraform.savedPlan({ destroy: opts.destroy }),
      session.drift(),
    ] as const);
    const analyzed = analyzePlan(saved, session.stack.constructs, {
      destroy: opts.destroy,
      retired: session.stack.retiredIdentities,
    });
    const live = await readAll(analyzed.reads, session.reader);
    const result = describePlan(analyzed, drift, live);
    if (opts.json) {
      const doc = {
        stack: session.stack.name,
        mode: result.mode,
        terraformVersion: saved.terraform_version,
        constructs: result.constructs,
        otherResources: result.others,
        summary: result.summary,
      };
      process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    } else {
      process.stdout.write(formatPlan(result));
    }
    return opts.detailedExitcode && hasChanges(result) ? 2 : 0;
  } finally {
    await closeHandlerContexts();
  }
}

/** The parsed options of `plan`; bad flags are usage errors naming the flag. */
export function parsePlanArgs(argv: string[]): PlanOptions {
  const { values } = parseOptions('plan', {
    args: argv,
    options: {
      app: { type: 'string', default: 'cdktf.out' },
      stack: { type: 'string' },
      destroy: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'detailed-exitcode': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  const { 'detailed-exitcode': detailedExitcode, ...rest } = values;
  return { ...rest, detailedExitcode };
}

/** Reads every live object the plan's description needs (batched and memoized by the reader). */
async function readAll(reads: readonly LiveRead[], reader: LiveReader): Promise<LiveStates> {
  const out = new Map<string, ResourceState | null>();
  const states = await settleAll(reads.map((r) => readLive(r.spec, reader)));
  reads.forEach((r, i) => out.set(r.id, states[i] ?? null));
  return out;
}

/** Like Promise.all, but waits for every promise before failing, so none rejects unobserved. */
async function settleAll<T extends readonly unknown[]>(promises: {
  readonly [K in keyof T]: Promise<T[K]>;
}): Promise<{ -readonly [K in keyof T]: T[K] }> {
  const results = await Promise.allSettled(promises as readonly Promise<unknown>[]);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as {
    -readonly [K in keyof T]: T[K];
  };
}
