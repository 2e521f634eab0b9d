/**
 * A small SCIM 2.0 filter subset: `attr eq|ne|sw|co value`, `attr pr`, `and`, `or`, `not (...)`, parentheses;
 * keywords and attribute names are case-insensitive. Values: "strings", true, false, null, numbers.
 */

/** A compiled filter: true when the item matches. */
export type FilterFn<T> = (item: T) => boolean;

/** How to read one filterable attribute; `caseExact` strings compare case-sensitively. */
export interface FilterAttribute<T> {
  readonly get: (item: T) => string | boolean | number | undefined;
  readonly type: 'string' | 'boolean';
  readonly caseExact?: boolean;
}

/** A filter that cannot be parsed or names an unknown attribute; message is for the errorCauses. */
export class FilterError extends Error {}

type Token =
  { t: 'word'; v: string } | { t: 'str'; v: string } | { t: 'num'; v: number } | { t: '(' } | { t: ')' };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      out.push({ t: c });
      i++;
    } else if (c === '"') {
      let v = '';
      i++;
      while (i < src.length && src[i] !== '"') {
        if (src[i] === '\\' && i + 1 < src.length) i++;
        v += src[i++];
      }
      if (src[i] !== '"') throw new FilterError('unterminated string');
      i++;
      out.push({ t: 'str', v });
    } else if (/[-0-9]/.test(c)) {
      const m = /^-?\d+(\.\d+)?/.exec(src.slice(i));
      if (!m) throw new FilterError(`unexpected character '${c}' at ${i}`);
      out.push({ t: 'num', v: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][\w.]*/.exec(src.slice(i))!;
      out.push({ t: 'word', v: m[0] });
      i += m[0].length;
    } else {
      throw new FilterError(`unexpected character '${c}' at ${i}`);
    }
  }
  return out;
}

/** Compiles a filter expression against the given attributes; throws {@link FilterError}. */
export function compileFilter<T>(src: string, attrs: Record<string, FilterAttribute<T>>): FilterFn<T> {
  const tokens = tokenize(src);
  let pos = 0;
  const lowerAttrs = new Map(Object.entries(attrs).map(([k, v]) => [k.toLowerCase(), { name: k, ...v }]));
  const peekWord = (): string | undefined => {
    const t = tokens[pos];
    return t && t.t === 'word' ? t.v.toLowerCase() : undefined;
  };

  /** `next (keyword next)*`, joined left to right. */
  const chain =
    (keyword: string, next: () => FilterFn<T>, join: (l: FilterFn<T>, r: FilterFn<T>) => FilterFn<T>) =>
    (): FilterFn<T> => {
      let left = next();
      while (peekWord() === keyword) {
        pos++;
        left = join(left, next());
      }
      return left;
    };
  const parseAnd = chain(
    'and',
    () => parseUnary(),
    (l, r) => (x) => l(x) && r(x),
  );
  const parseOr = chain('or', parseAnd, (l, r) => (x) => l(x) || r(x));
  const parseUnary = (): FilterFn<T> => {
    if (peekWord() === 'not') {
      pos++;
      const inner = parseGroup();
      return (x) => !inner(x);
    }
    if (tokens[pos]?.t === '(') return parseGroup();
    return parseComparison();
  };
  const parseGroup = (): FilterFn<T> => {
    if (tokens[pos]?.t !== '(') throw new FilterError('expected "("');
    pos++;
    const inner = parseOr();
    if (tokens[pos]?.t !== ')') throw new FilterError('expected ")"');
    pos++;
    return inner;
  };
  const parseComparison = (): FilterFn<T> => {
    const attrTok = tokens[pos++];
    if (!attrTok || attrTok.t !== 'word') throw new FilterError('expected an attribute name');
    const attr = lowerAttrs.get(attrTok.v.toLowerCase());
    if (!attr)
      throw new FilterError(
        `unsupported attribute '${attrTok.v}' (supported: ${Object.keys(attrs).join(', ')})`,
      );
    const opTok = tokens[pos++];
    const op = opTok && opTok.t === 'word' ? opTok.v.toLowerCase() : undefined;
    if (op === 'pr') return (x) => attr.get(x) !== undefined && attr.get(x) !== null;
    if (!op || !['eq', 'ne', 'sw', 'co'].includes(op))
      throw new FilterError(`expected an operator (eq, ne, sw, co, pr) after '${attr.name}'`);
    const valTok = tokens[pos++];
    if (!valTok) throw new FilterError(`expected a value after '${attr.name} ${op}'`);
    let value: string | boolean | number | null;
    if (valTok.t === 'str' || valTok.t === 'num') value = valTok.v;
    else if (valTok.t === 'word' && ['true', 'false', 'null'].includes(valTok.v.toLowerCase()))
      value = valTok.v.toLowerCase() === 'null' ? null : valTok.v.toLowerCase() === 'true';
    else throw new FilterError(`invalid value after '${attr.name} ${op}'`);
    if (attr.type === 'boolean' && typeof value !== 'boolean')
      throw new FilterError(`'${attr.name}' is a boolean: compare with true or false`);
    if (attr.type === 'string' && typeof value !== 'string')
      throw new FilterError(`'${attr.name}' is a string: put the value in double quotes`);
    if ((op === 'sw' || op === 'co') && attr.type !== 'string')
      throw new FilterError(`'${op}' needs a string attribute`);
    const norm = (v: unknown) => (typeof v === 'string' && !attr.caseExact ? v.toLowerCase() : v);
    const want = norm(value);
    return (x) => {
      const got = norm(attr.get(x));
      switch (op) {
        case 'eq':
          return got === want;
        case 'ne':
          return got !== want;
        case 'sw':
          return typeof got === 'string' && got.startsWith(want as string);
        default:
          return typeof got === 'string' && got.includes(want as string);
      }
    };
  };

  if (tokens.length === 0) throw new FilterError('empty filter');
  const fn = parseOr();
  if (pos !== tokens.length) throw new FilterError(`unexpected input after position ${pos}`);
  return fn;
}
