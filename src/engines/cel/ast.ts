// Walking cel-js's parsed AST (the source form: macros stay calls with their written arguments).
import type { ASTNode } from '@marcbachmann/cel-js';

/** A node with its ancestors, innermost last. */
export interface VisitedNode {
  readonly node: ASTNode;
  readonly ancestors: readonly ASTNode[];
}

/** The direct sub-expressions of a node, in source order. */
export function childNodes(node: ASTNode): ASTNode[] {
  const args = node.args as unknown;
  switch (node.op) {
    case 'value':
    case 'id':
      return [];
    case '.':
    case '.?':
      return [(args as [ASTNode, string])[0]];
    case 'call':
      return [...(args as [string, ASTNode[]])[1]];
    case 'rcall': {
      const [, receiver, rest] = args as [string, ASTNode, ASTNode[]];
      return [receiver, ...rest];
    }
    case 'list':
      return [...(args as ASTNode[])];
    case 'map':
      return (args as [ASTNode, ASTNode][]).flatMap(([key, value]) => [key, value]);
    case '!_':
    case '-_':
      return [args as ASTNode];
    default:
      return Array.isArray(args) ? (args as unknown[]).filter(isNode) : [];
  }
}

function isNode(value: unknown): value is ASTNode {
  return typeof value === 'object' && value !== null && 'op' in value;
}

/** Every node of the tree, depth first, with its ancestors. Iterative: no stack overflow. */
export function* walk(root: ASTNode): Generator<VisitedNode> {
  const stack: { node: ASTNode; ancestors: ASTNode[] }[] = [{ node: root, ancestors: [] }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    yield entry;
    const children = childNodes(entry.node);
    const ancestors = [...entry.ancestors, entry.node];
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i]!, ancestors });
  }
}

/** The function name of a call or method call, else null. */
export function callName(node: ASTNode): string | null {
  if (node.op === 'call' || node.op === 'rcall') return (node.args as unknown as [string])[0];
  return null;
}

/** The written arguments of a call (for a method call, without the receiver). */
export function callArguments(node: ASTNode): ASTNode[] {
  if (node.op === 'call') return [...(node.args as [string, ASTNode[]])[1]];
  if (node.op === 'rcall') return [...(node.args as [string, ASTNode, ASTNode[]])[2]];
  return [];
}

/** A string literal's value, else null. */
export function stringLiteral(node: ASTNode | undefined): string | null {
  if (node && node.op === 'value' && typeof node.args === 'string') return node.args;
  return null;
}

/** 1-based line and column of an offset in a text. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let column = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      column = 1;
    } else {
      column++;
    }
  }
  return { line, column };
}
