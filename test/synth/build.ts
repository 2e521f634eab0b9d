import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** Newest modification time of the .ts files under `dir`. */
function newestSource(dir: string): number {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .map((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return newestSource(full);
      return entry.name.endsWith('.ts') ? fs.statSync(full).mtimeMs : 0;
    })
    .reduce((a, b) => Math.max(a, b), 0);
}

/**
 * The examples are plain JavaScript on top of lib/ (what `cdktf synth` runs), so their tests need a lib/
 * built from the current sources: builds it when it is missing or older than any source file in src/.
 */
export function ensureBuilt(): void {
  const built = path.join(ROOT, 'lib/constructs/index.js');
  const stale = !fs.existsSync(built) || fs.statSync(built).mtimeMs < newestSource(path.join(ROOT, 'src'));
  if (stale) {
    try {
      execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], {
        cwd: ROOT,
        stdio: 'pipe',
      });
    } catch {
      // tsc still emits when other parts of src/ have type errors; only a missing output is fatal.
    }
    if (!fs.existsSync(built)) throw new Error('npm run build did not produce lib/constructs/index.js');
  }
}
