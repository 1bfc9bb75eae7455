/** sprintf (v1/topdown/strings.go builtinSprintf): Rego values become Go values, then Go's fmt runs. */
import { RegoNumber } from '../values/number.ts';
import { valueToString, type Value } from '../values/value.ts';
import { goSprintf, type GoArg } from './gofmt.ts';
import { arrayArg, builtin, stringArg } from './registry.ts';

/** A decimal float's text (json.Number.Float64 accepts it); no two ways to split the digits. */
export const FLOAT_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Number → int if strconv-style ParseInt succeeds, else *big.Int if it is a base-10 integer, else
 * float64 (json.Number.Float64), else its text; string → raw; anything else → its Rego text.
 */
export function toGoArg(v: Value): GoArg {
  if (typeof v === 'string') return { kind: 'string', v };
  if (v instanceof RegoNumber) {
    const i = v.parseInt64();
    if (i !== undefined) return { kind: 'int', v: i };
    if (/^[+-]?\d+$/.test(v.text)) return { kind: 'bigint', v: BigInt(v.text) };
    const f = Number(v.text);
    if (Number.isFinite(f) && FLOAT_TEXT.test(v.text)) return { kind: 'float', v: f };
    return { kind: 'string', v: v.text };
  }
  return { kind: 'string', v: valueToString(v) };
}

builtin('sprintf', ['string', 'array[any]'], 'string', (a) => {
  const format = stringArg(a, 0);
  const args = arrayArg(a, 1);
  return goSprintf(format, args.map(toGoArg));
});
