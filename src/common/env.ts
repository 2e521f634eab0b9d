/**
 * Names of the environment variables the library reads. Constructs accept *names* of variables
 * holding secrets (never values); these are the defaults, and the emulator's `credentials` command
 * prints exactly these names.
 */
export const ENV = {
  /** The spec handed to a lifecycle hook by Terraform (`jsonencode(self.input)`). */
  spec: 'OKTA_AERIAL_SPEC',
  /** null_resource destroy hooks: the natural key (`jsonencode(self.triggers)`), overlaid on the spec. */
  specKey: 'OKTA_AERIAL_SPEC_KEY',
  /** Default: PEM (PKCS#8) or JWK JSON private key of the Aerial API service app. */
  aerialPrivateKey: 'OKTA_AERIAL_PRIVATE_KEY',
  /** Default: key id (`kid`) registered for that key. */
  aerialKeyId: 'OKTA_AERIAL_KEY_ID',
  /** Default: SSWS API token for an org's management API. */
  orgApiToken: 'OKTA_API_TOKEN',
  /** Default: PEM or JWK private key of an org's OAuth service app. */
  orgPrivateKey: 'OKTA_ORG_PRIVATE_KEY',
  /** Default: key id for that key. */
  orgKeyId: 'OKTA_ORG_KEY_ID',
  /** Set to 1 to print a redacted debug log of every request to stderr. */
  debug: 'OKTA_AERIAL_DEBUG',
  /** Set to 1 to never use the shared deploy agent (in-process client only). */
  noAgent: 'OKTA_AERIAL_NO_AGENT',
  /** Folder for the deploy agent's socket (default: a 0700 folder under the OS temp dir, per user). */
  agentDir: 'OKTA_AERIAL_AGENT_DIR',
  /** Milliseconds without calls after which the deploy agent exits (default 60000). */
  agentIdleMs: 'OKTA_AERIAL_AGENT_IDLE_MS',
  /**
   * At deploy: send every Okta URL of the stack to this emulator instead (a stack written for Okta, run
   * against `okta-aerial emulator` without a code change); `emulator credentials` prints it.
   */
  endpointUrl: 'OKTA_AERIAL_ENDPOINT_URL',
  /**
   * NODE_EXTRA_CA_CERTS moved aside by the default hook command, so Node does not parse the CA bundle at the
   * start of every hook process (the thin path does no TLS); what needs TLS gets it back (src/hook).
   */
  caCertsAside: 'OKTA_AERIAL_NODE_EXTRA_CA_CERTS',
  /**
   * The stack folder a hook runs in, as a thin hook hands it to the deploy agent (where deploy-time claims
   * live); set by the hook, not by users.
   */
  hookDir: 'OKTA_AERIAL_HOOK_DIR',
  /** The emulator `okta-aerial emulator credentials` asks (default http://127.0.0.1:8787). */
  emulatorUrl: 'OKTA_AERIAL_EMULATOR_URL',
  /** The terraform binary `drift`, `plan` and `--repair` run (default: terraform on PATH). */
  terraform: 'OKTA_AERIAL_TERRAFORM',
  /** The emulator's `--state` encryption secret, any string (default: a 0600 `FILE.key` beside the state). */
  emulatorStateKey: 'OKTA_AERIAL_EMULATOR_STATE_KEY',
} as const;

/** Environment variable names must look like this (checked at synth and deploy). */
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
