/**
 * Turns the connection part of a spec (which holds only environment variable *names*) into a connection
 * holding the secret values, read from the environment of the hook process at deploy time.
 */
import type { AerialConnection, OrgConnection } from '../client';
import type { AerialConnectionSpec, OrgConnectionSpec } from '../contract';
import { endpointOverride, overrideAerialBase, overrideOrgUrl } from './endpoint-override';

/** A credential named in the spec is missing from the environment of the deploy. */
export class MissingCredentialError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingCredentialError';
  }
}

function requireEnv(env: NodeJS.ProcessEnv, name: string, what: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new MissingCredentialError(
      `environment variable ${name} (${what}) is not set; export it in the environment that runs ` +
        `'cdktf deploy' / 'terraform apply' / 'okta-aerial' (the stack only names the variable, it never stores its value)`,
    );
  }
  return value;
}

function optionalEnv(env: NodeJS.ProcessEnv, name: string | undefined): string | undefined {
  if (!name) return undefined;
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/**
 * Reads the credentials of an Aerial account connection from the environment (and where its requests go,
 * when OKTA_AERIAL_ENDPOINT_URL points them at the emulator).
 */
export function resolveAerialConnection(
  spec: AerialConnectionSpec,
  env: NodeJS.ProcessEnv,
): AerialConnection {
  const endpoint = endpointOverride(env);
  return {
    accountId: spec.accountId,
    baseUrl: overrideAerialBase(endpoint, spec.baseUrl, spec.environment),
    tokenUrl: overrideOrgUrl(endpoint, spec.tokenUrl),
    clientId: spec.clientId,
    privateKey: requireEnv(
      env,
      spec.privateKeyEnv,
      `private key of service app ${spec.clientId} for Aerial account ${spec.accountId}`,
    ),
    keyId: optionalEnv(env, spec.keyIdEnv),
    dpop: spec.dpop,
    maxConcurrency: spec.maxConcurrency,
    deadlineMs: spec.deadlineMs,
  };
}

/** Reads the credentials of an org's management API connection from the environment (see above). */
export function resolveOrgConnection(spec: OrgConnectionSpec, env: NodeJS.ProcessEnv): OrgConnection {
  const auth = spec.auth;
  const endpoint = endpointOverride(env);
  return {
    orgUrl: overrideOrgUrl(endpoint, spec.orgUrl),
    auth:
      auth.type === 'ssws'
        ? { type: 'ssws', token: requireEnv(env, auth.tokenEnv, `SSWS API token for ${spec.orgUrl}`) }
        : {
            type: 'oauth',
            clientId: auth.clientId,
            tokenUrl: overrideOrgUrl(endpoint, auth.tokenUrl),
            privateKey: requireEnv(
              env,
              auth.privateKeyEnv,
              `private key of service app ${auth.clientId} for ${spec.orgUrl}`,
            ),
            keyId: optionalEnv(env, auth.keyIdEnv),
            dpop: auth.dpop,
          },
    maxConcurrency: spec.maxConcurrency,
    deadlineMs: spec.deadlineMs,
  };
}
