/**
 * `okta-aerial drift [--app cdktf.out] [--stack NAME] [--json] [--repair]`: compares every construct of a
 * synthesized stack with the live objects in Okta. Never writes to Okta. Exit codes follow
 * `terraform plan -detailed-exitcode`: 0 in sync, 2 drift found, 1 error (with --repair: 0 once marked).
 *
 * With --repair it also marks the config resource of every drifted or missing construct for replacement in
 * the Terraform state (`terraform taint`), so the next `cdktf diff` shows exactly those constructs being
 * re-applied and `cdktf deploy` runs their idempotent apply. The marks live in the state, so this works on a
 * fresh pipeline checkout, and a successful deploy clears them.
 */
import { formatValue as fmt } from '../handlers/read';
import type { DriftEntry } from './drift';
import { closeHandlerContexts } from './handler-context';
import { parseOptions, usageErrorsExit1 } from './output';
import { openStackSession } from './stack-session';

const USAGE = `usage: okta-aerial drift [--app DIR] [--stack NAME] [--json] [--repair]

Compares every AerialOrg, ProductAssignment and PrincipalRateLimit of a synthesized stack with Okta.
Values from other resources are taken from the Terraform state (a local backend's file, else 'terraform
state pull' in the stack folder, so any backend works).
Never writes to Okta.

options:
  --app DIR      the synthesized app (default: cdktf.out)
  --stack NAME   the stack (default: the only one)
  --json         print one JSON document instead of lines
  --repair       mark the drifted constructs' config resources for replacement in the Terraform state, so
                 the next 'cdktf deploy' re-applies exactly them (pipeline: synth, drift --repair, deploy)

exit codes: 0 in sync, 2 drift found, 1 error; with --repair, 0 once every drifted construct is marked
(a stack never deployed has nothing to repair: 0)
`;

const STATUS_WORDS: Record<DriftEntry['status'], string> = {
  'in-sync': 'in sync',
  drifted: 'drifted',
  missing: 'missing in Okta',
  'not-deployed': 'not deployed yet',
};

/** Entry point of `okta-aerial drift`. */
export function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return usageErrorsExit1(() => drift(argv, env));
}

async function drift(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const opts = parseDriftArgs(argv);
  if (opts.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    const session = await openStackSession(opts, env);
    // Started first: the reads that need no value from the state run while the state loads.
    const reading = session.drift();
    reading.catch(() => undefined);
    if ((await session.state()).size === 0) {
      // The first run of a pipeline: nothing is deployed, so nothing can have drifted.
      if (opts.repair) {
        process.stdout.write(
          `repair: stack '${session.stack.name}' has not been deployed yet; nothing to repair\n`,
        );
        return 0;
      }
      throw new Error(
        `the Terraform state of stack '${session.stack.name}' is empty (nothing was deployed, or its backend ` +
          `points at another state); deploy the stack first ('cdktf deploy'), then run 'okta-aerial drift'`,
      );
    }
    const entries = await reading;
    const drifted = entries.filter((e) => e.status === 'drifted' || e.status === 'missing');
    let repaired: string[] = [];
    if (opts.repair) {
      repaired = drifted.filter((e) => !e.repairPending).map((e) => e.configAddress);
      await session.terraform.taint(repaired);
    }
    if (opts.json) {
      const doc = { stack: session.stack.name, constructs: entries, summary: summarize(entries), repaired };
      process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    } else {
      process.stdout.write(formatDrift(entries));
      if (opts.repair) process.stdout.write(repairLine(drifted.length, repaired.length));
    }
    // After --repair the drift is in hand (the next deploy repairs it), so a pipeline step succeeds.
    return drifted.length > 0 && !opts.repair ? 2 : 0;
  } finally {
    await closeHandlerContexts();
  }
}

/** The parsed options of `drift`; bad flags are usage errors naming the flag. */
export function parseDriftArgs(argv: string[]): {
  app: string;
  stack?: string;
  json: boolean;
  repair: boolean;
  help: boolean;
} {
  const { values } = parseOptions('drift', {
    args: argv,
    options: {
      app: { type: 'string', default: 'cdktf.out' },
      stack: { type: 'string' },
      json: { type: 'boolean', default: false },
      repair: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  return values;
}

/** Counts per status, for the summary line and --json. */
export function summarize(entries: readonly DriftEntry[]): Record<DriftEntry['status'], number> {
  const counts = { 'in-sync': 0, drifted: 0, missing: 0, 'not-deployed': 0 };
  for (const e of entries) counts[e.status]++;
  return counts;
}

/** One line per construct, then a summary line. */
export function formatDrift(entries: readonly DriftEntry[]): string {
  const width = Math.max(0, ...entries.map((e) => e.path.length));
  const lines = entries.map((e) => {
    let detail = STATUS_WORDS[e.status];
    if (e.status === 'drifted') {
      detail += `: ${e.fields.map((f) => `${f.field} ${fmt(f.desired)} -> ${fmt(f.live)}`).join(', ')}`;
    } else if (e.status === 'not-deployed' && e.reason) {
      detail += `: ${e.reason}`;
    }
    if (e.repairPending) detail += ' [repair planned: the next deploy re-applies it]';
    return `${e.path.padEnd(width)}  ${e.kind.padEnd(20)}  ${detail}`;
  });
  const c = summarize(entries);
  lines.push(
    `drift: ${entries.length} construct${entries.length === 1 ? '' : 's'}: ${c['in-sync']} in sync, ` +
      `${c.drifted} drifted, ${c.missing} missing in Okta, ${c['not-deployed']} not deployed yet`,
  );
  return `${lines.join('\n')}\n`;
}

function repairLine(drifted: number, marked: number): string {
  if (drifted === 0) return 'repair: nothing to repair\n';
  return (
    `repair: ${marked} config resource${marked === 1 ? '' : 's'} marked for replacement` +
    (drifted > marked ? ` (${drifted - marked} already marked)` : '') +
    `; 'cdktf diff' shows them and 'cdktf deploy' re-applies them\n`
  );
}
