/**
 * Redaction: the last guard that keeps private keys, tokens, client assertions and Authorization values out
 * of every message and log line. Known secret values are replaced exactly; anything shaped like a JWT,
 * a PEM block or an Authorization value is replaced too, so a secret the client never saw is still hidden.
 */

const PEM = /-----BEGIN [A-Z ]+-----[\s\S]*?(?:-----END [A-Z ]+-----|$)/g;
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const AUTHORIZATION = /\b(SSWS|Bearer|DPoP)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
const SECRET_FIELD =
  /("?(?:access_token|client_assertion|privateKey|private_key|token)"?\s*[:=]\s*)"[^"]{8,}"/gi;

/** The pieces of a secret worth hiding on their own (a PEM's base64 lines, a JWK's private members). */
export function secretFragments(secret: string | undefined): string[] {
  if (!secret) return [];
  const out = new Set<string>([secret]);
  const trimmed = secret.trim();
  if (trimmed.startsWith('{')) {
    try {
      const jwk = JSON.parse(trimmed) as Record<string, unknown>;
      for (const k of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) {
        const v = jwk[k];
        if (typeof v === 'string' && v.length >= 8) out.add(v);
      }
    } catch {
      // not JSON after all: the whole string is still hidden
    }
  }
  for (const line of trimmed.split(/\r?\n/)) {
    const l = line.trim();
    if (l.length >= 16 && !l.startsWith('-----')) out.add(l);
  }
  return [...out].filter((s) => s.length >= 6);
}

/** Replaces known secrets and secret-shaped text by `[REDACTED]`. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  // Longest first, so a whole key is replaced before its lines.
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (s) out = out.split(s).join('[REDACTED]');
  }
  return out
    .replace(PEM, '[REDACTED]')
    .replace(JWT, '[REDACTED]')
    .replace(AUTHORIZATION, '$1 [REDACTED]')
    .replace(SECRET_FIELD, '$1"[REDACTED]"');
}

/** Query parameters whose values are never shown, whatever their value looks like. */
const SECRET_PARAM = /token|assertion|secret|password|passphrase|key|signature|code|nonce/i;

/**
 * A URL fit for an error or a log line: no user info, the values of secret-named query parameters hidden,
 * and known secrets and secret-shaped text replaced like any other text.
 */
export function redactUrl(href: string, secrets: readonly string[] = []): string {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return redact(href, secrets);
  }
  url.username = '';
  url.password = '';
  for (const name of [...url.searchParams.keys()])
    if (SECRET_PARAM.test(name)) url.searchParams.set(name, 'REDACTED');
  return redact(url.toString(), secrets);
}
