import type { Collection, Pred, Scalar, ValueExpr } from '../../ir/nodes.ts';
import { OBJECT } from '../../ir/nodes.ts';
import { foldConstants, freeVariables, simplify } from '../../ir/transform.ts';
import type { ResolvedControl } from '../../build/model.ts';

/**
 * Gatekeeper Rego (v0 syntax, no imports, so every Gatekeeper 3.x accepts it): one `violation`
 * per rule, raised when its check does not hold. Fields are read with `object.get(…, null)`, so
 * an absent field is null rather than an undefined body, and no value the generated code computes
 * is ever undefined (no reliance on builtin errors); `or`, `not` and quantifiers become small
 * helper rules and functions named after the rule.
 */

const KEYWORDS = new Set(['as', 'contains', 'default', 'else', 'every', 'false', 'if', 'import', 'in', 'not', 'null', 'package', 'some', 'true', 'with']);

/** Maps IR variables to Rego variables in one body. */
type Env = ReadonlyMap<string, string>;

class RuleModule {
  readonly definitions: string[] = [];
  readonly uses = new Set<'kpc_list' | 'kpc_coalesce' | 'kpc_join' | 'kpc_lookup' | 'kpc_image_exempt'>();
  private helpers = 0;
  private readonly varNames = new Set<string>();

  constructor(readonly prefix: string) {}

  helperName(kind: string): string {
    return `${this.prefix}_${kind}_${++this.helpers}`;
  }

  /** A Rego variable for an IR variable, unique in the rule so sibling quantifiers never clash. */
  freshVar(irName: string): string {
    let name = regoIdentifier(irName);
    for (let i = 2; this.varNames.has(name); i++) name = `${regoIdentifier(irName)}${i}`;
    this.varNames.add(name);
    return name;
  }
}

export function regoModule(control: ResolvedControl, packageName: string): string {
  const violations: string[] = [];
  const helpers: string[] = [];
  const uses = new Set<string>();
  for (const rule of control.rules) {
    const name = regoIdentifier(rule.name);
    const module = new RuleModule(name);
    const body = compileBody(simplify(foldConstants(rule.check)), module, new Map());
    violations.push(`violation[{"msg": msg}] {`, `  not ${name}_holds`, `  msg := ${JSON.stringify(rule.message)}`, '}', '');
    helpers.push(`${name}_holds {`, ...indent(body), '}', '', ...module.definitions.flatMap((d) => [d, '']));
    for (const use of module.uses) uses.add(use);
  }
  const lines = [
    `package ${packageName}`,
    '',
    `# ${control.title} (kube-policy-compiler control ${control.id}), on Pods and on the pod`,
    '# templates of Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs and ReplicationControllers.',
    '',
    ...violations,
    ...helpers,
    '# The pod under review: a Pod itself, or the pod template of a workload.',
    'pod = input.review.object {',
    '  input.review.object.kind == "Pod"',
    '} else = object.get(input.review.object, ["spec", "jobTemplate", "spec", "template"], {}) {',
    '  input.review.object.kind == "CronJob"',
    '} else = object.get(input.review.object, ["spec", "template"], {}) {',
    '  true',
    '}',
  ];
  if (uses.has('kpc_list')) {
    lines.push('', '# A list field as a list: absent or null reads as empty.', 'kpc_list(value) = value {', '  is_array(value)', '} else = [] {', '  true', '}');
  }
  if (uses.has('kpc_join')) {
    lines.push('', '# The parts joined, or null when one is not a string.', 'kpc_join(parts) = concat("", parts) {', '  count([p | p := parts[_]; not is_string(p)]) == 0', '} else = null {', '  true', '}');
  }
  if (uses.has('kpc_lookup')) {
    lines.push('', '# map[key], or null when absent (or when map is not an object).', 'kpc_lookup(map, key) = object.get(map, key, null) {', '  is_object(map)', '  is_string(key)', '} else = null {', '  true', '}');
  }
  if (uses.has('kpc_image_exempt')) {
    lines.push(
      '',
      '# The image is exempt: equal to an entry, or starting with an entry\'s text before its trailing *.',
      'kpc_image_exempt(image, patterns) {',
      '  pattern := patterns[_]',
      '  not endswith(pattern, "*")',
      '  pattern == image',
      '}',
      '',
      'kpc_image_exempt(image, patterns) {',
      '  pattern := patterns[_]',
      '  endswith(pattern, "*")',
      '  is_string(image)',
      '  startswith(image, trim_suffix(pattern, "*"))',
      '}',
    );
  }
  if (uses.has('kpc_coalesce')) {
    lines.push('', '# The first value that is set.', 'kpc_coalesce(value, fallback) = value {', '  value != null', '} else = fallback {', '  true', '}');
  }
  return `${lines.join('\n')}\n`;
}

/** Body lines that all succeed exactly when the predicate holds. */
function compileBody(pred: Pred, module: RuleModule, env: Env): string[] {
  switch (pred.kind) {
    case 'const':
      return [pred.value ? 'true' : 'false'];
    case 'and':
      return pred.items.flatMap((item) => compileBody(item, module, env));
    case 'or': {
      const helper = defineHelper(pred, module, env, 'any_of');
      for (const item of pred.items) module.definitions.push(definition(helper.head, compileBody(item, module, helper.env)));
      return [helper.call];
    }
    case 'not': {
      // object.get(…, null) always has a value, so these negations need no helper.
      const item = pred.item;
      if (item.kind === 'isSet' && item.expr.kind === 'path') return [`${value(item.expr, module, env)} == null`];
      if (item.kind === 'equals' && item.expr.kind === 'path') return [`${value(item.expr, module, env)} != ${value(item.value, module, env)}`];
      const inner = compileBody(pred.item, module, env);
      if (inner.length === 1 && inner[0]!.startsWith('not ')) return [inner[0]!.slice('not '.length)];
      // A negated expression may not introduce variables (OPA safety): no `:=`, no `[_]`.
      if (inner.length === 1 && !inner[0]!.includes(':=') && !inner[0]!.includes('[_]')) return [`not ${inner[0]}`];
      return [`not ${holdsHelper(pred.item, module, env, 'holds')}`];
    }
    case 'any': {
      const variable = module.freshVar(pred.variable);
      const inner = new Map(env).set(pred.variable, variable);
      return [`${variable} := ${collection(pred.collection, module, env)}[_]`, ...compileBody(pred.body, module, inner)];
    }
    case 'all': {
      // all(x, B) holds when no element fails B.
      const failing: Pred = { kind: 'any', collection: pred.collection, variable: pred.variable, body: { kind: 'not', item: pred.body } };
      return [`not ${holdsHelper(failing, module, env, 'some_fails')}`];
    }
    case 'isSet':
      return [`${value(pred.expr, module, env)} != null`];
    case 'equals':
      return [`${value(pred.expr, module, env)} == ${value(pred.value, module, env)}`];
    case 'in':
      return [`${value(pred.values, module, env)}[_] == ${value(pred.expr, module, env)}`];
    case 'compare': {
      const v = value(pred.expr, module, env);
      return [`is_number(${v})`, `${v} ${pred.op} ${value(pred.value, module, env)}`];
    }
    case 'startsWith': {
      const v = value(pred.expr, module, env);
      return [`is_string(${v})`, `startswith(${v}, ${JSON.stringify(pred.prefix)})`];
    }
    case 'imagePatterns':
      module.uses.add('kpc_image_exempt');
      return [`kpc_image_exempt(${value(pred.expr, module, env)}, ${value(pred.patterns, module, env)})`];
    case 'matches': {
      const v = value(pred.expr, module, env);
      return [`is_string(${v})`, `regex.match(${JSON.stringify(pred.pattern)}, ${v})`];
    }
  }
}

/** Define a helper holding the predicate and return the call that tests it. */
function holdsHelper(pred: Pred, module: RuleModule, env: Env, kind: string): string {
  const helper = defineHelper(pred, module, env, kind);
  module.definitions.push(definition(helper.head, compileBody(pred, module, helper.env)));
  return helper.call;
}

/** A helper rule, or a function over the quantifier variables the predicate reads. */
function defineHelper(pred: Pred, module: RuleModule, env: Env, kind: string): { head: string; call: string; env: Env } {
  const args = [...freeVariables(pred)].filter((v) => v !== OBJECT && env.has(v)).sort();
  const name = module.helperName(kind);
  if (args.length === 0) return { head: name, call: name, env: new Map() };
  const params = args.map((a) => env.get(a)!);
  return { head: `${name}(${params.join(', ')})`, call: `${name}(${params.join(', ')})`, env: new Map(args.map((a, i) => [a, params[i]!])) };
}

function definition(head: string, body: readonly string[]): string {
  return [`${head} {`, ...indent(body), '}'].join('\n');
}

function value(expr: ValueExpr, module: RuleModule, env: Env): string {
  switch (expr.kind) {
    case 'literal':
      return literal(expr.value);
    case 'param':
      return `input.parameters.${expr.name}`;
    case 'path': {
      const base = expr.root === OBJECT ? 'pod' : env.get(expr.root);
      if (!base) throw new Error(`Rego backend: unbound variable ${expr.root}`);
      return expr.path.length === 0 ? base : `object.get(${base}, ${literal(expr.path)}, null)`;
    }
    case 'coalesce':
      module.uses.add('kpc_coalesce');
      return expr.items.reduceRight((fallback, item) => `kpc_coalesce(${value(item, module, env)}, ${fallback})`, 'null');
    case 'concat':
      module.uses.add('kpc_join');
      return `kpc_join([${expr.items.map((item) => value(item, module, env)).join(', ')}])`;
    case 'lookup':
      module.uses.add('kpc_lookup');
      return `kpc_lookup(${value(expr.map, module, env)}, ${value(expr.key, module, env)})`;
  }
}

/** A term for the list a quantifier ranges over. */
function collection(c: Collection, module: RuleModule, env: Env): string {
  const parts = c.sources.map((source) => {
    const v = value(source.expr, module, env);
    if (source.as === 'elements') {
      module.uses.add('kpc_list');
      return `kpc_list(${v})`;
    }
    if (source.as === 'value') return `[kpc_x | kpc_x := [${v}][_]; kpc_x != null]`;
    return `[{"key": kpc_k, "value": kpc_v} | kpc_v := ${v}[kpc_k]]`;
  });
  return parts.reduce((acc, part) => `array.concat(${acc}, ${part})`);
}

function regoIdentifier(name: string): string {
  const id = name.replace(/[^A-Za-z0-9_]/g, '_');
  return KEYWORDS.has(id) ? `${id}_` : id;
}

function literal(value: Scalar | readonly Scalar[] | readonly string[]): string {
  return JSON.stringify(value);
}

function indent(lines: readonly string[]): string[] {
  return lines.flatMap((line) => line.split('\n')).map((line) => `  ${line}`);
}
