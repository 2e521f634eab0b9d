/**
 * The apply journal: how a deploy killed in the middle of a hook is noticed by the next deploy.
 *
 * Terraform records a new resource in its state *before* the resource's create-time provisioner runs, so if
 * the process is killed while (or just before) a hook runs, the next plan believes the resource is done. To
 * make a re-run converge, each construct has a third, tiny **journal** resource, created just before its
 * config resource and replaced whenever the config resource is:
 * - its create-time provisioner (a shell one-liner, no spec data) writes `<prefix>.pending` with a fresh nonce;
 *   Terraform finishes it before it even creates the config resource;
 * - the config resource's apply hook, once every API call succeeded, removes `.pending` and records in
 *   `<prefix>.done` the trigger value the journal resource was planned with;
 * - the journal resource's `triggers_replace` reads those files with `fileexists()`/`file()`: a leftover
 *   `.pending` changes it, the journal resource is replaced and, through `replace_triggered_by`, so is the
 *   config resource, whose hook runs again. After a successful run the files give back the planned value,
 *   so the plan is stable.
 * Only the journal resource's trigger reads the files, and only its own provisioner and the hook after it
 * write them, so no planned value changes between plan and apply.
 */

/** Folder of the journal, relative to the Terraform root module (the stack's synth directory). */
export const JOURNAL_DIR = '.okta-aerial/journal';

/** Environment variable carrying a resource's journal file prefix to its apply hook. */
export const JOURNAL_ENV = 'OKTA_AERIAL_JOURNAL';

/** Environment variable carrying the journal resource's planned trigger value to the apply hook. */
export const JOURNAL_EXPECT_ENV = 'OKTA_AERIAL_JOURNAL_EXPECT';

/** The trigger value of a construct that has never been interrupted. */
export const JOURNAL_CLEAN = 'none';

/** A file-name-safe, stable name for a construct path (FNV-1a 64-bit, hex), so no crypto is loaded at synth. */
export function journalName(constructPath: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(constructPath, 'utf8')) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}

/** The journal file prefix of a construct, relative to the stack's directory. */
export function journalPrefix(constructPath: string): string {
  return `${JOURNAL_DIR}/${journalName(constructPath)}`;
}

/**
 * The Terraform template for the journal resource's `interrupted` trigger: "none" normally,
 * "retry-<nonce>" after an interrupted apply, and that same value again once the retry succeeded.
 */
export function interruptedTrigger(constructPath: string): string {
  const p = `\${path.root}/${journalPrefix(constructPath)}`;
  return (
    `\${fileexists("${p}.pending") ? "retry-\${trimspace(file("${p}.pending"))}" : ` +
    `(fileexists("${p}.done") ? trimspace(file("${p}.done")) : "${JOURNAL_CLEAN}")}`
  );
}

/**
 * The journal resource's create-time command: write a fresh nonce to `.pending`, atomically. POSIX sh and
 * coreutils only (it runs once per construct, so it must not cost a Node.js start); the path is a hash.
 */
export function markPendingCommand(constructPath: string): string {
  const p = journalPrefix(constructPath);
  return (
    `mkdir -p ${JOURNAL_DIR} && od -An -N8 -tx1 /dev/urandom | tr -d ' \\n' > ${p}.pending.tmp ` +
    `&& mv -f ${p}.pending.tmp ${p}.pending`
  );
}
