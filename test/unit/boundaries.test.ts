/** The dependency direction of design.md is enforced by ESLint: a wrong import fails the lint. */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

const REFUSED: Array<[string, string]> = [
  ['src/emulator/x.ts', "import { openAerialClient } from '../client';"],
  ['src/emulator/x.ts', "import { validateSpec } from '../contract';"],
  ['src/client/x.ts', "import { App } from 'cdktf';"],
  ['src/client/agent/x.ts', "import { startEmulator } from '../../emulator';"],
  ['src/cli/x.ts', "import { Construct } from 'constructs';"],
  ['src/handlers/x.ts', "import { AerialOrg } from '../constructs';"],
  ['src/constructs/x.ts', "import { runHandler } from '../handlers/dispatch';"],
  ['src/okta-api/x.ts', "import { ENV } from '../contract';"],
];

const ALLOWED: Array<[string, string]> = [
  ['src/emulator/x.ts', "import { SCOPES } from '../okta-api';"],
  ['src/client/x.ts', "import { isLoopbackHost } from '../common';"],
  ['src/handlers/x.ts', "import { openAerialClient } from '../client';"],
  ['src/cli/x.ts', "import type { AerialAccountProps } from '../constructs';"],
  ['src/constructs/x.ts', "import { App } from 'cdktf';"],
];

/**
 * Lints each snippet as if it were that file, with the project's ESLint config, in one child process
 * (ESLint loads its ESM config with a dynamic import, which jest's VM does not allow).
 */
function lintAll(cases: Array<[string, string]>): string[][] {
  const script = `
    const { ESLint } = require('eslint');
    const cases = JSON.parse(process.argv[1]);
    (async () => {
      const eslint = new ESLint({ cwd: ${JSON.stringify(ROOT)} });
      const out = [];
      for (const [file, code] of cases) {
        const [r] = await eslint.lintText(code + '\\nexport {};\\n', { filePath: require('path').join(${JSON.stringify(ROOT)}, file) });
        out.push(r.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message));
      }
      process.stdout.write(JSON.stringify(out));
    })();`;
  return JSON.parse(
    execFileSync(process.execPath, ['-e', script, JSON.stringify(cases)], { cwd: ROOT, encoding: 'utf8' }),
  ) as string[][];
}

describe('layer boundaries', () => {
  const refused = lintAll(REFUSED);
  const allowed = lintAll(ALLOWED);

  it.each(REFUSED.map((c, i) => [...c, i] as const))('refuses in %s: %s', (_file, _code, i) => {
    expect(refused[i]).toHaveLength(1);
    expect(refused[i][0]).toMatch(/must not depend on/);
  });

  it.each(ALLOWED.map((c, i) => [...c, i] as const))('allows in %s: %s', (_file, _code, i) => {
    expect(allowed[i]).toEqual([]);
  });
});
