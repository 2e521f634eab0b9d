/** Fault injection: rule normalisation, validation, a seedable random generator and the per-request decision. */
import type { FaultConfig, FaultRule, FaultShorthand } from './types';

/** What to do to one request before it has any effect. */
export type FaultDecision =
  | { kind: 'none'; delayMs: number }
  | { kind: 'reset'; delayMs: number }
  | { kind: '429'; shape: 'concurrency' | 'rate'; delayMs: number }
  | { kind: '5xx'; status: number; delayMs: number };

/** Small fast seedable PRNG (mulberry32), so a fault run can be repeated exactly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RULE_KEYS = [
  'route',
  'method',
  'rate429',
  'shape429',
  'rate5xx',
  'statuses5xx',
  'resetRate',
  'latencyMs',
  'jitterMs',
];

/** Accepts `{randomSeed?, rules}` or a flat single-rule shorthand; throws with the bad field path. */
export function normalizeFaults(input: unknown): FaultConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new Error(
      'faults: must be an object {randomSeed?, rules: [...]} or a flat rule {rate429, rate5xx, ...}',
    );
  const o = input as Record<string, unknown>;
  const seed = o.randomSeed;
  if (seed !== undefined && !Number.isFinite(seed)) throw new Error('faults.randomSeed: must be a number');
  let rules: unknown[];
  if ('rules' in o) {
    if (!Array.isArray(o.rules)) throw new Error('faults.rules: must be an array');
    rules = o.rules;
  } else {
    const { randomSeed: _ignored, ...flat } = o;
    rules = Object.keys(flat).length ? [flat] : [];
  }
  rules.forEach((r, i) => validateRule(r, `faults.rules[${i}]`));
  return { randomSeed: seed as number | undefined, rules: rules as FaultRule[] };
}

function validateRule(r: unknown, path: string): void {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) throw new Error(`${path}: must be an object`);
  const o = r as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!RULE_KEYS.includes(k)) throw new Error(`${path}.${k}: unknown field`);
  for (const k of ['rate429', 'rate5xx', 'resetRate']) {
    const v = o[k];
    if (v !== undefined && !(typeof v === 'number' && v >= 0 && v <= 1))
      throw new Error(`${path}.${k}: must be 0..1`);
  }
  for (const k of ['latencyMs', 'jitterMs']) {
    const v = o[k];
    if (v !== undefined && !(typeof v === 'number' && v >= 0)) throw new Error(`${path}.${k}: must be >= 0`);
  }
  if (o.shape429 !== undefined && o.shape429 !== 'concurrency' && o.shape429 !== 'rate')
    throw new Error(`${path}.shape429: must be "concurrency" or "rate"`);
  if (o.route !== undefined && typeof o.route !== 'string')
    throw new Error(`${path}.route: must be a string`);
  if (o.method !== undefined && typeof o.method !== 'string')
    throw new Error(`${path}.method: must be a string`);
  if (
    o.statuses5xx !== undefined &&
    !(
      Array.isArray(o.statuses5xx) &&
      o.statuses5xx.length > 0 &&
      o.statuses5xx.every((s) => Number.isInteger(s) && s >= 500 && s <= 599)
    )
  )
    throw new Error(`${path}.statuses5xx: must be a non-empty array of 5xx status codes`);
}

/** Does a rule apply to this route and method? A route ending in '.' is a prefix. */
export function ruleMatches(rule: FaultRule, route: string, method: string): boolean {
  if (rule.method && rule.method.toUpperCase() !== method) return false;
  if (rule.route === undefined) return true;
  return rule.route.endsWith('.') ? route.startsWith(rule.route) : rule.route === route;
}

/** Decides a request's fault; consumes random numbers in a fixed order so seeded runs repeat exactly. */
export function decideFault(
  config: FaultConfig,
  route: string,
  method: string,
  random: () => number,
  base: { latencyMs: number; jitterMs: number },
): FaultDecision {
  const rule = config.rules.find((r) => ruleMatches(r, route, method));
  let delayMs = base.latencyMs + (base.jitterMs > 0 ? random() * base.jitterMs : 0);
  if (!rule) return { kind: 'none', delayMs };
  delayMs += (rule.latencyMs ?? 0) + (rule.jitterMs ? random() * rule.jitterMs : 0);
  const r = random();
  const reset = rule.resetRate ?? 0;
  const r429 = rule.rate429 ?? 0;
  const r5xx = rule.rate5xx ?? 0;
  if (r < reset) return { kind: 'reset', delayMs };
  if (r < reset + r429) return { kind: '429', shape: rule.shape429 ?? 'concurrency', delayMs };
  if (r < reset + r429 + r5xx) {
    const statuses = rule.statuses5xx ?? [500, 502, 503];
    return { kind: '5xx', status: statuses[Math.floor(random() * statuses.length)], delayMs };
  }
  return { kind: 'none', delayMs };
}

/** Normalises what callers pass (shorthand or full). */
export function toFaultConfig(f: FaultConfig | FaultShorthand | undefined): FaultConfig {
  return f === undefined ? { rules: [] } : normalizeFaults(f);
}
