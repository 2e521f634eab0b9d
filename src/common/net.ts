/** Facts about hosts that several layers check the same way. */

const LOOPBACK_NAMES = new Set(['localhost', '[::1]', '::1']);

/** True for 127.0.0.0/8, ::1 and localhost: the only hosts plain http is allowed for (the local emulator). */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_NAMES.has(hostname.toLowerCase()) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/**
 * An org URL as it names the org: scheme, host (every loopback name as one), port unless the default, and
 * path without a trailing slash. Two spellings of one org give one string; a value that is no URL is kept.
 */
export function canonicalOrgUrl(value: string): string {
  try {
    const url = new URL(value);
    const host = isLoopbackHost(url.hostname) ? 'loopback' : url.hostname.toLowerCase();
    return `${url.protocol}//${host}${url.port ? `:${url.port}` : ''}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return value;
  }
}

/**
 * The subdomain an org URL names, lower-case: the first label of its host (`acme` of
 * `https://acme.okta.com`), or, for the local emulator, which serves every org on one loopback host, the
 * `<sub>` of its `/orgs/<sub>` path. Undefined for a loopback URL without that path.
 */
export function orgSubdomain(url: URL): string | undefined {
  if (!isLoopbackHost(url.hostname)) return url.hostname.split('.')[0].toLowerCase();
  return /^\/orgs\/([^/]+)/.exec(url.pathname)?.[1]?.toLowerCase();
}
