/**
 * Checks and identifies resolved connections. The identity (a hash that includes a digest of the
 * credentials) keys the in-memory token caches and the deploy agent's clients; the account key keys the
 * concurrency limiter, which is per environment and account whatever credentials are used.
 */
import { createHash } from 'node:crypto';
import { CONNECTION_DEFAULTS, isLoopbackHost } from '../common';
import { ConfigurationError } from './errors/configuration-error';
import type { ConnectionRef } from './types';

/** A connection that cannot work as given (bad URL, missing value): a {@link ConfigurationError}. */
export { ConfigurationError as ConnectionConfigError };

/** Default cap on requests in flight (Okta Aerial's documented limit per account; defined in CONNECTION_DEFAULTS). */
export const DEFAULT_MAX_CONCURRENCY: number = CONNECTION_DEFAULTS.maxConcurrency;
/** Default deadline of one operation, retries included (defined in CONNECTION_DEFAULTS, as for the constructs). */
export const DEFAULT_DEADLINE_MS: number = CONNECTION_DEFAULTS.retryDeadlineMs;

/** Parses a URL and requires https, except for loopback hosts (the emulator). */
export function checkUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError(
      `${what} '${value}' is not a URL; expected e.g. https://aerial-apac.okta.com`,
      {
        setting: what,
      },
    );
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url;
  throw new ConfigurationError(
    `${what} '${url.origin}' must use https (plain http is allowed only for loopback hosts such as 127.0.0.1, ::1 and localhost, e.g. the emulator)`,
    { setting: what },
  );
}

/** Validates a connection and returns the list of problems as one error. */
export function checkConnection(ref: ConnectionRef): void {
  const problems: string[] = [];
  const tryUrl = (v: string | undefined, what: string): void => {
    if (!v) {
      problems.push(`${what} is missing`);
      return;
    }
    try {
      checkUrl(v, what);
    } catch (e) {
      problems.push((e as Error).message);
    }
  };
  const positive = (v: number | undefined, what: string): void => {
    if (v !== undefined && !(Number.isInteger(v) && v > 0))
      problems.push(`${what} must be a positive integer, got ${v}`);
  };
  if (ref.kind === 'aerial') {
    const c = ref.conn;
    if (!c.accountId) problems.push('accountId is missing');
    tryUrl(c.baseUrl, 'baseUrl');
    tryUrl(c.tokenUrl, 'tokenUrl');
    if (!c.clientId) problems.push('clientId is missing');
    if (!c.privateKey) problems.push('privateKey is empty (check the private key environment variable)');
    positive(c.maxConcurrency, 'maxConcurrency');
    positive(c.deadlineMs, 'deadlineMs');
  } else {
    const c = ref.conn;
    tryUrl(c.orgUrl, 'orgUrl');
    if (c.auth?.type === 'ssws') {
      if (!c.auth.token)
        problems.push('the SSWS API token is empty (check the API token environment variable)');
    } else if (c.auth?.type === 'oauth') {
      tryUrl(c.auth.tokenUrl, 'tokenUrl');
      if (!c.auth.clientId) problems.push('clientId is missing');
      if (!c.auth.privateKey)
        problems.push('privateKey is empty (check the private key environment variable)');
    } else {
      problems.push("auth.type must be 'ssws' or 'oauth'");
    }
    positive(c.maxConcurrency, 'maxConcurrency');
    positive(c.deadlineMs, 'deadlineMs');
  }
  if (problems.length) throw new ConfigurationError(`invalid ${ref.kind} connection: ${problems.join('; ')}`);
}

const digest = (s: string): string => createHash('sha256').update(s).digest('hex');
const stripSlash = (u: string): string => u.replace(/\/+$/, '');

/** Where requests go and which limiter they share: environment host + account id, or the org URL. */
export function limiterKey(ref: ConnectionRef): string {
  return ref.kind === 'aerial'
    ? `aerial ${stripSlash(ref.conn.baseUrl)} ${ref.conn.accountId}`
    : `org ${stripSlash(ref.conn.orgUrl)}`;
}

/**
 * The identity of a connection including a digest of its credentials (no secret in the clear). Not
 * `maxConcurrency` or `deadlineMs`: the same credentials share one token whatever those say.
 */
export function connectionKey(ref: ConnectionRef): string {
  const parts: unknown[] = [limiterKey(ref)];
  if (ref.kind === 'aerial') {
    parts.push(
      ref.conn.tokenUrl,
      ref.conn.clientId,
      ref.conn.keyId ?? '',
      !!ref.conn.dpop,
      digest(ref.conn.privateKey),
    );
  } else if (ref.conn.auth.type === 'ssws') {
    parts.push('ssws', digest(ref.conn.auth.token));
  } else {
    const a = ref.conn.auth;
    parts.push('oauth', a.tokenUrl, a.clientId, a.keyId ?? '', !!a.dpop, digest(a.privateKey));
  }
  return digest(JSON.stringify(parts)).slice(0, 32);
}

/** Base URL requests are resolved against (no trailing slash). */
export function baseUrlOf(ref: ConnectionRef): string {
  return ref.kind === 'aerial' ? stripSlash(ref.conn.baseUrl) : stripSlash(ref.conn.orgUrl);
}

/** Secret values of a connection, for redaction. */
export function secretsOf(ref: ConnectionRef): string[] {
  if (ref.kind === 'aerial') return [ref.conn.privateKey];
  return ref.conn.auth.type === 'ssws' ? [ref.conn.auth.token] : [ref.conn.auth.privateKey];
}
