/**
 * The apply journal: how a deploy killed in the middle of a hook is noticed by the next deploy.
 *
 * Terraform records a new resource in its state *before* the resource's create-time provisioner runs, so if
 * the process is killed while a hook runs, the next plan believes the resource is done. To make a re-run
 * converge, the apply hook writes `<prefix>.pending` (a fresh nonce) before its first API call and removes
 * it when it succeeds. The config resource's `triggers_replace` reads that file with `fileexists()`/`file()`:
 * a leftover `.pending` changes the trigger, so exactly the interrupted resources are replaced and their
 * hooks run again. A successful re-run stores the trigger value it ran under in `<prefix>.done`, so the plan
 * after it is stable (no replacement loop).
 */

/** Folder of the journal, relative to the Terraform root module (the stack's synth directory). */
export const JOURNAL_DIR = '.okta-aerial/journal';

/** Environment variable carrying a resource's journal file prefix to its apply hook. */
export const JOURNAL_ENV = 'OKTA_AERIAL_JOURNAL';

/** A file-name-safe, stable name for a construct path (FNV-1a 64-bit, hex), so no crypto is loaded at synth. */
export function journalName(constructPath: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(constructPath, 'utf8')) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}

/** The journal file prefix of a construct, as a Terraform expression-friendly relative path. */
export function journalPrefix(constructPath: string): string {
  return `${JOURNAL_DIR}/${journalName(constructPath)}`;
}

/**
 * The Terraform template for the config resource's `interrupted` trigger: "none" normally,
 * "retry-<nonce>" after an interrupted apply, and that same value again once the retry succeeded.
 */
export function interruptedTrigger(constructPath: string): string {
  const p = `\${path.root}/${journalPrefix(constructPath)}`;
  return (
    `\${fileexists("${p}.pending") ? "retry-\${trimspace(file("${p}.pending"))}" : ` +
    `(fileexists("${p}.done") ? trimspace(file("${p}.done")) : "none")}`
  );
}
