import { ir } from '../ir/build.ts';
import type { ParamExpr, Pred, Scalar } from '../ir/nodes.ts';

/** A typed control parameter: its JSON schema (with default) and, when resolved, its value. */
export interface ParamSpec<T> {
  readonly schema: Readonly<Record<string, unknown>> & { readonly default: T };
  readonly description: string;
  /** Phantom: the parameter's TypeScript type. */
  readonly type?: T;
}

export type ParamSpecs = Readonly<Record<string, ParamSpec<Scalar | readonly Scalar[]>>>;

/** A parameter as a check sees it: a typed value that backends may inline or read at run time. */
export interface Param<T> {
  readonly expr: ParamExpr;
  readonly value: T;
}

export type ParamValues<P extends ParamSpecs> = { readonly [K in keyof P]: P[K] extends ParamSpec<infer T> ? Param<T> : never };

export const param = {
  integer(options: { default: number; minimum?: number; maximum?: number; description: string }): ParamSpec<number> {
    const schema: Record<string, unknown> = { type: 'integer', default: options.default };
    if (options.minimum !== undefined) schema['minimum'] = options.minimum;
    if (options.maximum !== undefined) schema['maximum'] = options.maximum;
    return { schema: schema as ParamSpec<number>['schema'], description: options.description };
  },
  boolean(options: { default: boolean; description: string }): ParamSpec<boolean> {
    return { schema: { type: 'boolean', default: options.default }, description: options.description };
  },
  stringList(options: { default: readonly string[]; pattern?: string; description: string }): ParamSpec<readonly string[]> {
    const items: Record<string, unknown> = { type: 'string' };
    if (options.pattern !== undefined) items['pattern'] = options.pattern;
    return { schema: { type: 'array', items, default: options.default }, description: options.description };
  },
};

export function resolveParam<T extends Scalar | readonly Scalar[]>(name: string, value: T): Param<T> {
  return Object.freeze({ expr: ir.param(name, value), value });
}

/** A boolean parameter is true (evaluated where the target reads parameters at run time). */
export function enabled(flag: Param<boolean>): Pred {
  return ir.equals(flag.expr, ir.literal(true));
}
