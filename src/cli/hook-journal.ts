/**
 * The hook's side of the apply journal (see src/spec/journal.ts). Before its first API call the hook makes
 * sure a pending mark exists (the journal resource normally wrote it; it may not have, if an earlier deploy
 * was killed between recording the journal resource and running its provisioner, or if the config resource
 * alone is re-created by `-replace` or a taint). After every API call succeeded, it clears the mark and
 * records the trigger value the journal resource was planned with, so the next plan reads the same value
 * back. On failure nothing is cleared: the mark stays, and the next plan replaces the resource.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JOURNAL_CLEAN } from '../spec/journal';

function writeAtomically(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/** Marks an apply as pending unless the journal resource already did (its nonce is kept). */
export function markPending(prefix: string): void {
  if (fs.existsSync(`${prefix}.pending`)) return;
  fs.mkdirSync(path.dirname(prefix), { recursive: true, mode: 0o700 });
  writeAtomically(`${prefix}.pending`, randomBytes(8).toString('hex'));
}

/** Records a completed apply for the journal prefix `prefix` planned with trigger value `planned`. */
export function completeApply(prefix: string, planned: string): void {
  fs.mkdirSync(path.dirname(prefix), { recursive: true, mode: 0o700 });
  if (planned === JOURNAL_CLEAN) fs.rmSync(`${prefix}.done`, { force: true });
  else writeAtomically(`${prefix}.done`, planned);
  fs.rmSync(`${prefix}.pending`, { force: true });
}
