/**
 * The compiled form the evaluator runs: names resolved (locals are frame slots, rule names and
 * imports are data refs, calls point at a builtin or a user function), bodies reordered for safety.
 */
import type { Location } from './errors.ts';
import type { BuiltinDef } from './builtins/registry.ts';
import type { RuleKind } from './syntax/ast.ts';
import type { Value } from './values/value.ts';

export type CTerm =
  | { readonly k: 'const'; readonly v: Value }
  | { readonly k: 'var'; readonly slot: number; readonly name: string }
  | { readonly k: 'input' }
  | { readonly k: 'data' }
  | { readonly k: 'ref'; readonly head: CTerm; readonly path: readonly CTerm[] }
  | { readonly k: 'array'; readonly items: readonly CTerm[] }
  | { readonly k: 'set'; readonly items: readonly CTerm[] }
  | { readonly k: 'object'; readonly keys: readonly CTerm[]; readonly values: readonly CTerm[] }
  | { readonly k: 'call'; readonly fn: FnTarget; readonly args: readonly CTerm[]; readonly loc: Location }
  | { readonly k: 'arraycomp'; readonly term: CTerm; readonly body: readonly CExpr[] }
  | { readonly k: 'setcomp'; readonly term: CTerm; readonly body: readonly CExpr[] }
  | { readonly k: 'objectcomp'; readonly key: CTerm; readonly value: CTerm; readonly body: readonly CExpr[]; readonly loc: Location };

export type FnTarget =
  | { readonly kind: 'builtin'; readonly def: BuiltinDef }
  | { readonly kind: 'user'; readonly path: readonly string[]; ruleSet?: RuleSet };

export type WithTarget =
  | { readonly kind: 'input'; readonly path: readonly string[] }
  | { readonly kind: 'data'; readonly path: readonly string[] }
  | { readonly kind: 'fn'; readonly fn: FnTarget };

export interface CWith {
  readonly target: WithTarget;
  readonly value: CTerm;
  /** `with f as g`: the replacement is itself a function. */
  readonly valueFn?: FnTarget;
}

export type CExprKind =
  | { readonly k: 'term'; readonly t: CTerm }
  | { readonly k: 'unify'; readonly a: CTerm; readonly b: CTerm }
  | { readonly k: 'somein'; readonly key: CTerm | undefined; readonly value: CTerm; readonly domain: CTerm }
  | { readonly k: 'every'; readonly key: CTerm | undefined; readonly value: CTerm; readonly domain: CTerm; readonly body: readonly CExpr[] };

export interface CExpr {
  readonly e: CExprKind;
  readonly negated: boolean;
  readonly with: readonly CWith[];
  readonly loc: Location;
}

export interface CRule {
  readonly kind: RuleKind;
  readonly args: readonly CTerm[] | undefined;
  readonly key: CTerm | undefined;
  /** undefined: the value `true` */
  readonly value: CTerm | undefined;
  readonly body: readonly CExpr[];
  readonly nslots: number;
  readonly elseRules: readonly CRule[];
  readonly isDefault: boolean;
  readonly loc: Location;
}

export interface RuleSet {
  /** full data path, e.g. ['k8spspseccomp','violation'] */
  readonly path: readonly string[];
  readonly kind: RuleKind;
  readonly arity: number;
  readonly rules: CRule[];
  defaultRule: CRule | undefined;
  readonly loc: Location;
}

/** The virtual document tree: packages and rules under `data`. */
export class DataNode {
  readonly children = new Map<string, DataNode>();
  ruleSet: RuleSet | undefined;

  child(name: string): DataNode {
    let c = this.children.get(name);
    if (!c) {
      c = new DataNode();
      this.children.set(name, c);
    }
    return c;
  }

  find(path: readonly string[]): DataNode | undefined {
    let n: DataNode | undefined = this;
    for (const p of path) {
      n = n.children.get(p);
      if (!n) return undefined;
    }
    return n;
  }
}

export interface CQuery {
  readonly body: readonly CExpr[];
  readonly nslots: number;
  /** user-visible vars of the query: name → slot */
  readonly vars: readonly { readonly name: string; readonly slot: number }[];
}
