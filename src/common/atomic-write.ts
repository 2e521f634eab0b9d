/**
 * The one way this project writes a file so that a crash never leaves a torn one: a 0600 temp file in
 * the same folder, fsync, then rename over the target (or, for `exclusive`, link to it, which fails if it
 * exists), then fsync of the folder so the rename itself survives a power loss.
 */
import { randomBytes } from 'node:crypto';
import { constants, promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `text` to `path` atomically and durably; `exclusive` refuses to replace an existing file (EEXIST).
 * `mode` is the new file's (before the umask): 0600 by default, for state and keys.
 */
export async function writeFileAtomic(
  path: string,
  text: string,
  options: { exclusive?: boolean; mode?: number } = {},
): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await fsp.open(
    tmp,
    constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY,
    options.mode ?? 0o600,
  );
  try {
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } catch (err) {
    await fh.close();
    await fsp.rm(tmp, { force: true }); // e.g. ENOSPC: leave no temp file behind
    throw err;
  }
  await fh.close();
  try {
    if (options.exclusive) await fsp.link(tmp, path);
    else await fsp.rename(tmp, path);
  } finally {
    // After a rename the temp name is gone already; after a link (or a failure) it must go.
    await fsp.rm(tmp, { force: true });
  }
  // Make the rename itself durable; not every platform can fsync a folder, which is fine to skip.
  try {
    const dh = await fsp.open(dir, 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  } catch {
    // best effort
  }
}
