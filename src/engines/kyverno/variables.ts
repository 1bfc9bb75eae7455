/**
 * Variable substitution (kyverno pkg/engine/variables/vars.go): `$(path)` references first, then
 * `{{ jmespath }}` in every string leaf and map key. A string that is exactly one variable becomes
 * the raw value (number, map, null…); an embedded variable is replaced by its text (JSON for
 * non-strings). Results are re-scanned for new variables unless the variable is `{{- … }}`
 * (shallow). `\{{` escapes a variable. On DELETE, `request.object` reads `request.oldObject`.
 */
import { trimBoth } from '../../util/text.ts';
import { spendWork } from '../../util/budget.ts';
import { GoInt, goJsonMarshal, isObject } from '../jmespath/index.ts';
import { removeAnchorsFromPath } from './pattern/anchor.ts';
import { pathClean } from './go/path.ts';
import { formatFloatF } from './go/fmt.ts';
import { operatorOf } from './pattern/scalar.ts';
import { QueryError, type JsonContext } from './context.ts';

const VARIABLE_RE = /(^|[^\\])(\{\{(?:\{[^{}]*\}|[^{}])*\}\})/g;
const VARIABLE_INIT_RE = /^\{\{(\{[^{}]*\}|[^{}])*\}\}/;
const REFERENCE_RE = /^\$\(.[^ ]*\)|[^\\]\$\(.[^ ]*\)/g;
const ESCAPED_REFERENCE_RE = /\\\$\(.[^ )]*\)/g;

/** A leaf is re-scanned after each substitution; a value that keeps producing variables is cut off. */
const MAX_SUBSTITUTION_ROUNDS = 100;

export class SubstitutionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SubstitutionError';
  }
}

/** RegexVariables.FindAllString. */
export function findVariables(value: string): string[] {
  return Array.from(value.matchAll(VARIABLE_RE), (m) => m[0]);
}

export function isVariable(value: string): boolean {
  VARIABLE_RE.lastIndex = 0;
  const found = VARIABLE_RE.test(value);
  VARIABLE_RE.lastIndex = 0;
  return found;
}

function firstRune(s: string): string {
  return String.fromCodePoint(s.codePointAt(0)!);
}

function replaceBracesAndTrimSpaces(v: string): [string, boolean] {
  let variable = v.replaceAll('{{', '').replaceAll('}}', '').trim();
  if (variable.startsWith('-')) {
    variable = variable.slice(1).trim();
    return [variable, true];
  }
  return [variable, false];
}

type Action = (element: unknown, path: string, isKey: boolean) => unknown;

/** jsonutils traversal over leafs and map keys; results are traversed again (as Kyverno does). */
function traverse(element: unknown, path: string, action: Action, depth = 0): unknown {
  if (depth > 512) throw new SubstitutionError('document nested too deeply for variable substitution');
  spendWork(1);
  const acted = Array.isArray(element) || isObject(element) ? element : action(element, path, false);
  if (Array.isArray(acted)) return acted.map((e, i) => traverse(e, `${path}/${i}`, action, depth + 1));
  if (isObject(acted)) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(acted)) {
      const newKey = action(key, path, true);
      let newKeyStr = key;
      if (newKey !== null && newKey !== undefined) {
        if (typeof newKey !== 'string') throw new SubstitutionError(`expected string after substituting variables in key "${key}"`);
        newKeyStr = newKey;
      }
      const newValue = traverse(value, `${path}/${key.replaceAll('/', '\\/')}`, action, depth + 1);
      if (newKeyStr !== key) delete out[key];
      out[newKeyStr] = newValue;
    }
    return out;
  }
  return acted;
}

/** jsonpointer.ParsePath(path).SkipPast("foreach").SkipN(2).Prepend(prefix...).JMESPath(). */
function currentValuePath(path: string, prefix: string[]): string {
  let pointer = parsePointerPath(path);
  const idx = pointer.indexOf('foreach');
  pointer = pointer.slice(idx + 1);
  pointer = 2 > pointer.length - 1 ? [] : pointer.slice(2);
  return pointerToJmesPath([...prefix, ...pointer]);
}

function parsePointerPath(raw: string): string[] {
  const out: string[] = [];
  let sb = '';
  let escaped = false;
  let quoted = false;
  let quoteStart = 0;
  const chars = Array.from(raw);
  for (let i = 0; i < chars.length; i++) {
    const r = chars[i]!;
    if (escaped) {
      sb += r;
      escaped = false;
    } else if (r === '\\') escaped = true;
    else if (r === '"') {
      if (quoted) {
        try {
          sb += JSON.parse(chars.slice(quoteStart, i + 1).join('')) as string;
        } catch {
          // strconv.Unquote failure writes nothing
        }
      } else quoteStart = i;
      quoted = !quoted;
    } else if (r === '/' && !quoted) {
      if (sb !== '') out.push(sb);
      sb = '';
    } else sb += r;
  }
  if (sb !== '') out.push(sb);
  return out;
}

function pointerToJmesPath(pointer: string[]): string {
  let sb = '';
  for (const component of pointer) {
    if (/^\d+$/.test(component) && BigInt(component) < 1n << 64n) {
      sb += `[${component}]`;
      continue;
    }
    if (sb.length > 0) sb += '.';
    if (/^[(A-Z_a-z][)0-9A-Z_a-z]*$/.test(component)) {
      sb += component;
      continue;
    }
    sb += '"';
    for (const ch of component) {
      const c = ch.codePointAt(0)!;
      if ((c >= 0x20 && c <= 0x21) || (c >= 0x23 && c <= 0x5b) || c >= 0x5d) sb += ch;
      else if (ch === '"') sb += '\\"';
      else if (ch === '\\') sb += '\\\\';
      else if (ch === '\n') sb += '\\n';
      else if (ch === '\r') sb += '\\r';
      else if (ch === '\t') sb += '\\t';
      else if (ch === '\b') sb += '\\b';
      else if (ch === '\f') sb += '\\f';
      else sb += `\\u${c.toString(16).padStart(4, '0')}`;
    }
    sb += '"';
  }
  return sb;
}

export interface SubstituteOptions {
  /** The document for `$()` references (defaults to the substituted document). */
  readonly document?: unknown;
}

/** SubstituteAll: references, then variables; throws SubstitutionError (or a QueryError cause). */
export function substituteAll(ctx: JsonContext, document: unknown): unknown {
  if (!maySubstitute(document)) return document;
  const withRefs = substituteReferences(document);
  return substituteVars(ctx, withRefs);
}

/**
 * Whether any key or string leaf holds `{{` or `$(` (or the document is deep enough for the walk
 * to refuse it): without one, both passes return the document unchanged, so most patterns skip
 * the walk.
 */
function maySubstitute(document: unknown): boolean {
  const stack: [unknown, number][] = [[document, 0]];
  while (stack.length > 0) {
    const [element, depth] = stack.pop()!;
    if (typeof element === 'string') {
      if (element.includes('{{') || element.includes('$(')) return true;
    } else if (Array.isArray(element)) {
      if (depth >= 512) return true;
      for (const e of element) stack.push([e, depth + 1]);
    } else if (isObject(element)) {
      if (depth >= 512) return true;
      for (const [key, value] of Object.entries(element)) {
        if (key.includes('{{') || key.includes('$(')) return true;
        stack.push([value, depth + 1]);
      }
    }
  }
  return false;
}

function substituteVars(ctx: JsonContext, document: unknown): unknown {
  const isDelete = ctx.queryOperation() === 'DELETE';
  return traverse(document, '', (element, path) => {
    if (typeof element !== 'string') return element;
    let value = element;
    let vars = findVariables(value);
    let rounds = 0;
    while (vars.length > 0) {
      if (++rounds > MAX_SUBSTITUTION_ROUNDS) throw new SubstitutionError(`variable substitution at path ${path} did not terminate after ${MAX_SUBSTITUTION_ROUNDS} rounds`);
      const originalPattern = value;
      let shallow = false;
      for (let v of vars) {
        const initial = VARIABLE_INIT_RE.test(v);
        const old = v;
        if (!initial) v = v.slice(firstRune(v).length);
        let variable: string;
        [variable, shallow] = replaceBracesAndTrimSpaces(v);
        if (variable === '@') {
          let prefix = 'target';
          try {
            ctx.query('target');
          } catch (error) {
            if (!(error instanceof QueryError)) throw error;
            prefix = 'request.object';
          }
          variable = variable.replaceAll('@', currentValuePath(path, prefix.split('.')));
        }
        if (isDelete) variable = variable.replaceAll('request.object', 'request.oldObject');
        let substituted: unknown;
        try {
          substituted = ctx.query(variable);
        } catch (error) {
          if (!(error instanceof QueryError)) throw error;
          throw new SubstitutionError(`failed to resolve ${variable} at path ${path}: ${error.message}`);
        }
        if (originalPattern === v) return substituted;
        const prefix = initial ? '' : firstRune(old);
        if (shallow && substituted !== null && substituted !== undefined) {
          if (typeof substituted !== 'string') throw new SubstitutionError(`interface conversion: interface {} is ${typeof substituted}, not string`);
          substituted = substituted.replaceAll('{{', '\\{{');
        }
        const text = typeof substituted === 'string' ? substituted : goJsonMarshal(substituted);
        const idx = value.indexOf(prefix + v);
        if (idx >= 0) value = value.slice(0, idx) + prefix + text + value.slice(idx + prefix.length + v.length);
      }
      vars = shallow ? [] : findVariables(value);
    }
    return value.replaceAll('\\{{', '{{');
  });
}

/** `$(path)` references into the document itself (rare; resolved before variables). */
function substituteReferences(document: unknown): unknown {
  return traverse(document, '', (element, path) => {
    if (typeof element !== 'string') return element;
    let value = element;
    for (let v of Array.from(value.matchAll(REFERENCE_RE), (m) => m[0])) {
      const initial = v.startsWith('$(');
      const old = v;
      if (!initial) v = v.slice(firstRune(v).length);
      const resolved = resolveReference(document, v, path);
      if (resolved === null || resolved === undefined) throw new SubstitutionError(`got nil resolved variable ${v} at path ${path}: <nil>`);
      if (typeof resolved !== 'string') throw new SubstitutionError(`NotResolvedReferenceErr,reference ${v} not resolved at path ${path}`);
      const replacement = (initial ? '' : firstRune(old)) + resolved;
      const idx = value.indexOf(old);
      if (idx >= 0) value = value.slice(0, idx) + replacement + value.slice(idx + old.length);
    }
    for (const v of Array.from(value.matchAll(ESCAPED_REFERENCE_RE), (m) => m[0])) value = value.replaceAll(v, v.slice(1));
    return value;
  });
}

function resolveReference(document: unknown, reference: string, absolutePath: string): unknown {
  let path = trimBoth(reference, '$()');
  const op = operatorOf(path);
  path = path.slice(op.length);
  if (path.length === 0) throw new SubstitutionError(`failed to resolve ${reference} at path ${absolutePath}: expected path, found empty reference`);
  path = path.startsWith('/') ? path : pathClean(`${absolutePath}/${path}`);
  let found: unknown = null;
  traverse(document, '', (element, p) => {
    if (removeAnchorsFromPath(p) === path) found = element;
    return element;
  });
  if (op === '') return found;
  let text: string;
  if (typeof found === 'string') text = found;
  else if (found instanceof GoInt) text = String(found.value);
  else if (typeof found === 'number') text = formatFloatF(found);
  else throw new SubstitutionError(`failed to resolve ${reference} at path ${absolutePath}: incorrect expression: operator ${op} does not match with value ${String(found)}`);
  return op + text;
}
