/**
 * Reading this library's specs back out of a synthesized stack (Terraform JSON): a terraform_data config
 * resource carries its spec as `input` (a JSON string, or an object when it holds values from other
 * resources: src/common/spec-json.ts), a null_resource one in a `//` comment Terraform ignores. Literal
 * strings the constructs escaped (`$${`, `%%{`) come back as written; strings that are Terraform templates
 * (values from other resources) are listed by path. Pure: used by the CLI's read path and by the testing
 * helpers users call on `Testing.synth` output.
 */
import { decodeSpecValue } from '../common/spec-json';
import type { ResourceKind, ResourceSpec } from './spec';

const KINDS: readonly ResourceKind[] = ['aerial-org', 'product-assignment', 'principal-rate-limit'];

/** One construct's spec as synthesized, with the addresses of its lifecycle resources. */
export interface SynthesizedSpec {
  /** The construct path, e.g. `okta/AcmeProd`. */
  readonly path: string;
  readonly kind: ResourceKind;
  /** The spec with literal strings unescaped; template strings are kept as Terraform wrote them. */
  readonly spec: ResourceSpec;
  /** Dotted paths (`principalId`, `org.orgUrl`, `productIds[1]`) whose values are Terraform templates. */
  readonly templatePaths: readonly string[];
  /** Terraform addresses of the construct's lifecycle resources. */
  readonly configAddress: string;
  readonly identityAddress?: string;
}

type TfResource = Record<string, unknown> & { '//'?: { metadata?: { path?: string } } };

/** Every construct of this library in a synthesized stack's `resource` block, sorted by path. */
export function specsOfSynthesizedResources(
  resources: Record<string, Record<string, TfResource>>,
): SynthesizedSpec[] {
  const byPath = new Map<string, string>();
  for (const [type, items] of Object.entries(resources)) {
    for (const [name, body] of Object.entries(items)) {
      const p = body['//']?.metadata?.path;
      if (p) byPath.set(p, `${type}.${name}`);
    }
  }
  const out: SynthesizedSpec[] = [];
  for (const [type, items] of Object.entries(resources)) {
    for (const [name, body] of Object.entries(items)) {
      const raw =
        type === 'null_resource'
          ? (body['//'] as Record<string, unknown>)?.['okta-aerial']
          : decodeSpecValue(body.input);
      if (!isSpec(raw)) continue;
      const templatePaths: string[] = [];
      const spec = unescapeLiterals(raw, '', templatePaths) as ResourceSpec;
      out.push({
        path: spec.path,
        kind: spec.kind,
        spec,
        templatePaths,
        configAddress: `${type}.${name}`,
        identityAddress: byPath.get(`${spec.path}/Identity`),
      });
    }
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

function isSpec(value: unknown): value is ResourceSpec {
  const v = value as Partial<ResourceSpec> | undefined;
  return (
    typeof v === 'object' &&
    v !== null &&
    v.v === 1 &&
    KINDS.includes(v.kind as ResourceKind) &&
    typeof v.path === 'string' &&
    !('role' in v)
  );
}

/** True when a string of Terraform's JSON syntax holds a `${...}` or `%{...}` that is not escaped. */
export function isTemplate(s: string): boolean {
  for (let i = 0; i < s.length - 1; i++) {
    const c = s[i];
    if ((c === '$' || c === '%') && s[i + 1] === '{') return true;
    if ((c === '$' || c === '%') && s[i + 1] === c && s[i + 2] === '{') i += 2;
  }
  return false;
}

/** A literal string as Terraform reads it: `$${` is `${` and `%%{` is `%{`. */
export function unescapeLiteral(s: string): string {
  return s.replace(/([$%])\1\{/g, '$1{');
}

function unescapeLiterals(value: unknown, at: string, templates: string[]): unknown {
  if (typeof value === 'string') {
    if (isTemplate(value)) {
      templates.push(at);
      return value;
    }
    return unescapeLiteral(value);
  }
  if (Array.isArray(value)) return value.map((v, i) => unescapeLiterals(v, `${at}[${i}]`, templates));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, unescapeLiterals(v, at ? `${at}.${k}` : k, templates)]),
    );
  }
  return value;
}
