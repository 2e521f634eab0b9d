/**
 * The part of a hook's environment that changes how the deploy agent reaches Okta: the CA bundle, Node's
 * options, OpenSSL's certificate locations and the proxies (agent-client.ts hands these to the agent it
 * starts). An agent keeps the environment it started with until it exits, so its socket is named after
 * these values: a hook whose values differ (a CA bundle added after a certificate error, a proxy set or
 * removed) starts an agent of its own, and the other one exits once idle. The thin hook path loads this,
 * so it loads nothing: the name is an FNV-1a hash, since loading node:crypto costs every hook process about
 * 8 ms here, a fifth of a bare `node -e 0` (the name guards against no one; the agent folder is private).
 */
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
  return fnv1a(JSON.stringify(values)).toString(16).padStart(8, '0');
}

/** 32-bit FNV-1a of a string's UTF-16 code units. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
