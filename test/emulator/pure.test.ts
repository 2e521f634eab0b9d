/** Pure pieces of the emulator: fault decisions, SCIM filters, cursors, shell quoting. */
import { execFileSync } from 'node:child_process';
import { decideFault, normalizeFaults, ruleMatches, seededRandom } from '../../src/emulator/faults';
import { compileFilter, FilterError } from '../../src/emulator/scim-filter';
import { paginate } from '../../src/emulator/pagination';
import { shellQuote } from '../../src/emulator/credentials';

describe('faults', () => {
  it('adds base latency, jitter and rule latency', () => {
    const d = decideFault({ rules: [{ route: 'prl.', latencyMs: 30 }] }, 'prl.get', 'GET', () => 0.5, {
      latencyMs: 100,
      jitterMs: 20,
    });
    expect(d).toEqual({ kind: 'none', delayMs: 100 + 10 + 30 });
  });

  it('picks the first matching rule by route prefix, exact route and method', () => {
    expect(ruleMatches({ route: 'aerial.' }, 'aerial.getOrg', 'GET')).toBe(true);
    expect(ruleMatches({ route: 'aerial.getOrg' }, 'aerial.getOrgs', 'GET')).toBe(false);
    expect(ruleMatches({ method: 'put' }, 'prl.replace', 'PUT')).toBe(true);
    expect(ruleMatches({ method: 'PUT' }, 'prl.get', 'GET')).toBe(false);
    const d = decideFault(
      { rules: [{ route: 'prl.get', rate5xx: 1, statuses5xx: [502] }, { rate429: 1 }] },
      'prl.get',
      'GET',
      seededRandom(1),
      { latencyMs: 0, jitterMs: 0 },
    );
    expect(d).toEqual({ kind: '5xx', status: 502, delayMs: 0 });
  });

  it('accepts the flat shorthand and names a bad field', () => {
    expect(normalizeFaults({ rate429: 0.5, randomSeed: 3 })).toEqual({
      randomSeed: 3,
      rules: [{ rate429: 0.5 }],
    });
    expect(() => normalizeFaults({ rules: [{ rate5xx: 1.5 }] })).toThrow(
      'faults.rules[0].rate5xx: must be 0..1',
    );
    expect(() => normalizeFaults({ rules: [{ colour: 'red' }] })).toThrow(
      'faults.rules[0].colour: unknown field',
    );
  });
});

describe('SCIM filter', () => {
  type Item = { s: string; b: boolean; id: string };
  const attrs = {
    subdomain: { type: 'string' as const, get: (x: Item) => x.s },
    aerialOrg: { type: 'boolean' as const, get: (x: Item) => x.b },
    id: { type: 'string' as const, get: (x: Item) => x.id, caseExact: true },
  };
  const items: Item[] = [
    { s: 'acme-prod', b: false, id: 'A' },
    { s: 'acme-dev', b: false, id: 'b' },
    { s: 'other', b: true, id: 'C' },
  ];
  const run = (f: string) => items.filter(compileFilter(f, attrs)).map((x) => x.id);

  it('evaluates eq, sw, and, or, not and parentheses with case-insensitive keywords', () => {
    expect(run('subdomain sw "acme"')).toEqual(['A', 'b']);
    expect(run('SUBDOMAIN EQ "ACME-DEV"')).toEqual(['b']);
    expect(run('aerialOrg eq true or subdomain eq "acme-prod"')).toEqual(['A', 'C']);
    expect(run('subdomain sw "acme" and not (id eq "A")')).toEqual(['b']);
    expect(run('id eq "a"')).toEqual([]);
  });

  it('refuses unknown attributes, bad operators, bad values and trailing input', () => {
    for (const f of [
      'colour eq "x"',
      'subdomain gt "x"',
      'aerialOrg eq "yes"',
      'subdomain eq "x" extra',
      '(subdomain eq "x"',
      '',
    ])
      expect(() => compileFilter(f, attrs)).toThrow(FilterError);
  });
});

describe('pagination', () => {
  const ids = ['a', 'b', 'c', 'd', 'e'];
  it('pages after and before a key', () => {
    expect(paginate(ids, (x) => x, { limit: 2 })).toEqual({
      items: ['a', 'b'],
      hasNext: true,
      hasPrev: false,
    });
    expect(paginate(ids, (x) => x, { limit: 2, after: 'b' })).toEqual({
      items: ['c', 'd'],
      hasNext: true,
      hasPrev: true,
    });
    expect(paginate(ids, (x) => x, { limit: 2, after: 'd' })).toEqual({
      items: ['e'],
      hasNext: false,
      hasPrev: true,
    });
    expect(paginate(ids, (x) => x, { limit: 2, before: 'e' })).toEqual({
      items: ['c', 'd'],
      hasNext: true,
      hasPrev: true,
    });
  });
});

describe('shellQuote', () => {
  it('survives quotes, dollars, backticks and newlines in a real shell', () => {
    const nasty = `it's $HOME \`id\` "q"\nline2 \\ end`;
    const out = execFileSync('bash', ['-c', `printf %s ${shellQuote(nasty)}`], { encoding: 'utf8' });
    expect(out).toBe(nasty);
  });
});
