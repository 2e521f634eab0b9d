/** RFC 8288 `Link` header parsing: Okta sends one header per link, or several joined by commas. */

/** One parsed link. */
export interface ParsedLink {
  readonly url: string;
  readonly rel: string[];
  readonly params: Record<string, string>;
}

/** Parses one or more Link header values (an array when the header was repeated). */
export function parseLinkHeader(value: string | readonly string[] | undefined): ParsedLink[] {
  if (value === undefined) return [];
  const values = typeof value === 'string' ? [value] : value;
  const links: ParsedLink[] = [];
  for (const v of values) {
    // Commas may appear inside <...> and quoted strings, so scan instead of splitting.
    const re = /<([^>]*)>((?:\s*;\s*[^;,=\s]+(?:\s*=\s*(?:"(?:[^"\\]|\\.)*"|[^;,\s]*))?)*)/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(v)) !== null) {
      const params: Record<string, string> = {};
      const pre = /;\s*([^;,=\s]+)(?:\s*=\s*("(?:[^"\\]|\\.)*"|[^;,\s]*))?/g;
      let p: RegExpExecArray | null;
      while ((p = pre.exec(m[2])) !== null) {
        const name = p[1].toLowerCase();
        let val = p[2] ?? '';
        if (val.startsWith('"')) val = val.slice(1, -1).replace(/\\(.)/g, '$1');
        if (!(name in params)) params[name] = val;
      }
      const rel = (params.rel ?? '')
        .split(/\s+/)
        .filter(Boolean)
        .map((r) => r.toLowerCase());
      links.push({ url: m[1].trim(), rel, params });
    }
  }
  return links;
}

/** The URL of the `rel="next"` link, exactly as given, if any. */
export function nextLink(value: string | readonly string[] | undefined): string | undefined {
  return parseLinkHeader(value).find((l) => l.rel.includes('next'))?.url;
}
