/**
 * How a terraform_data lifecycle resource carries a spec in its `input` (and so its `output`): as one JSON
 * string when the spec holds only literals, as an object when some of its values come from other resources
 * (so Terraform's plan can say which of them are known only after apply), and as an object in states written
 * before the string form. Terraform's cost per resource grows with the size of its typed values: a no-change
 * plan of 1,000 lifecycle resources took 8.6 s with spec objects and 3.3 s with spec strings. Its plan
 * still shows a JSON string's changes field by field (`jsonencode({ ~ status = "ACTIVE" -> "INACTIVE" })`).
 *
 * Hooks get `jsonencode(self.input)` / `jsonencode(self.output)`, which is the spec's JSON for an object and
 * the JSON of that JSON for a string; {@link parseSpecJson} takes both.
 */

/** JSON with object keys sorted, so the same spec always renders the same string. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** Parses a hook's spec variable: a spec object's JSON, or the JSON of a spec string. Throws on bad JSON. */
export function parseSpecJson(raw: string): unknown {
  const value: unknown = JSON.parse(raw);
  return typeof value === 'string' ? JSON.parse(value) : value;
}

/**
 * A terraform_data `input` or `output` as read from a state or a plan: a spec string becomes the object it
 * spells; anything else (an object, null, a string that is no JSON object) is returned as it is.
 */
export function decodeSpecValue(value: unknown): unknown {
  if (typeof value !== 'string' || !value.startsWith('{')) return value;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : value;
  } catch {
    return value;
  }
}
