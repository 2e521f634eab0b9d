/** What an org URL names: its subdomain, the {LABEL} of environment variable names, its canonical form. */

/**
 * The subdomain an org URL names: the first label of its host (https://acme-prod.okta.com -> acme-prod), or
 * the last path segment when the URL has a path (the emulator's http://127.0.0.1:8787/orgs/acme-prod).
 */
export function orgUrlSubdomain(orgUrl: string): string {
  let url: URL;
  try {
    url = new URL(orgUrl);
  } catch {
    return '';
  }
  const segments = url.pathname.split('/').filter((s) => s !== '');
  const last = segments[segments.length - 1];
  return (last ?? url.hostname.split('.')[0]).toLowerCase();
}

/** `{LABEL}` of an org URL: its subdomain upper-cased, anything but letters and digits as '_'. */
export function orgUrlLabel(orgUrl: string): string {
  return orgUrlSubdomain(orgUrl)
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '_');
}

/** The URL without trailing slashes. */
export const trimSlash = (url: string): string => url.replace(/\/+$/, '');
