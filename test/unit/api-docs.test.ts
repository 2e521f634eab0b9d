/**
 * The API reference in docs/api is generated from the TSDoc of the public API (src/index.ts) by
 * `npm run docs:api` (typedoc.json) and committed; it must be exactly what the code generates today.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const COMMITTED = path.join(ROOT, 'docs', 'api');
const TYPEDOC = path.join(path.dirname(require.resolve('typedoc/package.json')), 'bin', 'typedoc');

/** Every file below `dir`, as sorted paths relative to it. */
function filesOf(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe('docs/api', () => {
  let fresh: string;

  beforeAll(() => {
    // Inside the project rather than os.tmpdir(): the markdown plugin formats with Prettier, which must find
    // the project's .prettierrc for this folder exactly as it does for docs/api.
    const cache = path.join(ROOT, 'node_modules', '.cache');
    fs.mkdirSync(cache, { recursive: true });
    fresh = fs.mkdtempSync(path.join(cache, 'api-docs-'));
    execFileSync(process.execPath, [TYPEDOC, '--out', fresh, '--logLevel', 'Error'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: 'pipe',
    });
  });

  afterAll(() => {
    if (fresh) fs.rmSync(fresh, { recursive: true, force: true });
  });

  it('is what `npm run docs:api` generates from the code', () => {
    const committed = filesOf(COMMITTED);
    const generated = filesOf(fresh);
    const differ = [...new Set([...committed, ...generated])].sort().filter((f) => {
      if (!committed.includes(f) || !generated.includes(f)) return true;
      return (
        fs.readFileSync(path.join(COMMITTED, f), 'utf8') !== fs.readFileSync(path.join(fresh, f), 'utf8')
      );
    });
    const verdict =
      differ.length === 0
        ? 'up to date'
        : `docs/api differs from the TSDoc in ${differ.join(', ')}: run npm run docs:api and commit docs/api`;
    expect(verdict).toBe('up to date');
  });

  it('documents each construct and its props', () => {
    const files = filesOf(COMMITTED);
    for (const name of ['AerialAccount', 'OktaOrg', 'AerialOrg', 'ProductAssignment', 'PrincipalRateLimit']) {
      expect(files).toContain(path.join('classes', `${name}.md`));
      expect(files).toContain(path.join('interfaces', `${name}Props.md`));
    }
  });
});
