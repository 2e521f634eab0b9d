/**
 * The part of a hook's environment that changes how the deploy agent reaches Okta: the CA bundle, Node's
 * options, OpenSSL's certificate locations and the proxies (agent-client.ts hands these to the agent it
 * starts). An agent keeps the environment it started with until it exits, so its socket is named after
 * these values: a hook whose values differ (a CA bundle added after a certificate error, a proxy set or
 * removed) starts an agent of its own, and the other one exits once idle. The thin hook path loads this,
 * so it loads nothing: the name is an FNV-1a hash, since loading node:crypto costs every hook process about
 * 8 ms here, a fifth of a bare `node -e 0` (the name guards against no one; the agent folder is private).
 */
import { isAbsolute, resolve } from 'node:path';
import { ENV } from '../../common/env';
import { PACKAGE_VERSION } from '../version';

/** The variables, in a fixed order. */
export const NETWORK_ENV = [
  'NODE_EXTRA_CA_CERTS',
  'NODE_OPTIONS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'HTTPS_PROXY',
  'https_proxy',
  'HTTP_PROXY',
  'http_proxy',
  'NO_PROXY',
  'no_proxy',
] as const;

/** The variables that name files, which a process resolves against its working directory. */
const PATH_VARIABLES = new Set<string>(['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR']);

/**
 * The values an agent started from `env` gets: a CA bundle the hook command moved aside
 * (OKTA_AERIAL_NODE_EXTRA_CA_CERTS) is NODE_EXTRA_CA_CERTS again, and relative file paths are made absolute,
 * since the agent runs in its own folder. Unset and empty variables are left out.
 */
export function networkValues(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of NETWORK_ENV) {
    const value = name === 'NODE_EXTRA_CA_CERTS' ? env[name] || env[ENV.caCertsAside] : env[name];
    if (value) out[name] = PATH_VARIABLES.has(name) && !isAbsolute(value) ? resolve(cwd, value) : value;
  }
  return out;
}

/** Eight hex digits naming the agent for these values (FNV-1a of them; see the top of this file). */
export function networkTag(env: NodeJS.ProcessEnv, cwd?: string): string {
  const values = networkValues(env, cwd);
  return fnv1a(JSON.stringify(NETWORK_ENV.map((name) => values[name] ?? '')))
    .toString(16)
    .padStart(8, '0');
}

/** The name of the agent of this package version and network environment (its socket and start marker). */
export function agentName(env: NodeJS.ProcessEnv): string {
  return `agent-${PACKAGE_VERSION}-${networkTag(env)}`;
}

/** 32-bit FNV-1a of a string's UTF-16 code units. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
