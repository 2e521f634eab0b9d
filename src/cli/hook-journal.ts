/**
 * The hook's side of the apply journal (see src/spec/journal.ts): mark an apply as pending before the
 * first API call, and clear the mark when it succeeded. On failure the mark stays: Terraform taints the
 * resource anyway, and the mark keeps the next plan's trigger consistent with a re-run.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A started apply: call `succeeded()` once every API call of the hook has completed. */
export interface JournalEntry {
  succeeded(): void;
}

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

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Marks the apply of the resource with journal prefix `prefix` (relative to the hook's cwd) as pending. */
export function beginApply(prefix: string): JournalEntry {
  const pending = `${prefix}.pending`;
  const done = `${prefix}.done`;
  fs.mkdirSync(path.dirname(pending), { recursive: true, mode: 0o700 });
  // What this run's plan saw: a leftover nonce means this run is the retry of an interrupted apply.
  const seen = readIfExists(pending);
  writeAtomically(pending, randomBytes(8).toString('hex'));
  return {
    succeeded() {
      if (seen !== undefined) writeAtomically(done, `retry-${seen}`);
      fs.rmSync(pending, { force: true });
    },
  };
}
