/**
 * The apply journal protocol (src/spec/journal.ts, src/cli/hook-journal.ts): the value the config resource's
 * `interrupted` trigger would read is computed here exactly as Terraform's template does, from the files.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beginApply } from '../../src/cli/hook-journal';
import { interruptedTrigger, journalName, journalPrefix } from '../../src/spec';

let dir: string;
let prefix: string;

/** What `interruptedTrigger` evaluates to for these files (mirrors the Terraform template). */
function trigger(): string {
  const read = (f: string): string | undefined =>
    fs.existsSync(f) ? fs.readFileSync(f, 'utf8').trim() : undefined;
  const pending = read(`${prefix}.pending`);
  if (pending !== undefined) return `retry-${pending}`;
  return read(`${prefix}.done`) ?? 'none';
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-aerial-journal-'));
  prefix = path.join(dir, journalPrefix('stack/Org'));
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('apply journal', () => {
  it('leaves the trigger at "none" after an uninterrupted apply', () => {
    beginApply(prefix).succeeded();
    expect(trigger()).toBe('none');
  });

  it('changes the trigger when an apply is cut off, so the next plan replaces the resource', () => {
    beginApply(prefix); // killed: succeeded() never runs
    expect(trigger()).toMatch(/^retry-[0-9a-f]{16}$/);
  });

  it('keeps the trigger stable after the retry succeeds (no replacement loop)', () => {
    beginApply(prefix);
    const seenByPlan = trigger();
    beginApply(prefix).succeeded();
    expect(trigger()).toBe(seenByPlan);
  });

  it('changes the trigger again when the retry is cut off too', () => {
    beginApply(prefix);
    const first = trigger();
    beginApply(prefix); // the retry is killed as well
    expect(trigger()).not.toBe(first);
    expect(trigger()).toMatch(/^retry-/);
  });

  it('names journal files by construct path, stably and distinctly', () => {
    expect(journalName('stack/Org')).toBe(journalName('stack/Org'));
    expect(journalName('stack/Org')).not.toBe(journalName('stack/Org2'));
    expect(journalName('stack/Org')).toMatch(/^[0-9a-f]{16}$/);
    expect(interruptedTrigger('stack/Org')).toContain(`${journalName('stack/Org')}.pending`);
  });
});
