import { ir } from '../ir/build.ts';
import type { Collection, CollectionSource, ValueExpr } from '../ir/nodes.ts';

declare const VALUE_TYPE: unique symbol;
const EXPR = Symbol('kpc.expr');
const COLLECTION = Symbol('kpc.collection');

/**
 * A typed reference to a value in the pod: `pod.spec.securityContext.runAsNonRoot` is a
 * `Ref<boolean>`. Fields are those of the Kubernetes model, so a misspelled field or a comparison
 * with a value of the wrong type is a TypeScript error. Lists are not indexed: quantify over them
 * with `every` / `some`.
 */
export type Ref<T> = { readonly [VALUE_TYPE]?: T; readonly [EXPR]: ValueExpr } & RefFields<T>;

type RefFields<T> = T extends readonly unknown[] ? unknown : T extends object ? { readonly [K in keyof T]-?: Ref<NonNullable<T[K]>> } : unknown;

/** A collection to quantify over: a list field, or a collection built by `allContainers`, `valuesOf`… */
export interface CollectionRef<E> {
  readonly [VALUE_TYPE]?: E;
  readonly [COLLECTION]: Collection;
}

/** The element type of a list ref or collection ref. */
export type ElementOf<C> = C extends CollectionRef<infer E> ? E : C extends Ref<infer L> ? (L extends readonly (infer E)[] ? E : never) : never;

export function refFor<T>(expr: ValueExpr): Ref<T> {
  return new Proxy(Object.freeze({ [EXPR]: expr }), {
    get(target, key) {
      if (key === EXPR) return target[EXPR];
      if (typeof key !== 'string') return undefined;
      if (expr.kind !== 'path') throw new Error(`cannot read field "${key}" of a computed value`);
      return refFor(ir.path(expr.root, [...expr.path, key]));
    },
  }) as unknown as Ref<T>;
}

export function exprOf(ref: Ref<unknown>): ValueExpr {
  const expr = (ref as { [EXPR]?: ValueExpr })[EXPR];
  if (!expr) throw new Error('expected a pod field reference (e.g. pod.spec.hostNetwork)');
  return expr;
}

export function collectionRef<E>(label: string, sources: CollectionSource[]): CollectionRef<E> {
  return Object.freeze({ [COLLECTION]: ir.collection(label, sources) }) as CollectionRef<E>;
}

export function isCollectionRef(value: unknown): value is CollectionRef<unknown> {
  return typeof value === 'object' && value !== null && COLLECTION in value;
}

export function collectionOf(value: CollectionRef<unknown> | Ref<readonly unknown[]>): Collection {
  if (isCollectionRef(value)) return value[COLLECTION];
  const expr = exprOf(value as Ref<unknown>);
  const label = expr.kind === 'path' ? (expr.path.at(-1) ?? 'items') : 'items';
  return ir.collection(label, [{ expr, as: 'elements' }]);
}
