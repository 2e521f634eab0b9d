/**
 * `okta-aerial lookup [--app cdktf.out] [--stack NAME] [--context-file cdktf.json]`: reads from Okta the
 * values a stack's attributes need at synth (an org's id when it is named by domain, a rate limit entity's
 * id) and stores them in the app's context, as aws-cdk keeps `fromLookup` results in `cdk.context.json`.
 * cdktf passes `cdktf.json`'s "context" to the app, so the next synth renders them as literals, known at
 * plan time. Never writes to Okta. Run it after the deploy that creates the objects, then synth again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isTemplate } from '../contract/synthesized';
import { orgIdLookupKey, rateLimitIdLookupKey } from '../contract/lookups';
import { writeFileAtomic } from '../common/atomic-write';
import { LiveReader } from '../handlers/live-reader';
import { closeHandlerContexts, openHandlerContext } from './handler-context';
import { CliUsageError, parseOptions, usageErrorsExit1 } from './output';
import { loadSynthesizedStack, type StackConstruct } from './synthesized-stack';

const USAGE = `usage: okta-aerial lookup [--app DIR] [--stack NAME] [--context-file FILE]

Reads from Okta the values that AerialOrg.resolvedOrgId (an org named by domain) and
PrincipalRateLimit.entityId need, and stores them in the app's context, so the next synth renders them.
Run it after the deploy that links the orgs and creates the rate limits, then synth again.
Never writes to Okta.

options:
  --app DIR            the synthesized app (default: cdktf.out)
  --stack NAME         the stack (default: the only one)
  --context-file FILE  the cdktf.json whose "context" receives the values (default: ./cdktf.json)
`;

/** One value a construct's attribute needs. */
interface Lookup {
  readonly key: string;
  readonly what: string;
  read(reader: LiveReader): Promise<string | undefined>;
}

/** The lookups of a stack's constructs; values from other resources cannot be looked up (skipped). */
export function lookupsOf(constructs: readonly StackConstruct[]): { lookups: Lookup[]; skipped: string[] } {
  const lookups: Lookup[] = [];
  const skipped: string[] = [];
  for (const { spec } of constructs) {
    if (spec.kind === 'aerial-org' && 'domain' in spec.org) {
      const { account, org } = spec;
      if ([account.accountId, org.domain].some(isTemplate)) {
        skipped.push(`${spec.path}: the org's domain or account comes from another resource`);
        continue;
      }
      lookups.push({
        key: orgIdLookupKey(account.accountId, org.domain),
        what: `org ${org.domain}`,
        read: async (reader) => (await reader.org(account, org))?.id,
      });
    } else if (spec.kind === 'principal-rate-limit') {
      const { org, principalId, principalType } = spec;
      if ([org.orgUrl, principalId].some(isTemplate)) {
        skipped.push(`${spec.path}: the org URL or principal comes from another resource`);
        continue;
      }
      lookups.push({
        key: rateLimitIdLookupKey(org.orgUrl, principalType, principalId),
        what: `rate limit of ${principalType} ${principalId} in ${org.orgUrl}`,
        read: async (reader) => (await reader.rateLimit(org, principalId, principalType))?.id,
      });
    }
  }
  return { lookups, skipped };
}

/** Entry point of `okta-aerial lookup`. */
export function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return usageErrorsExit1(() => lookup(argv, env));
}

async function lookup(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values: flags } = parseOptions('lookup', {
    args: argv,
    options: {
      app: { type: 'string', default: 'cdktf.out' },
      stack: { type: 'string' },
      'context-file': { type: 'string', default: 'cdktf.json' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (flags.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const contextFile = path.resolve(flags['context-file']);
  const config = readConfig(contextFile);
  const stack = loadSynthesizedStack(path.resolve(flags.app), flags.stack);
  const { lookups, skipped } = lookupsOf(stack.constructs);
  try {
    const reader = new LiveReader(openHandlerContext(env, () => undefined));
    const found = await Promise.all(lookups.map(async (l) => ({ ...l, value: await l.read(reader) })));
    const context = { ...(config.context ?? {}) } as Record<string, unknown>;
    let changed = 0;
    for (const f of found) {
      if (f.value === undefined) {
        process.stdout.write(`${f.what}: not in Okta yet (deploy first); left out\n`);
      } else if (context[f.key] === f.value) {
        process.stdout.write(`${f.what}: ${f.value} (unchanged)\n`);
      } else {
        process.stdout.write(`${f.what}: ${f.value}\n`);
        context[f.key] = f.value;
        changed += 1;
      }
    }
    for (const s of skipped) process.stdout.write(`${s}; not looked up\n`);
    if (changed > 0) {
      // Through a symlink to its target, keeping the file's permissions.
      const target = fs.realpathSync(contextFile);
      await writeFileAtomic(target, `${JSON.stringify({ ...config, context }, null, 2)}\n`, {
        mode: fs.statSync(target).mode & 0o777,
      });
    }
    process.stdout.write(
      changed > 0
        ? `${changed} value(s) stored in ${path.basename(contextFile)}'s context; synth again to use them\n`
        : `nothing new; ${path.basename(contextFile)} is unchanged\n`,
    );
    return 0;
  } finally {
    await closeHandlerContexts();
  }
}

function readConfig(file: string): { context?: Record<string, unknown> } & Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new CliUsageError(
      `${file} does not exist; run 'okta-aerial lookup' in the folder of your cdktf.json, or pass --context-file`,
    );
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('not an object');
    return parsed as { context?: Record<string, unknown> };
  } catch (e) {
    throw new CliUsageError(
      `${file} is not a JSON object (${(e as Error).message}); fix it or pass --context-file`,
    );
  }
}
