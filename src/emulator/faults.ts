/**
 * Fault injection: the rule format (one zod definition gives the types and the validation), a seedable
 * random generator and the per-request decision.
 */
import { z } from 'zod';
import { isRecord } from './json';
import { issueMessages, keyOrder } from './schema-issues';

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

const RATE = 'must be 0..1';
const rate = () => z.number({ error: RATE }).min(0, RATE).max(1, RATE).optional();
const AT_LEAST_0 = 'must be >= 0';
const duration = () => z.number({ error: AT_LEAST_0 }).min(0, AT_LEAST_0).optional();
const STATUSES = 'must be a non-empty array of 5xx status codes';
const is5xx = (s: unknown) => Number.isInteger(s) && (s as number) >= 500 && (s as number) <= 599;

/** Fields in the order they are checked: a bad rule reports its first problem in this order. */
const ruleShape = {
  /** Probability of a 429 (0..1). */
  rate429: rate(),
  /** Probability of a 5xx (0..1). */
  rate5xx: rate(),
  /** Probability of destroying the socket without a response. */
  resetRate: rate(),
  latencyMs: duration(),
  jitterMs: duration(),
  /** @default 'concurrency' */
  shape429: z.enum(['concurrency', 'rate'], { error: 'must be "concurrency" or "rate"' }).optional(),
  /** Route name ('aerial.listOrgs') or prefix ('aerial.', 'prl.'); absent = every non-admin route. */
  route: z.string({ error: 'must be a string' }).optional(),
  method: z.string({ error: 'must be a string' }).optional(),
  /** @default [500, 502, 503] */
  statuses5xx: z
    .custom<number[]>((v) => Array.isArray(v) && v.length > 0 && v.every(is5xx), STATUSES)
    .optional(),
};

/** One fault-injection rule; probabilities are 0..1. */
export const faultRuleSchema = z.strictObject(ruleShape, { error: 'must be an object' });

const configShape = {
  /** Seed of the random sequence, so a fault run can be repeated exactly. */
  randomSeed: z.number({ error: 'must be a number' }).optional(),
  rules: z.array(faultRuleSchema, { error: 'must be an array' }),
};

/** Fault configuration: rules are checked in order, the first matching rule applies. */
export const faultConfigSchema = z.preprocess(
  expandShorthand,
  z.object(configShape, {
    error: 'must be an object {randomSeed?, rules: [...]} or a flat rule {rate429, rate5xx, ...}',
  }),
);

export type FaultRule = z.infer<typeof faultRuleSchema>;
export type FaultConfig = z.infer<typeof faultConfigSchema>;
/** A single global rule written flat, e.g. `{ "rate429": 0.1 }`. */
export type FaultShorthand = FaultRule & Pick<FaultConfig, 'randomSeed'>;

const KEY_ORDER = keyOrder(configShape, ruleShape);

/** `{rate429: 0.1, randomSeed: 3}` → `{randomSeed: 3, rules: [{rate429: 0.1}]}`; other input is left as is. */
function expandShorthand(input: unknown): unknown {
  if (!isRecord(input)) return input;
  const { randomSeed, ...flat } = input;
  if ('rules' in input) return { randomSeed, rules: input.rules };
  return { randomSeed, rules: Object.keys(flat).length ? [flat] : [] };
}

/** Accepts `{randomSeed?, rules}` or a flat single-rule shorthand; throws with the bad field path. */
export function normalizeFaults(input: unknown): FaultConfig {
  const result = faultConfigSchema.safeParse(input);
  if (!result.success) throw new Error(issueMessages('faults', result.error.issues, KEY_ORDER)[0]);
  return result.data;
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
