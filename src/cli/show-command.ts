/**
 * `okta-aerial show`: an Aerial account at a glance. Every linked org with its status and enabled products,
 * the products the account subscribes to (with their names), and the principal rate limits of the orgs given
 * with --org-url; as tables, or one JSON document with --json. Reads through the shared client; never writes.
 */
import { ENV } from '../common';
import type { PrincipalRateLimitEntity, Product } from '../contract';
import { endpointOverride, overrideAerialBase } from '../handlers/endpoint-override';
import {
  CONNECTION_OPTIONS,
  CONNECTION_USAGE,
  connectionsFromFlags,
  type ConnectionFlagValues,
} from './connection-flags';
import { readEstate, type Estate } from './estate';
import { closeHandlerContexts, openHandlerContext } from './handler-context';
import { parseOptions } from './output';

export const SHOW_USAGE = `usage: okta-aerial show --account-id ID --client-id ID (--aerial-org-domain DOMAIN | --token-url URL)
         [--environment production|sandbox | --base-url URL] [--private-key-env NAME] [--key-id-env NAME]
         [--dpop] [--org-url URL ... [--api-token-env NAME | --org-client-id ID [--org-private-key-env NAME]
         [--org-key-id-env NAME]]] [--json]

An Aerial account at a glance: every org linked to it with its status and enabled products, the products the
account subscribes to with their names, and the principal rate limits of every org given with --org-url.
Reads only; never writes to Okta.

${CONNECTION_USAGE}

output:
  --json                     one JSON document instead of tables:
                               {"account": {"id", "name", "baseUrl", "environment"},
                                "subscribedProducts": [{"id", "name"}],
                                "orgs": [{"id", "domain", "name", "cell", "status", "aerialOrg", "createdDate",
                                          "products": [{"id", "name"}], "orgUrl", "rateLimits"}],
                                "otherOrgUrls": [{"orgUrl", "rateLimits"}]}
                             a rate limit of an SSWS token has "principalName" (the API token's name) when
                             the org connection may read the org's API tokens
                             an org's "orgUrl" and "rateLimits" are null when no --org-url names it;
                             "otherOrgUrls" are --org-urls that match no linked org
  -h, --help                 this text

exit codes: 0 shown, 1 error, 2 usage error
`;

/** Entry point of `okta-aerial show`. */
export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const args = parseShowArgs(argv);
  if (args.help) {
    process.stdout.write(SHOW_USAGE);
    return 0;
  }
  const conns = connectionsFromFlags(args.values, env);
  try {
    const ctx = openHandlerContext(env, () => undefined);
    const estate = await readEstate(
      ctx,
      conns.account.spec,
      conns.orgs.map((o) => o.spec),
    );
    process.stdout.write(
      args.json
        ? `${JSON.stringify(showDocument(estate), null, 2)}\n`
        : formatShow(estate, endpointOverride(env)),
    );
    return 0;
  } finally {
    await closeHandlerContexts();
  }
}

/** The parsed options of `show`. */
export function parseShowArgs(argv: string[]): {
  values: ConnectionFlagValues;
  json: boolean;
  help: boolean;
} {
  const { values } = parseOptions('show', {
    args: argv,
    options: {
      ...CONNECTION_OPTIONS,
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  return { values, json: values.json, help: values.help };
}

/** One rate-limit entity as `show` reports it. */
export interface ShownRateLimit {
  readonly id?: string;
  readonly principalId: string;
  readonly principalType: string;
  /** The API token's name, for an SSWS principal whose token the connection may read. */
  readonly principalName?: string;
  readonly defaultPercentage?: number;
  readonly defaultConcurrencyPercentage?: number;
}

/** The `--json` document. */
export interface ShowDocument {
  readonly account: {
    readonly id: string;
    readonly name?: string;
    readonly baseUrl: string;
    readonly environment?: string;
  };
  readonly subscribedProducts: readonly Product[];
  readonly orgs: readonly {
    readonly id: string;
    readonly domain: string;
    readonly name: string;
    readonly cell: string;
    readonly status: string;
    readonly aerialOrg: boolean;
    readonly createdDate?: string;
    readonly products: readonly Product[];
    readonly orgUrl: string | null;
    readonly rateLimits: readonly ShownRateLimit[] | null;
  }[];
  readonly otherOrgUrls: readonly {
    readonly orgUrl: string;
    readonly rateLimits: readonly ShownRateLimit[];
  }[];
}

function shown(e: PrincipalRateLimitEntity, names: ReadonlyMap<string, string> = new Map()): ShownRateLimit {
  return {
    id: e.id,
    principalId: e.principalId,
    principalType: e.principalType,
    ...(names.has(e.principalId) ? { principalName: names.get(e.principalId) } : {}),
    defaultPercentage: e.defaultPercentage,
    defaultConcurrencyPercentage: e.defaultConcurrencyPercentage,
  };
}

/** The estate as the `--json` document. */
export function showDocument(estate: Estate): ShowDocument {
  const names = new Map(estate.subscribedProducts.map((p) => [p.id, p.name]));
  const apiOf = new Map(estate.orgApis.filter((a) => a.orgId !== undefined).map((a) => [a.orgId!, a]));
  const linked = new Set(estate.orgs.map((o) => o.org.id));
  return {
    account: {
      id: estate.account.id,
      ...(estate.account.name !== undefined ? { name: estate.account.name } : {}),
      baseUrl: estate.connection.baseUrl,
      ...(estate.connection.environment ? { environment: estate.connection.environment } : {}),
    },
    subscribedProducts: estate.subscribedProducts,
    orgs: estate.orgs.map(({ org, products }) => {
      const api = apiOf.get(org.id);
      return {
        id: org.id,
        domain: org.domain,
        name: org.name,
        cell: org.cell,
        status: org.status,
        aerialOrg: org.aerialOrg === true,
        ...(org.createdDate ? { createdDate: org.createdDate } : {}),
        products: products.map((p) => ({ id: p.id, ...nameOf(p, names) })),
        orgUrl: api ? api.connection.orgUrl : null,
        rateLimits: api ? api.rateLimits.map((e) => shown(e, api.tokenNames)) : null,
      };
    }),
    otherOrgUrls: estate.orgApis
      .filter((a) => a.orgId === undefined || !linked.has(a.orgId) || apiOf.get(a.orgId) !== a)
      .map((a) => ({
        orgUrl: a.connection.orgUrl,
        rateLimits: a.rateLimits.map((e) => shown(e, a.tokenNames)),
      })),
  };
}

function nameOf(p: Product, names: ReadonlyMap<string, string | undefined>): { name?: string } {
  const name = p.name ?? names.get(p.id);
  return name !== undefined ? { name } : {};
}

/**
 * The estate as tables for a person. `endpoint`: OKTA_AERIAL_ENDPOINT_URL, which sends the requests for
 * Okta's URLs to the emulator; the account's line names the URL the connection gives, and the next line
 * says where the requests went.
 */
export function formatShow(estate: Estate, endpoint?: string): string {
  const doc = showDocument(estate);
  const out: string[] = [];
  const { account } = doc;
  out.push(`Aerial account ${account.id}${account.name ? ` (${account.name})` : ''} at ${account.baseUrl}`);
  const sentTo = overrideAerialBase(endpoint, estate.connection.baseUrl, estate.connection.environment);
  if (sentTo !== estate.connection.baseUrl) out.push(`  (requests sent to ${sentTo} by ${ENV.endpointUrl})`);

  out.push('', `Subscribed products (${doc.subscribedProducts.length})`);
  if (doc.subscribedProducts.length === 0) out.push('  none');
  out.push(...table(doc.subscribedProducts.map((p) => [p.id, p.name ?? ''])).map((l) => `  ${l}`));

  out.push('', `Linked orgs (${doc.orgs.length})`);
  if (doc.orgs.length === 0) out.push('  none');
  else {
    const rows = doc.orgs.map((o) => [
      o.id,
      o.domain,
      o.cell,
      o.status,
      (o.products.length ? o.products.map((p) => p.id).join(', ') : 'none') +
        (o.aerialOrg ? "  (the account's Aerial org)" : ''),
    ]);
    out.push(...table([['ORG ID', 'DOMAIN', 'CELL', 'STATUS', 'PRODUCTS'], ...rows]).map((l) => `  ${l}`));
  }

  out.push('', 'Principal rate limits');
  const sections = [
    ...doc.orgs
      .filter((o) => o.rateLimits !== null)
      .map((o) => ({ title: `${o.domain} (${o.orgUrl})`, limits: o.rateLimits! })),
    ...doc.otherOrgUrls.map((a) => ({ title: `${a.orgUrl} (matches no linked org)`, limits: a.rateLimits })),
  ];
  for (const { title, limits } of sections) {
    if (limits.length === 0) {
      out.push(`  ${title}: none`);
      continue;
    }
    out.push(`  ${title}: ${limits.length}`);
    const pct = (v: number | undefined): string => (v === undefined ? '-' : `${v}%`);
    const named = limits.some((e) => e.principalName !== undefined);
    const rows = limits.map((e) => [
      e.principalType,
      e.principalId,
      ...(named ? [e.principalName ?? '-'] : []),
      pct(e.defaultPercentage),
      pct(e.defaultConcurrencyPercentage),
    ]);
    const head = ['TYPE', 'PRINCIPAL', ...(named ? ['NAME'] : []), 'RATE', 'CONCURRENCY'];
    const right = named ? [3, 4] : [2, 3];
    out.push(...table([head, ...rows], right).map((l) => `    ${l}`));
  }
  const unread = doc.orgs.filter((o) => o.rateLimits === null).map((o) => o.domain);
  if (sections.length === 0) {
    out.push('  not read: pass --org-url (with --api-token-env or --org-client-id) for each org to show');
  } else if (unread.length > 0) {
    out.push(
      `  not read for ${unread.length} org${unread.length === 1 ? '' : 's'} without --org-url: ${unread.join(', ')}`,
    );
  }
  return `${out.join('\n')}\n`;
}

/** Rows as aligned columns (two spaces apart); the columns in `right` are right-aligned. */
function table(rows: readonly (readonly string[])[], right: readonly number[] = []): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) =>
        i === row.length - 1 && !right.includes(i)
          ? cell
          : right.includes(i)
            ? cell.padStart(widths[i])
            : cell.padEnd(widths[i]),
      )
      .join('  ')
      .trimEnd(),
  );
}
