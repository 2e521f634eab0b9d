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
