/**
 * glob.match / glob.quote_meta (v1/topdown/glob.go, gobwas/glob syntax): `*` any run of
 * non-delimiters, `**` any run, `?` one non-delimiter, `[abc]` `[!a-z]` classes, `{a,b}`
 * alternatives, `\` escapes. Delimiters `[]` mean ["."], `null` none. Compiled to RE2 (linear time).
 */
import { RE2JS } from 're2js';
import { RegoSet, isArray, type Value } from '../values/value.ts';
import { BuiltinError, builtin, operandTypeError, stringArg } from './registry.ts';

const cache = new Map<string, RE2JS | Error>();

function reEscape(c: string): string {
  return /[\\.+*?()|[\]{}^$]/.test(c) ? '\\' + c : c;
}

function classEscape(c: string): string {
  return /[\\\]\[^-]/.test(c) ? '\\' + c : c;
}

function globToRe2(pattern: string, delimiters: readonly string[]): string {
  const r = [...pattern];
  const notDelim = delimiters.length ? '[^' + delimiters.map(classEscape).join('') + ']' : '(?s:.)';
  let i = 0;
  const parse = (inAlt: boolean): string => {
    let out = '';
    while (i < r.length) {
      const c = r[i]!;
      if (inAlt && (c === ',' || c === '}')) return out;
      i++;
      switch (c) {
        case '\\':
          if (i >= r.length) throw new BuiltinError('unexpected end of input');
          out += reEscape(r[i++]!);
          break;
        case '*':
          if (r[i] === '*') {
            i++;
            out += '(?s:.*)';
          } else out += notDelim + '*';
          break;
        case '?':
          out += notDelim;
          break;
        case '[': {
          let neg = false;
          if (r[i] === '!') {
            neg = true;
            i++;
          }
          let cls = '';
          let closed = false;
          while (i < r.length) {
            const d = r[i++]!;
            if (d === ']') {
              closed = true;
              break;
            }
            if (r[i] === '-' && r[i + 1] !== undefined && r[i + 1] !== ']') {
              const hi = r[i + 1]!;
              if (hi < d) throw new BuiltinError(`hi character '${hi}' should be greater than lo '${d}'`);
              cls += classEscape(d) + '-' + classEscape(hi);
              i += 2;
            } else cls += classEscape(d);
          }
          if (!closed) throw new BuiltinError('unexpected end of input');
          if (cls === '') throw new BuiltinError('unexpected length of lo character');
          out += '[' + (neg ? '^' : '') + cls + ']';
          break;
        }
        case '{': {
          const alts: string[] = [];
          while (true) {
            alts.push(parse(true));
            if (i >= r.length) throw new BuiltinError('unexpected end of input');
            const d = r[i++]!;
            if (d === '}') break;
          }
          out += '(?:' + alts.join('|') + ')';
          break;
        }
        default:
          out += reEscape(c);
      }
    }
    if (inAlt) throw new BuiltinError('unexpected end of input');
    return out;
  };
  return '^' + parse(false) + '$';
}

builtin('glob.match', ['string', 'any<array[string], null>', 'string'], 'boolean', (a) => {
  const pattern = stringArg(a, 0);
  const d = a[1]!;
  let delimiters: string[];
  if (d === null) delimiters = [];
  else if (isArray(d)) {
    delimiters = d.map((x: Value) => {
      if (typeof x !== 'string') throw operandTypeError(2, x, 'string');
      return [...x][0] ?? '';
    });
    if (delimiters.length === 0) delimiters = ['.'];
  } else throw operandTypeError(2, d, 'array', 'null');
  const match = stringArg(a, 2);
  const id = pattern + '-' + delimiters.join('');
  let re = cache.get(id);
  if (re === undefined) {
    try {
      re = RE2JS.compile(globToRe2(pattern, delimiters));
    } catch (e) {
      re = e instanceof Error ? e : new Error(String(e));
    }
    if (cache.size >= 200) cache.delete(cache.keys().next().value!);
    cache.set(id, re);
  }
  if (re instanceof Error) throw re instanceof BuiltinError ? re : new BuiltinError(re.message);
  return re.testExact(match);
});

builtin('glob.quote_meta', ['string'], 'string', (a) => stringArg(a, 0).replace(/[*?\\[\]{}]/g, (c) => '\\' + c));

export { RegoSet };
