/** Parsed Rego (before name resolution). Binary operators are calls to their builtin names. */
import type { Location } from '../errors.ts';
import type { Value } from '../values/value.ts';

export type Term =
  | { readonly type: 'scalar'; readonly value: Value; readonly loc: Location }
  | { readonly type: 'var'; readonly name: string; readonly loc: Location; readonly wildcard?: boolean }
  /** head is a var or another term (call, array, …); path[i] is a term (`.x` is a string scalar). */
  | { readonly type: 'ref'; readonly head: Term; readonly path: readonly Term[]; readonly loc: Location }
  | { readonly type: 'array'; readonly items: readonly Term[]; readonly loc: Location }
  | { readonly type: 'set'; readonly items: readonly Term[]; readonly loc: Location }
  | { readonly type: 'object'; readonly pairs: readonly (readonly [Term, Term])[]; readonly loc: Location }
  /** operator: dotted name parts (`object.get` → ['object','get']) or a data ref (`data.lib.f`). */
  | { readonly type: 'call'; readonly operator: Term; readonly args: readonly Term[]; readonly loc: Location }
  | { readonly type: 'arraycomp'; readonly term: Term; readonly body: Body; readonly loc: Location }
  | { readonly type: 'setcomp'; readonly term: Term; readonly body: Body; readonly loc: Location }
  | { readonly type: 'objectcomp'; readonly key: Term; readonly value: Term; readonly body: Body; readonly loc: Location };

export interface With {
  readonly target: Term;
  readonly value: Term;
  readonly loc: Location;
}

export type ExprKind =
  /** a term (incl. a call) used as a statement: fails when undefined or false */
  | { readonly type: 'term'; readonly term: Term }
  | { readonly type: 'unify'; readonly left: Term; readonly right: Term }
  | { readonly type: 'assign'; readonly left: Term; readonly right: Term }
  /** `some x, y` (declaration only) */
  | { readonly type: 'some'; readonly vars: readonly Term[] }
  /** `some x in xs` / `some k, v in xs` */
  | { readonly type: 'somein'; readonly key: Term | undefined; readonly value: Term; readonly domain: Term }
  | { readonly type: 'every'; readonly key: Term | undefined; readonly value: Term; readonly domain: Term; readonly body: Body };

export interface Expr {
  readonly kind: ExprKind;
  readonly negated: boolean;
  readonly with: readonly With[];
  readonly loc: Location;
}

export type Body = readonly Expr[];

export type RuleKind = 'complete' | 'partialset' | 'partialobject' | 'function';

export interface RuleHead {
  /** The rule's name, or a ref head's string path (`a.b.c`) relative to the package. */
  readonly path: readonly string[];
  readonly kind: RuleKind;
  readonly args?: readonly Term[];
  readonly key?: Term;
  /** undefined value means `true` (complete/function) */
  readonly value?: Term;
  /** head written with `:=` */
  readonly assign: boolean;
  readonly loc: Location;
}

export interface Rule {
  readonly head: RuleHead;
  readonly body: Body;
  readonly isDefault: boolean;
  /** `else` chain following this body (each with its own head value and body). */
  readonly elseRules: readonly Rule[];
  readonly loc: Location;
  /** The module's path (file name), for errors. */
  readonly file: string;
}

export interface Import {
  /** e.g. ['data','lib','x'] or ['future','keywords','in'] or ['input','a'] or ['rego','v1'] */
  readonly path: readonly string[];
  readonly alias?: string;
  readonly loc: Location;
}

export interface Module {
  readonly file: string;
  readonly packagePath: readonly string[];
  readonly imports: readonly Import[];
  readonly rules: readonly Rule[];
  readonly regoV1: boolean;
  readonly loc: Location;
}
