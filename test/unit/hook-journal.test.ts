/**
 * The apply journal protocol (src/spec/journal.ts, src/cli/hook-journal.ts). The journal resource's mark
 * command runs for real in /bin/sh; the value the `interrupted` trigger would read is computed here exactly
 * as Terraform's template does, from the files.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { completeApply, markPending } from '../../src/cli/hook-journal';
import { interruptedTrigger, journalName, journalPrefix, markPendingCommand } from '../../src/spec';

const CONSTRUCT = 'stack/Org';
let dir: string;
let prefix: string;

/** What `interruptedTrigger` evaluates to for these files (mirrors the Terraform template). */
function plan(): string {
  const read = (f: string): string | undefined =>
    fs.existsSync(f) ? fs.readFileSync(f, 'utf8').trim() : undefined;
  const pending = read(`${prefix}.pending`);
  if (pending !== undefined) return `retry-${pending}`;
  return read(`${prefix}.done`) ?? 'none';
}

/** The journal resource's create-time provisioner, as Terraform runs it (sh -c in the stack dir). */
function mark(): void {
  execFileSync('/bin/sh', ['-c', markPendingCommand(CONSTRUCT)], { cwd: dir });
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-aerial-journal-'));
  prefix = path.join(dir, journalPrefix(CONSTRUCT));
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('apply journal', () => {
  it('keeps the trigger at "none" through an uninterrupted apply', () => {
    const planned = plan();
    mark();
    completeApply(prefix, planned);
    expect(planned).toBe('none');
    expect(plan()).toBe('none');
  });

  it('changes the trigger when the apply is cut off after the mark, even before the hook started', () => {
    const planned = plan();
    mark(); // ...then the deploy is killed: the hook never records completion
    expect(plan()).toMatch(/^retry-[0-9a-f]{16}$/);
    expect(plan()).not.toBe(planned);
  });

  it('keeps the trigger stable after the retry succeeds (no replacement loop)', () => {
    mark(); // first run killed
    const planned = plan(); // the retry's plan replaces the resource
    mark();
    completeApply(prefix, planned);
    expect(plan()).toBe(planned);
    // and a later change to the desired state keeps it stable too
    const plannedLater = plan();
    mark();
    completeApply(prefix, plannedLater);
    expect(plan()).toBe(planned);
  });

  it('changes the trigger again when the retry is cut off too', () => {
    mark();
    const planned = plan();
    mark(); // the retry is killed as well
    expect(plan()).not.toBe(planned);
    expect(plan()).toMatch(/^retry-/);
  });

  it('still notices a hook cut off after an earlier run lost the journal mark', () => {
    // Run 1 was killed after Terraform recorded the journal resource but before its mark was written, so
    // run 2 plans no journal change and creates only the config resource; its hook marks the apply itself.
    const planned = plan();
    markPending(prefix); // the hook, before its first API call; then run 2 is killed too
    expect(plan()).not.toBe(planned);
  });

  it("keeps the journal resource's mark when the hook marks too", () => {
    mark();
    const marked = plan();
    markPending(prefix);
    expect(plan()).toBe(marked);
  });

  it('writes a fresh nonce on every mark', () => {
    mark();
    const first = plan();
    mark();
    expect(plan()).not.toBe(first);
  });

  it('names journal files by construct path, stably and distinctly', () => {
    expect(journalName(CONSTRUCT)).toBe(journalName(CONSTRUCT));
    expect(journalName(CONSTRUCT)).not.toBe(journalName(`${CONSTRUCT}2`));
    expect(journalName(CONSTRUCT)).toMatch(/^[0-9a-f]{16}$/);
    expect(interruptedTrigger(CONSTRUCT)).toContain(`${journalName(CONSTRUCT)}.pending`);
  });
});
