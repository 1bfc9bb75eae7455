import { ir } from './build.ts';
import type { Collection, ParamExpr, Pred, ValueExpr } from './nodes.ts';
import { evaluatePred } from './evaluate.ts';

/** Rewrites of the IR that keep its meaning; backends use them to fit a check to a target. */

/** Push a negation inward (De Morgan, quantifier duality), so `not` only wraps atoms. */
export function negate(pred: Pred): Pred {
  switch (pred.kind) {
    case 'not':
      return pred.item;
    case 'and':
      return ir.or(...pred.items.map(negate));
    case 'or':
      return ir.and(...pred.items.map(negate));
    case 'all':
      return ir.quantifier('any', pred.collection, pred.variable, negate(pred.body));
    case 'any':
      return ir.quantifier('all', pred.collection, pred.variable, negate(pred.body));
    case 'const':
      return ir.const(!pred.value);
    default:
      return ir.not(pred);
  }
}

/** Fold constants out of and / or / not. */
export function simplify(pred: Pred): Pred {
  switch (pred.kind) {
    case 'and':
    case 'or': {
      const items: Pred[] = [];
      for (const item of pred.items.map(simplify)) {
        if (item.kind === 'const') {
          if (item.value === (pred.kind === 'or')) return item; // true in or, false in and
          continue;
        }
        if (item.kind === pred.kind) items.push(...item.items);
        else items.push(item);
      }
      if (items.length === 0) return ir.const(pred.kind === 'and');
      return pred.kind === 'and' ? ir.and(...items) : ir.or(...items);
    }
    case 'not': {
      const item = simplify(pred.item);
      if (item.kind === 'const') return ir.const(!item.value);
      if (item.kind === 'not') return item.item;
      return ir.not(item);
    }
    case 'all':
    case 'any': {
      const body = simplify(pred.body);
      if (body.kind === 'const') {
        // all(x, true) and any(x, false) do not depend on the collection.
        if (body.value === (pred.kind === 'all')) return body;
      }
      return ir.quantifier(pred.kind, pred.collection, pred.variable, body);
    }
    default:
      return pred;
  }
}

/** Variables a value expression reads (`object` included). */
export function valueVariables(expr: ValueExpr, out: Set<string> = new Set()): Set<string> {
  switch (expr.kind) {
    case 'path':
      out.add(expr.root);
      break;
    case 'coalesce':
    case 'concat':
      for (const item of expr.items) valueVariables(item, out);
      break;
    case 'lookup':
      valueVariables(expr.map, out);
      valueVariables(expr.key, out);
      break;
    default:
      break;
  }
  return out;
}

function collectionVariables(collection: Collection, out: Set<string>): void {
  for (const source of collection.sources) valueVariables(source.expr, out);
}

/** Free variables of a predicate (`object` included). */
export function freeVariables(pred: Pred, out: Set<string> = new Set()): Set<string> {
  switch (pred.kind) {
    case 'const':
      break;
    case 'and':
    case 'or':
      for (const item of pred.items) freeVariables(item, out);
      break;
    case 'not':
      freeVariables(pred.item, out);
      break;
    case 'all':
    case 'any': {
      collectionVariables(pred.collection, out);
      const inner = freeVariables(pred.body);
      inner.delete(pred.variable);
      for (const v of inner) out.add(v);
      break;
    }
    case 'equals':
    case 'in':
    case 'compare':
      valueVariables(pred.expr, out);
      valueVariables(pred.kind === 'in' ? pred.values : pred.value, out);
      break;
    case 'imagePatterns':
      valueVariables(pred.expr, out);
      break;
    default:
      valueVariables(pred.expr, out);
  }
  return out;
}

/** Replace every occurrence of an atom (by identity) with another predicate. */
export function replaceAtom(pred: Pred, atom: Pred, replacement: Pred): Pred {
  if (pred === atom) return replacement;
  switch (pred.kind) {
    case 'and':
      return ir.and(...pred.items.map((item) => replaceAtom(item, atom, replacement)));
    case 'or':
      return ir.or(...pred.items.map((item) => replaceAtom(item, atom, replacement)));
    case 'not':
      return ir.not(replaceAtom(pred.item, atom, replacement));
    case 'all':
    case 'any':
      return ir.quantifier(pred.kind, pred.collection, pred.variable, replaceAtom(pred.body, atom, replacement));
    default:
      return pred;
  }
}

/**
 * Replace atoms reading a coalesced value by a case split on the first item being set:
 * P(coalesce(a, b…)) = (isSet(a) ∧ P(a)) ∨ (¬isSet(a) ∧ P(coalesce(b…))).
 */
export function expandCoalesce(pred: Pred): Pred {
  switch (pred.kind) {
    case 'and':
      return ir.and(...pred.items.map(expandCoalesce));
    case 'or':
      return ir.or(...pred.items.map(expandCoalesce));
    case 'not':
      return ir.not(expandCoalesce(pred.item));
    case 'all':
    case 'any':
      return ir.quantifier(pred.kind, pred.collection, pred.variable, expandCoalesce(pred.body));
    case 'const':
      return pred;
    default: {
      if (pred.expr.kind !== 'coalesce') return pred;
      const [first, ...rest] = pred.expr.items;
      if (!first) return ir.const(false);
      const withExpr = (expr: ValueExpr): Pred => ({ ...pred, expr }) as Pred;
      const restExpr: ValueExpr = rest.length === 1 ? rest[0]! : ir.coalesce(...rest);
      return ir.or(
        ir.and(ir.isSet(first), withExpr(first)),
        ir.and(ir.not(ir.isSet(first)), rest.length === 0 ? ir.const(false) : expandCoalesce(withExpr(restExpr))),
      );
    }
  }
}

/**
 * Unroll quantifiers over literal or parameter lists into and / or, substituting the element:
 * all(['cpu','memory'], r => P(r)) = P('cpu') ∧ P('memory').
 */
export function unrollConstantLists(pred: Pred): Pred {
  switch (pred.kind) {
    case 'and':
      return ir.and(...pred.items.map(unrollConstantLists));
    case 'or':
      return ir.or(...pred.items.map(unrollConstantLists));
    case 'not':
      return ir.not(unrollConstantLists(pred.item));
    case 'all':
    case 'any': {
      const body = unrollConstantLists(pred.body);
      const sources = pred.collection.sources;
      const constant = sources.every((s) => (s.expr.kind === 'literal' || s.expr.kind === 'param') && s.as === 'elements');
      if (!constant) return ir.quantifier(pred.kind, pred.collection, pred.variable, body);
      const values = sources.flatMap((s) => {
        const v = (s.expr as { value: unknown }).value;
        return Array.isArray(v) ? v : [];
      });
      const items = values.map((v) => substituteVariable(body, pred.variable, ir.literal(v)));
      if (items.length === 0) return ir.const(pred.kind === 'all');
      return pred.kind === 'all' ? ir.and(...items) : ir.or(...items);
    }
    default:
      return pred;
  }
}

function substituteVariable(pred: Pred, variable: string, literal: ValueExpr): Pred {
  const sub = (expr: ValueExpr): ValueExpr => {
    switch (expr.kind) {
      case 'path':
        if (expr.root !== variable) return expr;
        if (expr.path.length > 0) throw new Error(`IR: a field of a literal list element (${variable}.${expr.path.join('.')})`);
        return literal;
      case 'coalesce':
        return ir.coalesce(...expr.items.map(sub));
      case 'concat':
        return ir.concat(...expr.items.map(sub));
      case 'lookup': {
        const map = sub(expr.map);
        const key = sub(expr.key);
        // A fixed key on a path is a plain path again.
        if (map.kind === 'path' && key.kind === 'literal' && typeof key.value === 'string') return ir.path(map.root, [...map.path, key.value]);
        return ir.lookup(map, key);
      }
      default:
        return expr;
    }
  };
  switch (pred.kind) {
    case 'const':
      return pred;
    case 'and':
      return ir.and(...pred.items.map((p) => substituteVariable(p, variable, literal)));
    case 'or':
      return ir.or(...pred.items.map((p) => substituteVariable(p, variable, literal)));
    case 'not':
      return ir.not(substituteVariable(pred.item, variable, literal));
    case 'all':
    case 'any':
      return ir.quantifier(
        pred.kind,
        ir.collection(pred.collection.label, pred.collection.sources.map((s) => ({ expr: sub(s.expr), as: s.as }))),
        pred.variable,
        pred.variable === variable ? pred.body : substituteVariable(pred.body, variable, literal),
      );
    case 'equals':
    case 'compare':
      return { ...pred, expr: sub(pred.expr), value: sub(pred.value) as never } as Pred;
    case 'in':
      return { ...pred, expr: sub(pred.expr), values: sub(pred.values) as never } as Pred;
    default:
      return { ...pred, expr: sub(pred.expr) } as Pred;
  }
}

/** Evaluate atoms that read no field (e.g. a boolean parameter compared with true). */
export function foldConstants(pred: Pred): Pred {
  switch (pred.kind) {
    case 'and':
      return simplify(ir.and(...pred.items.map(foldConstants)));
    case 'or':
      return simplify(ir.or(...pred.items.map(foldConstants)));
    case 'not':
      return simplify(ir.not(foldConstants(pred.item)));
    case 'all':
    case 'any':
      return simplify(ir.quantifier(pred.kind, pred.collection, pred.variable, foldConstants(pred.body)));
    case 'const':
      return pred;
    default:
      return freeVariables(pred).size === 0 ? ir.const(evaluatePred(pred, undefined)) : pred;
  }
}

/**
 * Exempt containers by image: every quantifier over a pod's containers skips the containers whose
 * image matches the patterns (all → or(exempt, body); any → and(not exempt, body)). Pod-level parts
 * of a check are not affected: no image stands for the pod.
 */
export function exemptContainerImages(pred: Pred, patterns: ParamExpr): Pred {
  switch (pred.kind) {
    case 'and':
      return ir.and(...pred.items.map((p) => exemptContainerImages(p, patterns)));
    case 'or':
      return ir.or(...pred.items.map((p) => exemptContainerImages(p, patterns)));
    case 'not':
      return ir.not(exemptContainerImages(pred.item, patterns));
    case 'all':
    case 'any': {
      const body = exemptContainerImages(pred.body, patterns);
      if (pred.collection.label !== 'containers') return ir.quantifier(pred.kind, pred.collection, pred.variable, body);
      const exempt = ir.imagePatterns(ir.path(pred.variable, ['image']), patterns);
      return ir.quantifier(pred.kind, pred.collection, pred.variable, pred.kind === 'all' ? ir.or(exempt, body) : ir.and(ir.not(exempt), body));
    }
    default:
      return pred;
  }
}
