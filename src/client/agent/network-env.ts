/**
 * The part of a hook's environment that changes how the deploy agent reaches Okta: the CA bundle, Node's
 * options, OpenSSL's certificate locations and the proxies (agent-client.ts hands these to the agent it
 * starts). An agent keeps the environment it started with until it exits, so its socket is named after
 * these values: a hook whose values differ (a CA bundle added after a certificate error, a proxy set or
 * removed) starts an agent of its own, and the other one exits once idle. Node built-ins only: the thin
 * hook path loads this.
 */
import { createHash } from 'node:crypto';
import { ENV } from '../../common/env';

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

/**
 * Eight hex digits naming the agent for these values. A CA bundle the hook command moved aside
 * (OKTA_AERIAL_NODE_EXTRA_CA_CERTS) counts as NODE_EXTRA_CA_CERTS, since the agent gets it back; an empty
 * variable counts as an unset one.
 */
export function networkTag(env: NodeJS.ProcessEnv): string {
  const values = NETWORK_ENV.map((name) =>
    name === 'NODE_EXTRA_CA_CERTS' ? env[name] || env[ENV.caCertsAside] || '' : env[name] || '',
  );
  return createHash('sha256').update(JSON.stringify(values)).digest('hex').slice(0, 8);
}
