/** The README stays short, its links and the docs' links resolve, and every variable in ENV is documented. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ENV } from '../../src/common/env';

const ROOT = path.resolve(__dirname, '../..');
const README = path.join(ROOT, 'README.md');
const DOCS = path.join(ROOT, 'docs');
const MAX_README_LINES = 230;

/** README.md and every docs/*.md, as absolute paths. */
function markdownFiles(): string[] {
  const docs = fs.existsSync(DOCS)
    ? fs
        .readdirSync(DOCS)
        .filter((f) => f.endsWith('.md'))
        .map((f) => path.join(DOCS, f))
    : [];
  return [README, ...docs];
}

/** The lines of a markdown file outside fenced code blocks (``` or ~~~). */
function proseLines(text: string): string[] {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of text.split('\n')) {
    const m = /^\s*(`{3,}|~{3,})/.exec(line);
    if (m) {
      if (fence === undefined) fence = m[1][0];
      else if (m[1][0] === fence) fence = undefined;
      continue;
    }
    if (fence === undefined) out.push(line);
  }
  return out;
}

/** GitHub's anchor for a heading: rendered text, lowercase, punctuation removed, each space to '-'. */
function githubAnchor(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images: their text
    .replace(/<[^>]+>/g, '') // inline HTML
    .replace(/[`*]/g, '') // code and emphasis markers
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor a file's headings get on GitHub, duplicates numbered -1, -2, ... as GitHub does. */
function anchorsOf(file: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseLines(fs.readFileSync(file, 'utf8'))) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = githubAnchor(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** The targets of the inline links and images of a file, outside code blocks and code spans. */
function linkTargets(file: string): string[] {
  const targets: string[] = [];
  for (const line of proseLines(fs.readFileSync(file, 'utf8'))) {
    const prose = line.replace(/(`+)[^`]*?\1/g, '');
    for (const m of prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
      targets.push(m[1]);
  }
  return targets;
}

/** Problems with the relative links of one file: a missing file, or a #fragment that is no heading there. */
function brokenLinks(file: string): string[] {
  const problems: string[] = [];
  for (const target of linkTargets(file)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: ...
    const [rawPath, fragment] = target.split('#', 2);
    const resolved = rawPath === '' ? file : path.resolve(path.dirname(file), decodeURI(rawPath));
    const where = `${path.relative(ROOT, file)}: ${target}`;
    if (!fs.existsSync(resolved)) {
      problems.push(`${where}: ${path.relative(ROOT, resolved)} does not exist`);
      continue;
    }
    if (fragment !== undefined && fragment !== '') {
      if (!resolved.endsWith('.md')) {
        problems.push(`${where}: a #fragment on a file that is not markdown`);
      } else if (!anchorsOf(resolved).has(fragment)) {
        problems.push(
          `${where}: no heading with the anchor #${fragment} in ${path.relative(ROOT, resolved)}`,
        );
      }
    }
  }
  return problems;
}

describe('githubAnchor', () => {
  it.each([
    [
      "Reviewing a deploy in Okta's terms: `okta-aerial plan`",
      'reviewing-a-deploy-in-oktas-terms-okta-aerial-plan',
    ],
    [
      '`AerialAccount` — the connection to one Aerial account',
      'aerialaccount--the-connection-to-one-aerial-account',
    ],
    ['Where Okta’s behaviour is not published', 'where-oktas-behaviour-is-not-published'],
    ['OKTA_AERIAL_SPEC and friends', 'okta_aerial_spec-and-friends'],
    ['See [the client](client.md)', 'see-the-client'],
  ])('turns %j into %j', (heading, anchor) => {
    expect(githubAnchor(heading)).toBe(anchor);
  });
});

describe('README.md', () => {
  it(`is at most ${MAX_README_LINES} lines`, () => {
    const lines = fs.readFileSync(README, 'utf8').replace(/\n$/, '').split('\n').length;
    expect(lines).toBeLessThanOrEqual(MAX_README_LINES);
  });

  it('links to the reference pages in docs/', () => {
    const targets = linkTargets(README).map((t) => t.split('#')[0]);
    expect(targets.some((t) => t.startsWith('docs/'))).toBe(true);
  });
});

describe('links between README.md and docs/', () => {
  it.each(markdownFiles().map((f) => [path.relative(ROOT, f), f]))(
    '%s: every relative link points to an existing file and heading',
    (_name, file) => {
      expect(brokenLinks(file)).toEqual([]);
    },
  );

  it('every docs page links back to the README', () => {
    const missing = markdownFiles()
      .filter((f) => f !== README)
      .filter((f) => !linkTargets(f).some((t) => t.split('#')[0] === '../README.md'))
      .map((f) => path.relative(ROOT, f));
    expect(missing).toEqual([]);
  });
});

describe('docs/environment.md', () => {
  it('names every environment variable of ENV (src/common/env.ts)', () => {
    const text = fs.readFileSync(path.join(DOCS, 'environment.md'), 'utf8');
    const missing = Object.values(ENV).filter((name) => !new RegExp(`\\b${name}\\b`).test(text));
    expect(missing).toEqual([]);
  });
});
