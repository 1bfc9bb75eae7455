/**
 * The evaluation context and `with`: input, base data, overrides of rule/package nodes and of
 * functions, and the rule cache. A `with` builds a new context (fresh cache) for its expression.
 */
import type { DataNode, CWith, FnTarget, RuleSet } from '../ir.ts';
import type { Value } from '../values/value.ts';
import { setPath } from './documents.ts';

export const UNDEF = Symbol('undefined');

export interface FnOverride {
  readonly fn?: FnTarget;
  readonly value?: Value;
}

export interface Ctx {
  readonly input: Value | undefined;
  readonly data: Value;
  readonly nodeOverrides: Map<DataNode, Value> | undefined;
  readonly fnOverrides: Map<string, FnOverride> | undefined;
  readonly cache: Map<RuleSet, Value | typeof UNDEF>;
}

export function fnKey(fn: FnTarget): string {
  return fn.kind === 'builtin' ? 'b:' + fn.def.name : 'u:' + fn.path.join('.');
}

/** The context inside `e with … as …`, given the evaluated with-values. */
export function applyWith(
  root: DataNode,
  outer: Ctx,
  ws: readonly CWith[],
  values: readonly (Value | FnTarget)[],
  evalRuleSet: (rs: RuleSet) => Value | undefined,
): Ctx {
  let input = outer.input;
  let data = outer.data;
  let nodeOverrides = outer.nodeOverrides;
  let fnOverrides = outer.fnOverrides;
  ws.forEach((w, i) => {
    const v = values[i]!;
    const t = w.target;
    if (t.kind === 'input') {
      input = setPath(input, t.path, v as Value);
    } else if (t.kind === 'fn') {
      fnOverrides = new Map(fnOverrides ?? []);
      fnOverrides.set(fnKey(t.fn), w.valueFn ? { fn: v as FnTarget } : { value: v as Value });
    } else {
      // data: an override on the deepest rule/package node the path reaches, else a base patch
      let node: DataNode | undefined = root;
      let n = 0;
      while (n < t.path.length && node && !node.ruleSet) {
        const c: DataNode | undefined = node.children.get(t.path[n]!);
        if (!c) break;
        node = c;
        n++;
      }
      if (node && n === t.path.length && (node.ruleSet || node.children.size > 0)) {
        nodeOverrides = new Map(nodeOverrides ?? []);
        nodeOverrides.set(node, v as Value);
      } else if (node?.ruleSet) {
        // a path below a rule: the rule's value with that path replaced
        const current = evalRuleSet(node.ruleSet);
        nodeOverrides = new Map(nodeOverrides ?? []);
        nodeOverrides.set(node, setPath(current, t.path.slice(n), v as Value));
      } else {
        data = setPath(data, t.path, v as Value);
      }
    }
  });
  return { input, data, nodeOverrides, fnOverrides, cache: new Map() };
}
