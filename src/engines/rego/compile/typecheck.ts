/**
 * A partial form of OPA's type checker (v1/ast/check.go): a builtin called with a constant argument
 * whose type can never match the declared operand type is a compile error (rego_type_error), as in
 * OPA; non-constant arguments are checked at run time by the builtin itself.
 */
import { RegoNumber } from '../values/number.ts';
import { RegoObject, RegoSet, isArray, typeName, type Value } from '../values/value.ts';

type Type =
  | { readonly t: 'any' }
  | { readonly t: 'string' | 'number' | 'boolean' | 'null' }
  | { readonly t: 'array' | 'set'; readonly of: Type }
  | { readonly t: 'object'; readonly key: Type; readonly value: Type }
  | { readonly t: 'anyof'; readonly of: readonly Type[] };

const ANY: Type = { t: 'any' };
const cache = new Map<string, Type>();

/** Parse the declared type syntax used in the builtin registry (`array[string]`, `any<a, b>`, …). */
export function parseType(text: string): Type {
  let t = cache.get(text);
  if (!t) {
    t = new TypeParser(text).parse();
    cache.set(text, t);
  }
  return t;
}

class TypeParser {
  private i = 0;
  constructor(private readonly s: string) {}
  private ws(): void {
    while (this.s[this.i] === ' ') this.i++;
  }
  private word(): string {
    this.ws();
    const m = /^[a.]*[a-z]*/.exec(this.s.slice(this.i))![0];
    this.i += m.length;
    return m;
  }
  private eat(c: string): boolean {
    this.ws();
    if (this.s[this.i] === c) {
      this.i++;
      return true;
    }
    return false;
  }
  parse(): Type {
    const w = this.word();
    switch (w) {
      case 'string':
      case 'number':
      case 'boolean':
      case 'null':
        return { t: w };
      case 'array':
      case 'set': {
        if (!this.eat('[')) return { t: w, of: ANY };
        const of = this.parse();
        this.eat(']');
        return { t: w, of };
      }
      case 'object': {
        if (!this.eat('[')) return { t: 'object', key: ANY, value: ANY };
        const key = this.parse();
        this.eat(':');
        const value = this.parse();
        this.eat(']');
        return { t: 'object', key, value };
      }
      case 'any': {
        if (!this.eat('<')) return ANY;
        const of: Type[] = [this.parse()];
        while (this.eat(',')) of.push(this.parse());
        this.eat('>');
        return { t: 'anyof', of };
      }
      default:
        return ANY;
    }
  }
}

export function valueMatches(v: Value, type: Type): boolean {
  switch (type.t) {
    case 'any':
      return true;
    case 'anyof':
      return type.of.some((x) => valueMatches(v, x));
    case 'string':
      return typeof v === 'string';
    case 'number':
      return v instanceof RegoNumber;
    case 'boolean':
      return typeof v === 'boolean';
    case 'null':
      return v === null;
    case 'array':
      return isArray(v) && v.every((x) => valueMatches(x, type.of));
    case 'set':
      return v instanceof RegoSet && v.sortedValues().every((x) => valueMatches(x, type.of));
    case 'object':
      return v instanceof RegoObject && v.sortedEntries().every(([k, x]) => valueMatches(k, type.key) && valueMatches(x, type.value));
  }
}

/** `have` text for an argument: the constant's type name, or `any` when not constant. */
export function describeArg(v: Value | undefined): string {
  return v === undefined ? 'any' : typeName(v);
}
