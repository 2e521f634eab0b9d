/**
 * The README's TypeScript snippets synthesize as written: each is taken from README.md, compiled, and run
 * against a fresh stack (the names it uses from earlier snippets are in scope, as in one file).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import * as library from '../../src';
import { oktaDeclarations } from '../../src';
import { cleanup, newStack, synth } from './helpers';

afterAll(cleanup);

const README = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');

/** The ```ts block that follows a heading. */
function snippetUnder(heading: string): string {
  const at = README.indexOf(`## ${heading}\n`);
  if (at < 0) throw new Error(`README has no section '${heading}'`);
  const m = /```ts\n([\s\S]*?)```/.exec(README.slice(at));
  if (!m) throw new Error(`README section '${heading}' has no ts block`);
  return m[1];
}

/** Runs a snippet with `stack` and the library's exports in scope; resolves its imports from this repo. */
function runSnippet(code: string, stack: unknown): void {
  const js = ts.transpileModule(code, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const lib = library as unknown as Record<string, unknown>;
  // jest's own require, so the snippet's cdktf is the one copy the library and this test use.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const requireFromRepo = (id: string): unknown => (id === 'cdktf-okta-aerial' ? lib : require(id));
  const names = Object.keys(lib).filter((k) => /^[A-Z]/.test(k));
  new Function('require', 'exports', 'stack', ...names, js)(
    requireFromRepo,
    {},
    stack,
    ...names.map((n) => lib[n]),
  );
}

describe('README snippets', () => {
  it('"Composing with other resources" synthesizes as written, with the Okta provider', () => {
    const stack = newStack();
    runSnippet(snippetUnder('Composing with other resources'), stack);
    const json = JSON.parse(synth(stack));
    expect(Object.keys(json.provider)).toEqual(['okta']);
    expect(Object.keys(json.resource.okta_app_oauth)).toHaveLength(1);
    const [limit] = oktaDeclarations(stack).rateLimits;
    expect(limit).toMatchObject({ principalType: 'OAUTH_CLIENT', defaultPercentage: 25 });
    expect(limit.principalId).toMatch(/^\$\{okta_app_oauth\.SyncApp\.client_id\}$/);
  });
});
