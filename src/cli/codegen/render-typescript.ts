/**
 * `okta-aerial import --format ts`: the planned constructs as a complete cdktf app in TypeScript, with
 * literals and comments that are always valid and formatted as Prettier would.
 */
import { isRef, type ConstructType, type ImportPlan, type PlannedDecl, type PropValue } from './types';

const WIDTH = 110;

/** The plan as a complete cdktf app in TypeScript (formatted as Prettier would, with printWidth 110). */
export function renderTypeScript(plan: ImportPlan): string {
  const { estate } = plan;
  const out: string[] = [];
  const counts = (type: ConstructType): number => plan.decls.filter((d) => d.type === type).length;
  const orgs = counts('AerialOrg');
  const limits = counts('PrincipalRateLimit');
  const apis = counts('OktaOrg');
  const account = `${estate.account.id}${estate.account.name ? ` (${estate.account.name})` : ''}`;
  out.push(
    ...commentBlock(
      [
        `The Okta Aerial account ${account} as a cdktf stack, written by \`okta-aerial import\`. It declares ` +
          `${plural(orgs, 'linked org')} by org id with ${orgs === 1 ? 'its status' : 'their statuses'}, the ` +
          `products enabled in each, and ${plural(limits, 'principal rate limit')} of ${plural(apis, 'org')}.`,
        'Deploying it against the same account changes nothing in Okta, and `okta-aerial drift` then reports ' +
          'every construct in sync. Every removal policy is RETAIN (the default): a destroy leaves Okta as it is.',
        'No secret is in this file: the connections name the environment variables that hold them.',
      ],
      '',
    ),
  );
  const skipped = notImportedLines(plan);
  if (skipped.length > 0) {
    out.push('//', '// Not declared here:', ...skipped.flatMap((line) => commentBlock([line], '- ')));
  }
  const types = new Set(plan.decls.map((d) => d.type));
  const imports = (
    ['AerialAccount', 'AerialOrg', 'OktaOrg', 'PrincipalRateLimit', 'ProductAssignment'] as const
  )
    .filter((t) => types.has(t))
    .join(', ');
  out.push(
    "import { App, TerraformStack } from 'cdktf';",
    `import { ${imports} } from 'cdktf-okta-aerial';`,
    '',
    'const app = new App();',
    `const stack = new TerraformStack(app, ${quote(plan.stack)});`,
  );
  const varOf = new Map(plan.decls.filter((d) => d.varName).map((d) => [d.id, d.varName!]));
  for (const d of plan.decls) {
    if (d.comment) out.push('', ...d.comment.flatMap((c) => commentBlock([c], '')));
    const head = `${d.varName ? `const ${d.varName} = ` : ''}new ${d.type}(stack, ${quote(d.id)}, {`;
    out.push(head, ...renderProps(d, varOf, '  '), '});');
  }
  out.push('', 'app.synth();');
  return `${out.join('\n')}\n`;
}

function notImportedLines(plan: ImportPlan): string[] {
  const lines: string[] = [];
  for (const n of plan.notImported) {
    if (n.kind === 'rate-limits') continue;
    const subject =
      n.kind === 'aerial-org'
        ? `the Aerial org ${n.orgId} (${n.domain})`
        : n.kind === 'org'
          ? `the org ${n.orgId} (${n.domain})`
          : n.kind === 'products'
            ? `the products of ${n.domain} (${n.orgId})`
            : `the rate limit of ${n.principalType} ${n.principalId} in ${n.domain ?? n.orgUrl}`;
    lines.push(`${subject}: ${n.reason}.`);
  }
  if (plan.orgsWithoutConnection.length > 0) {
    const n = plan.orgsWithoutConnection.length;
    lines.push(
      `the principal rate limits of ${plural(n, 'org')} without an --org-url (run the import again with ` +
        `--org-url for ${n === 1 ? 'it' : 'them'} to add them): ${plan.orgsWithoutConnection.join(', ')}.`,
    );
  }
  return lines;
}

function renderProps(d: PlannedDecl, varOf: ReadonlyMap<string, string>, indent: string): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(d.props)) {
    if (isRef(value)) {
      const name = varOf.get(value.ref)!;
      lines.push(`${indent}${name === key ? key : `${key}: ${name}`},`);
    } else if (Array.isArray(value) && value.length > 0 && d.elementComments) {
      lines.push(`${indent}${key}: [`);
      for (const item of value) {
        const note = d.elementComments[String(item)];
        lines.push(`${indent}  ${literal(item)},${note ? ` // ${commentText(note)}` : ''}`);
      }
      lines.push(`${indent}],`);
    } else if (Array.isArray(value) && value.length === 0 && key === 'productIds') {
      lines.push(`${indent}${key}: [], // no product is enabled`);
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      lines.push(`${indent}${key}: {`);
      for (const [k, v] of Object.entries(value as Record<string, PropValue>)) {
        lines.push(`${indent}  ${k}: ${literal(v)},`);
      }
      lines.push(`${indent}},`);
    } else {
      lines.push(`${indent}${key}: ${literal(value)},`);
    }
  }
  return lines;
}

/** A literal for a scalar or an array of scalars. */
function literal(v: PropValue): string {
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(literal).join(', ')}]`;
  throw new Error(`cannot render ${JSON.stringify(v)} inline`);
}

/** Control characters (and the two JavaScript line terminators) that may not appear raw in a literal or comment. */
function isControl(c: string): boolean {
  const code = c.charCodeAt(0);
  return code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029;
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A single-quoted TypeScript string literal (Prettier's choice of quotes for these values). */
export function quote(s: string): string {
  let body = '';
  for (const c of s) {
    body += ESCAPES[c] ?? (isControl(c) ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c);
  }
  return `'${body}'`;
}

/** Text safe inside a line comment: one line, no control characters. */
function commentText(s: string): string {
  return [...s]
    .map((c) => (isControl(c) ? ' ' : c))
    .join('')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** `// ` lines of at most WIDTH columns; continuation lines are indented under the first's `bullet`. */
function commentBlock(paragraphs: readonly string[], bullet: string): string[] {
  const lines: string[] = [];
  for (const p of paragraphs) {
    let line = `// ${bullet}`;
    let empty = true;
    // A `code span` is never split across lines.
    for (const word of commentText(p).match(/`[^`]*`[^\s]*|\S+/g) ?? []) {
      if (!empty && line.length + 1 + word.length > WIDTH) {
        lines.push(line);
        line = `// ${' '.repeat(bullet.length)}${word}`;
      } else {
        line += `${empty ? '' : ' '}${word}`;
      }
      empty = false;
    }
    lines.push(line);
  }
  return lines;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
