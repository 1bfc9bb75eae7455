/** to_number (v1/topdown/casts.go): strings as Go strconv.ParseFloat accepts them; the text is kept. */
import { intNumber, RegoNumber } from '../values/number.ts';
import { UnsupportedError } from '../../../util/errors.ts';
import { builtin, operandTypeError } from './registry.ts';

// Written so that no two ways split the same digits (a backtracking engine stays linear): the
// integer part's digits either all precede the point or there is no point.
export const DECIMAL = /^[+-]?(\d+(_\d+)*(\.(\d+(_\d+)*)?)?|\.\d+(_\d+)*)([eE][+-]?\d+(_\d+)*)?$/;
export const HEX_FLOAT = /^[+-]?0[xX](_?[0-9a-fA-F])*(\.([0-9a-fA-F](_?[0-9a-fA-F])*)?)?[pP][+-]?\d+$/;

/** Does Go's strconv.ParseFloat(s, 64) accept s (finite, in range)? inf/nan are refused by OPA first. */
export function goParseFloatAccepts(s: string): boolean {
  if (DECIMAL.test(s)) {
    if (s.includes('_')) return false; // underscores only with a base prefix
    const f = Number(s);
    return Number.isFinite(f);
  }
  if (HEX_FLOAT.test(s)) throw new UnsupportedError(`to_number of a hexadecimal float (${JSON.stringify(s)})`);
  return false;
}

builtin('to_number', ['any<null, boolean, number, string>'], 'number', ([x]) => {
  if (x === null) return intNumber(0);
  if (x === true) return intNumber(1);
  if (x === false) return intNumber(0);
  if (x instanceof RegoNumber) return x;
  if (typeof x === 'string') {
    const lower = x.replace(/^[+-]+/, '').toLowerCase();
    if (lower === 'inf' || lower === 'infinity' || lower === 'nan') throw operandTypeError(1, x, 'valid number string');
    if (!goParseFloatAccepts(x)) throw operandTypeError(1, x, 'valid number string');
    return new RegoNumber(x);
  }
  throw operandTypeError(1, x!, 'null', 'boolean', 'number', 'string');
});
