/**
 * The connection flags of the read-only commands (`import`, `show`): they mirror the props of AerialAccount
 * and OktaOrg, and turn into the same spec connections the constructs render (AerialConnectionSpec,
 * OrgConnectionSpec), so a command reads through exactly the connection the generated code declares. Flags
 * carry values and environment variable NAMES only; the secrets are read from the environment by name.
 *
 * Loads no cdktf and no client: a usage error costs nothing.
 *
 * Re-exports only. The parts: flags.ts (the flags, their help and values), connections.ts (flags to
 * connections) with account-flags.ts and org-flags.ts (each side's props, spec and checks), types.ts (what
 * they produce) and org-url.ts (what an org URL names).
 */

export { CONNECTION_OPTIONS, CONNECTION_USAGE, LABEL_PLACEHOLDER, type ConnectionFlagValues } from './flags';
export { connectionsFromFlags } from './connections';
export { orgUrlLabel, orgUrlSubdomain } from './org-url';
export type { AccountPropsJson, Connections, OrgFlags, OrgPropsJson } from './types';
