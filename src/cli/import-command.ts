/**
 * `okta-aerial import`: turns an existing Okta Aerial estate into code. Reads the account's linked orgs, their
 * statuses and enabled products, the account's subscribed products and (for orgs given with --org-url) their
 * principal rate limits, all through the shared client, and writes a cdktf stack that declares exactly that:
 * deploying it against the same account makes no API write, and `okta-aerial drift` then reports every
 * construct in sync. Never writes to Okta; never writes a secret (only environment variable names).
 */
import * as fs from 'node:fs';
import { writeFileAtomic } from '../common/atomic-write';
import { planImport, renderJson, renderTypeScript, type ImportPlan } from './codegen';
import {
  CONNECTION_OPTIONS,
  CONNECTION_USAGE,
  connectionsFromFlags,
  type ConnectionFlagValues,
} from './connection-flags';
import { readEstate } from './estate';
import { closeHandlerContexts, openHandlerContext } from './handler-context';
import { CliUsageError, parseOptions } from './output';

export const IMPORT_USAGE = `usage: okta-aerial import --account-id ID --client-id ID (--aerial-org-domain DOMAIN | --token-url URL)
         [--environment production|sandbox | --base-url URL] [--private-key-env NAME] [--key-id-env NAME]
         [--dpop] [--org-url URL ... [--api-token-env NAME | --org-client-id ID [--org-private-key-env NAME]
         [--org-key-id-env NAME]]] [--out FILE] [--format ts|json] [--stack NAME]

Writes a cdktf stack that declares an existing Okta Aerial estate: every org linked to the account (an
AerialOrg by org id, with its status; not the account's own Aerial org, which cannot be managed), the products
enabled in each (a ProductAssignment), and the principal rate limits of every org given with --org-url (an
OktaOrg and a PrincipalRateLimit per entity, both principal types). Deploying it against the same account
changes nothing, and 'okta-aerial drift' then reports every construct in sync. Reads only; never writes to Okta.

${CONNECTION_USAGE}

output:
  --out FILE                 write to FILE, which must not exist yet (it is never overwritten); default: stdout
  --format ts|json           ts (default): a complete cdktf app in TypeScript (imports cdktf and
                             cdktf-okta-aerial, builds the stack, calls app.synth()); run it with
                             'npx ts-node FILE', compile it with tsc, or name it as "app" in cdktf.json.
                             json: one document of the same constructs:
                               {"format": "okta-aerial-import", "version": 1, "stack": NAME,
                                "account": {"id", "name"}, "subscribedProducts": [{"id", "name"}],
                                "constructs": [{"type": "AerialOrg", "id": "AcmeProd", "props": {...}}, ...],
                                "notImported": [{"kind", "orgId", "domain", "orgUrl", "principalId", "reason"}]}
                             where "props" are the construct's props and {"ref": ID} is the construct ID
  --stack NAME               name of the stack in the generated app (default okta)
  -h, --help                 this text

Construct ids come from each org's subdomain: acme-prod.okta.com gives AcmeProd, AcmeProdProducts,
AcmeProdApi and AcmeProdLimit<principal id>; two orgs that would clash get their org id appended.

exit codes: 0 written, 1 error (nothing written), 2 usage error
`;

/** The parsed options of `import`. */
export interface ImportArgs {
  readonly values: ConnectionFlagValues;
  readonly out?: string;
  readonly format: 'ts' | 'json';
  readonly stack: string;
  readonly help: boolean;
}

const STACK_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** Entry point of `okta-aerial import`. */
export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const args = parseImportArgs(argv);
  if (args.help) {
    process.stdout.write(IMPORT_USAGE);
    return 0;
  }
  if (args.out !== undefined) refuseExisting(args.out);
  const conns = connectionsFromFlags(args.values, env);
  try {
    const ctx = openHandlerContext(env, () => undefined);
    const estate = await readEstate(
      ctx,
      conns.account.spec,
      conns.orgs.map((o) => o.spec),
    );
    const plan = planImport({
      estate,
      stack: args.stack,
      account: conns.account.props,
      orgProps: new Map(conns.orgs.map((o) => [o.spec.orgUrl, o.props])),
    });
    const text = args.format === 'json' ? renderJson(plan) : renderTypeScript(plan);
    if (args.out === undefined) {
      process.stdout.write(text);
    } else {
      await writeNew(args.out, text);
    }
    for (const line of notes(plan, args.out)) process.stderr.write(`okta-aerial: ${line}\n`);
    return 0;
  } finally {
    await closeHandlerContexts();
  }
}

/** Parses and checks the flags that are not connection flags; every problem is a usage error. */
export function parseImportArgs(argv: string[]): ImportArgs {
  const { values } = parseOptions('import', {
    args: argv,
    options: {
      ...CONNECTION_OPTIONS,
      out: { type: 'string' },
      format: { type: 'string', default: 'ts' },
      stack: { type: 'string', default: 'okta' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  const format = values.format as string;
  if (format !== 'ts' && format !== 'json') {
    throw new CliUsageError(`--format is '${format}'; use 'ts' (a cdktf app in TypeScript) or 'json'`);
  }
  const stack = values.stack as string;
  if (!STACK_NAME.test(stack)) {
    throw new CliUsageError(
      `--stack '${stack}' is not a stack name; use a letter, then letters, digits, '-' or '_' (e.g. okta)`,
    );
  }
  const out = values.out as string | undefined;
  if (out !== undefined && out.trim() === '') throw new CliUsageError('--out is empty; pass a file name');
  return { values: values as ConnectionFlagValues, out, format, stack, help: values.help as boolean };
}

function refuseExisting(file: string): void {
  if (fs.existsSync(file)) {
    throw new CliUsageError(
      `${file} already exists and import never overwrites a file; pass another --out, or move ${file} away first`,
    );
  }
}

/**
 * Creates `file` with `text`, atomically (a crash never leaves half a stack behind); refuses (as a usage
 * error) when it appeared meanwhile.
 */
async function writeNew(file: string, text: string): Promise<void> {
  try {
    await writeFileAtomic(file, text, { exclusive: true, mode: 0o644 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') refuseExisting(file);
    throw new Error(`cannot write ${file}: ${(err as Error).message}`);
  }
}

/** Lines for stderr: what was written and what was not imported. */
function notes(plan: ImportPlan, out: string | undefined): string[] {
  const lines: string[] = [];
  const count = (type: string): number => plan.decls.filter((d) => d.type === type).length;
  if (out !== undefined) {
    lines.push(
      `wrote ${out}: ${plural(count('AerialOrg'), 'org')}, ${plural(count('ProductAssignment'), 'product set')}, ` +
        `${plural(count('PrincipalRateLimit'), 'principal rate limit')} of ${plural(count('OktaOrg'), 'org')}`,
    );
  }
  for (const n of plan.notImported) {
    if (n.kind === 'rate-limits') continue;
    const what =
      n.kind === 'aerial-org'
        ? `the Aerial org ${n.orgId} (${n.domain})`
        : n.kind === 'org'
          ? `org ${n.orgId} (${n.domain})`
          : n.kind === 'products'
            ? `the products of ${n.domain}`
            : `the rate limit of ${n.principalType} ${n.principalId} in ${n.domain ?? n.orgUrl}`;
    lines.push(`note: ${what} is not declared: ${n.reason}`);
  }
  const missing = plan.orgsWithoutConnection;
  if (missing.length > 0) {
    lines.push(
      `note: rate limits not imported for ${plural(missing.length, 'org')} without an --org-url: ${missing.join(', ')}`,
    );
  }
  return lines;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
