/**
 * Sends a stack written for Okta to the emulator without a code change (LocalStack's `AWS_ENDPOINT_URL`,
 * `tflocal`): with OKTA_AERIAL_ENDPOINT_URL set, every Okta URL of a spec is rewritten at deploy time to
 * the emulator's layout (docs/emulator.md, "URLs"). The spec, the natural keys and the Terraform state keep
 * the Okta URLs; only where the requests go changes.
 *
 *   Aerial API of an environment      -> <endpoint>/aerial/<environment>
 *   https://acme-prod.okta.com/<path> -> <endpoint>/orgs/acme-prod/<path> (orgs, token endpoints)
 *
 * URLs that already point at a loopback host (a stack written for the emulator) are left alone.
 */
import { ENV, isLoopbackHost, orgSubdomain } from '../common';
import type { AerialEnvironment } from '../okta-api';

/** OKTA_AERIAL_ENDPOINT_URL is not a usable URL. */
export class EndpointOverrideError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EndpointOverrideError';
  }
}

/** The override from the environment, without a trailing slash, or undefined when it is not set. */
export function endpointOverride(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env[ENV.endpointUrl]?.trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EndpointOverrideError(
      `${ENV.endpointUrl} is '${raw}', not a URL; set it to the emulator's URL (e.g. http://127.0.0.1:8787) or unset it`,
    );
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new EndpointOverrideError(
      `${ENV.endpointUrl} is '${raw}'; it must use https, or http on a loopback host such as 127.0.0.1 (the emulator)`,
    );
  }
  if (url.search || url.hash) {
    throw new EndpointOverrideError(
      `${ENV.endpointUrl} is '${raw}'; give the URL without a query or fragment`,
    );
  }
  return url.href.replace(/\/+$/, '');
}

/** Where an Aerial API base URL goes under the override. */
export function overrideAerialBase(
  endpoint: string | undefined,
  baseUrl: string,
  environment: AerialEnvironment | undefined,
): string {
  if (!endpoint || pointsAtLoopback(baseUrl)) return baseUrl;
  return `${endpoint}/aerial/${environment ?? 'production'}`;
}

/** Where an org URL (or a URL on an org, such as its token endpoint) goes under the override. */
export function overrideOrgUrl(endpoint: string | undefined, orgUrl: string): string {
  if (!endpoint || pointsAtLoopback(orgUrl)) return orgUrl;
  const url = new URL(orgUrl);
  const subdomain = orgSubdomain(url) as string; // not a loopback host, so the host's first label
  const rest = `${url.pathname}${url.search}`.replace(/^\/$/, '');
  return `${endpoint}/orgs/${subdomain}${rest}`;
}

function pointsAtLoopback(value: string): boolean {
  try {
    return isLoopbackHost(new URL(value).hostname);
  } catch {
    return false; // validated elsewhere
  }
}
