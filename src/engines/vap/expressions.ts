/**
 * Which root variables an expression may use. The shared CEL environment declares every admission
 * variable everywhere; the apiserver declares `params` only when the policy has a paramKind,
 * `authorizer` everywhere but in messageExpressions, and `variables` nowhere in matchConditions
 * (they are compiled without composition). A reference to an undeclared one is the compile error
 * cel-go reports, found here by walking the expression's free identifiers.
 */
import type { ASTNode } from '@marcbachmann/cel-js';
import { CelCompileError, type CelProgram } from '../cel/index.ts';

// Macros whose first argument names an iteration variable bound in the remaining arguments.
const BINDING_MACROS = new Set(['all', 'exists', 'exists_one', 'existsOne', 'map', 'filter', 'sortBy']);

/** The first reference to `name` as a free (not macro-bound) identifier, or null. */
export function freeReference(ast: ASTNode, name: string): ASTNode | null {
  const stack: { node: ASTNode; bound: ReadonlySet<string> }[] = [{ node: ast, bound: new Set() }];
  while (stack.length > 0) {
    const { node, bound } = stack.pop()!;
    const args = node.args as unknown;
    switch (node.op) {
      case 'id':
        if (args === name && !bound.has(name)) return node;
        break;
      case 'value':
        break;
      case '.':
      case '.?':
        stack.push({ node: (args as [ASTNode, string])[0], bound });
        break;
      case 'call':
        for (const arg of (args as [string, ASTNode[]])[1]) stack.push({ node: arg, bound });
        break;
      case 'rcall': {
        const [method, receiver, rest] = args as [string, ASTNode, ASTNode[]];
        stack.push({ node: receiver, bound });
        const variable = rest[0];
        if (BINDING_MACROS.has(method) && rest.length >= 2 && variable?.op === 'id' && typeof variable.args === 'string') {
          const inner = new Set(bound).add(variable.args);
          for (const arg of rest.slice(1)) stack.push({ node: arg, bound: inner });
        } else {
          for (const arg of rest) stack.push({ node: arg, bound });
        }
        break;
      }
      case 'list':
        for (const item of args as ASTNode[]) stack.push({ node: item, bound });
        break;
      case 'map':
        for (const [key, value] of args as [ASTNode, ASTNode][]) stack.push({ node: key, bound }, { node: value, bound });
        break;
      default:
        if (isNode(args)) stack.push({ node: args, bound });
        else if (Array.isArray(args)) for (const arg of args) if (isNode(arg)) stack.push({ node: arg, bound });
    }
  }
  return null;
}

function isNode(value: unknown): value is ASTNode {
  return typeof value === 'object' && value !== null && 'op' in value;
}

/** The compile error cel-go gives for an undeclared root variable, or null when none is used. */
export function undeclaredReference(program: CelProgram, undeclared: readonly string[]): CelCompileError | null {
  for (const name of undeclared) {
    const node = freeReference(program.ast, name);
    if (node) {
      const located = node as unknown as { pos?: number; range?: { start?: number } };
      const offset = located.pos ?? located.range?.start;
      return new CelCompileError(program.expression, `undeclared reference to '${name}' (in container '')`, typeof offset === 'number' ? offset : undefined);
    }
  }
  return null;
}
