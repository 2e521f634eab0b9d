/**
 * The hook layer (src/hook: the thin hook entry, and the hooks the deploy agent runs) sits between the CLI
 * and the handlers: it may use the handlers and the client, never the constructs, cdktf or the emulator.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

const CASES: Array<[string, string, boolean]> = [
  ["import { AerialOrg } from '../constructs';", 'src/hook/x.ts', false],
  ["import { App } from 'cdktf';", 'src/hook/x.ts', false],
  ["import { startEmulator } from '../emulator';", 'src/hook/x.ts', false],
  ["import { runHandler } from '../handlers';", 'src/hook/x.ts', true],
  ["import { setHookRunner } from '../client/agent/agent-server';", 'src/hook/x.ts', true],
  ["import { runHook } from '../cli/hook-command';", 'src/hook/x.ts', true],
];

/** The boundary messages ESLint gives each snippet, linted as that file with the project's config. */
function lint(): string[][] {
  const script = `
    const { ESLint } = require('eslint');
    const cases = JSON.parse(process.argv[1]);
    (async () => {
      const eslint = new ESLint({ cwd: ${JSON.stringify(ROOT)} });
      const out = [];
      for (const [code, file] of cases) {
        const [r] = await eslint.lintText(code + '\\nexport {};\\n', { filePath: require('path').join(${JSON.stringify(ROOT)}, file) });
        out.push(r.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message));
      }
      process.stdout.write(JSON.stringify(out));
    })();`;
  return JSON.parse(
    execFileSync(process.execPath, ['-e', script, JSON.stringify(CASES)], { cwd: ROOT, encoding: 'utf8' }),
  ) as string[][];
}

describe('hook layer boundaries', () => {
  const messages = lint();
  it.each(CASES.map((c, i) => [...c, i] as const))('%s in %s allowed: %s', (_code, _file, allowed, i) => {
    if (allowed) expect(messages[i]).toEqual([]);
    else expect(messages[i]).toEqual([expect.stringMatching(/src\/hook must not depend on/)]);
  });
});
