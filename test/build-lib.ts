/** Builds lib/ for tests that run the package's binary (bin/okta-aerial.js runs lib/). */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

/**
 * Runs tsc on the package. tsc still emits when a file of other in-progress work has a type error, so only
 * a missing `required` output (a path under lib/) is fatal.
 */
export function buildLib(required: string): void {
  try {
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'],
      {
        cwd: ROOT,
        stdio: 'ignore',
      },
    );
  } catch {
    // see above
  }
  if (!existsSync(join(ROOT, 'lib', required))) throw new Error(`build failed: lib/${required} is missing`);
}
