/**
 * The hook's side of the apply journal (see src/spec/journal.ts): after every API call of an apply has
 * succeeded, clear the pending mark the journal resource wrote and record the trigger value that resource
 * was planned with, so the next plan reads the same value back. On failure nothing is touched: the mark
 * stays, and the next plan replaces the resource.
 */
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

/** Records a completed apply for the journal prefix `prefix` planned with trigger value `planned`. */
export function completeApply(prefix: string, planned: string): void {
  fs.mkdirSync(path.dirname(prefix), { recursive: true, mode: 0o700 });
  if (planned === JOURNAL_CLEAN) fs.rmSync(`${prefix}.done`, { force: true });
  else writeAtomically(`${prefix}.done`, planned);
  fs.rmSync(`${prefix}.pending`, { force: true });
}
