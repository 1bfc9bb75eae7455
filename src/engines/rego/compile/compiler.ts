/**
 * Compile a set of modules (OPA's ast.Compiler, the stages that change meaning): parse, build the
 * rule tree under `data`, resolve names, reorder bodies for safety, check rule kinds, defaults,
 * function arity and recursion. Errors are collected (at most 10, as OPA) and thrown together.
 */
import { CompileProblem, RegoCompileError, type Location, type RegoErrorDetail } from '../errors.ts';
import { DataNode, type CExpr, type CQuery, type CRule, type CTerm, type RuleSet } from '../ir.ts';
import type { Body, Module, Rule } from '../syntax/ast.ts';
import { parseModule, type RegoVersion } from '../syntax/parser.ts';
import { Resolver, generatedVar, type Global } from './resolve.ts';
import { reorderBody, reorderTermClosures, termVars } from './safety.ts';
import { Scope, SlotAllocator } from './scope.ts';

const MAX_ERRORS = 10;

export interface ModuleSource {
  readonly path: string;
  readonly source: string;
  readonly regoVersion?: RegoVersion;
}

export interface CompiledModules {
  readonly root: DataNode;
  readonly modules: readonly Module[];
}

function throwIfProblems(problems: readonly CompileProblem[]): void {
  if (problems.length === 0) return;
  const details: RegoErrorDetail[] = problems.slice(0, MAX_ERRORS).map((p) => p.detail);
  if (problems.length > MAX_ERRORS) details.push({ code: 'rego_compile_error', message: 'error limit reached' });
  throw new RegoCompileError(details);
}

export function compileModuleSources(sources: readonly ModuleSource[], defaultVersion: RegoVersion = 'v0'): CompiledModules {
  const problems: CompileProblem[] = [];
  const modules: Module[] = [];
  for (const src of sources) {
    try {
      modules.push(parseModule(src.path, src.source, src.regoVersion ?? defaultVersion));
    } catch (e) {
      if (e instanceof CompileProblem) problems.push(e);
      else if (e instanceof RangeError) problems.push(new CompileProblem('rego_parse_error', 'input nested too deeply', { file: src.path, line: 1, column: 1 }));
      else throw e;
    }
  }
  throwIfProblems(problems);
  return compileParsed(modules);
}

const pathText = (path: readonly string[]) => 'data.' + path.join('.');

export function compileParsed(modules: readonly Module[]): CompiledModules {
  const problems: CompileProblem[] = [];
  const root = new DataNode();

  // 1. rule tree
  const byPackage = new Map<string, Module[]>();
  for (const m of modules) {
    const key = m.packagePath.join('.');
    byPackage.set(key, [...(byPackage.get(key) ?? []), m]);
    for (const rule of m.rules) {
      const full = [...m.packagePath, ...rule.head.path];
      const node = root.find(full) ?? createPath(root, full);
      const arity = rule.head.args?.length ?? 0;
      let rs = node.ruleSet;
      if (!rs) {
        rs = { path: full, kind: rule.head.kind, arity, rules: [], defaultRule: undefined, loc: rule.head.loc };
        node.ruleSet = rs;
      } else if (rs.kind !== rule.head.kind || rs.arity !== arity) {
        const kinds = new Set([rs.kind, rule.head.kind]);
        const partialMix = kinds.has('partialset') && kinds.has('partialobject');
        if (!partialMix || rs.kind !== rule.head.kind) problems.push(new CompileProblem('rego_type_error', `conflicting rules ${pathText(full)} found`, rule.head.loc));
      }
      if (rule.isDefault && rs.defaultRule === undefined) {
        // placeholder until compiled; detect duplicates now
        (rs as { defaultRule: CRule | undefined }).defaultRule = { isDefault: true } as CRule;
      } else if (rule.isDefault) {
        problems.push(new CompileProblem('rego_type_error', `multiple default rules ${pathText(full)} found`, rule.head.loc));
      }
    }
  }
  checkTreeConflicts(root, [], problems);

  const functionArity = (path: readonly string[]): number | undefined | 'not-function' => {
    const node = root.find(path);
    if (!node) return undefined;
    if (!node.ruleSet) return node.children.size > 0 ? 'not-function' : undefined;
    return node.ruleSet.kind === 'function' ? node.ruleSet.arity : 'not-function';
  };

  // 2. compile each rule
  for (const m of modules) {
    const globals = globalsOf(m, byPackage.get(m.packagePath.join('.')) ?? [m]);
    for (const rule of m.rules) {
      const full = [...m.packagePath, ...rule.head.path];
      const rs = root.find(full)!.ruleSet!;
      const compiled = compileRule(rule, globals, problems, functionArity);
      if (rule.isDefault) rs.defaultRule = compiled;
      else rs.rules.push(compiled);
      if (problems.length > MAX_ERRORS) throwIfProblems(problems);
    }
  }
  // a default placeholder left means its rule failed to compile; problems were recorded
  throwIfProblems(problems);

  // 3. recursion
  checkRecursion(root, problems);
  throwIfProblems(problems);
  return { root, modules };
}

function createPath(root: DataNode, path: readonly string[]): DataNode {
  let n = root;
  for (const p of path) n = n.child(p);
  return n;
}

function checkTreeConflicts(node: DataNode, path: string[], problems: CompileProblem[]): void {
  if (node.ruleSet && node.children.size > 0) {
    problems.push(new CompileProblem('rego_type_error', `rule ${pathText(path)} conflicts with other rules or packages under it`, node.ruleSet.loc));
  }
  for (const [k, c] of node.children) checkTreeConflicts(c, [...path, k], problems);
}

function globalsOf(m: Module, samePackage: readonly Module[]): Map<string, Global> {
  const globals = new Map<string, Global>();
  for (const mod of samePackage) {
    for (const r of mod.rules) {
      const name = r.head.path[0]!;
      globals.set(name, { root: 'data', path: [...m.packagePath, name] });
    }
  }
  for (const imp of m.imports) {
    const [root, ...rest] = imp.path;
    if (root !== 'data' && root !== 'input') continue;
    const name = imp.alias ?? (rest.length > 0 ? rest[rest.length - 1]! : root);
    globals.set(name, { root, path: rest });
  }
  return globals;
}

function compileRule(
  rule: Rule,
  globals: Map<string, Global>,
  problems: CompileProblem[],
  functionArity: (path: readonly string[]) => number | undefined | 'not-function',
): CRule {
  const alloc = new SlotAllocator();
  const scope = new Scope(alloc, undefined);
  const resolver = new Resolver({ globals, problems, functionArity });
  const head = rule.head;
  for (const a of head.args ?? []) {
    for (const v of argVarNames(a)) {
      scope.declared.add(v);
      if (!scope.vars.has(v)) scope.add(v);
    }
  }
  resolver.declareBody(rule.body, scope);
  resolver.collectPlain(rule.body, scope);
  const body = resolver.body(rule.body, scope);
  const args = head.args?.map((a) => resolver.term(a, scope));
  // RewriteRefsInHead / rewriteExprTermsInHead: a head key or value that needs evaluation (refs,
  // calls, comprehensions) becomes `__localN__ = <term>` at the end of the body.
  const moveToBody = (t: CTerm | undefined): CTerm | undefined => {
    if (!t || !requiresEval(t)) return t;
    const v = generatedVar(scope);
    body.push({ e: { k: 'unify', a: v, b: t }, negated: false, with: [], loc: head.loc });
    return v;
  };
  const key = moveToBody(head.key ? resolver.term(head.key, scope) : undefined);
  const value = moveToBody(head.value ? resolver.term(head.value, scope) : undefined);
  const ctx = { alloc, problems, closureScopes: resolver.closureScopes };
  const argSlots = new Set<number>();
  for (const a of args ?? []) termVars(a, argSlots);
  const bound = reorderBody(body, argSlots, scope, ctx);
  for (const t of [key, value]) {
    if (!t) continue;
    for (const v of termVars(t)) {
      if (!bound.has(v)) {
        const name = alloc.names[v]!;
        problems.push(new CompileProblem('rego_unsafe_var_error', `var ${name.startsWith('$') ? '_' : name} is unsafe`, head.loc));
      }
    }
    reorderTermClosures(t, bound, scope, ctx, head.loc);
  }
  if (rule.isDefault && value && termVars(value).size > 0) {
    problems.push(new CompileProblem('rego_type_error', `default rule value cannot contain var`, head.loc));
  }
  const elseRules = rule.elseRules.map((r) => compileRule(r, globals, problems, functionArity));
  return { kind: head.kind, args, key, value, body, nslots: alloc.size, elseRules, isDefault: rule.isDefault, loc: rule.loc };
}

function argVarNames(t: import('../syntax/ast.ts').Term): string[] {
  const out: string[] = [];
  const visit = (x: import('../syntax/ast.ts').Term): void => {
    if (x.type === 'var') out.push(x.name);
    else if (x.type === 'array' || x.type === 'set') x.items.forEach(visit);
    else if (x.type === 'object') x.pairs.forEach(([, v]) => visit(v));
  };
  visit(t);
  return out;
}

export function compileQuery(body: Body, root: DataNode): CQuery {
  const problems: CompileProblem[] = [];
  const alloc = new SlotAllocator();
  const scope = new Scope(alloc, undefined);
  const functionArity = (path: readonly string[]): number | undefined | 'not-function' => {
    const node = root.find(path);
    if (!node) return undefined;
    if (!node.ruleSet) return node.children.size > 0 ? 'not-function' : undefined;
    return node.ruleSet.kind === 'function' ? node.ruleSet.arity : 'not-function';
  };
  const resolver = new Resolver({ globals: new Map(), problems, functionArity });
  resolver.declareBody(body, scope);
  resolver.collectPlain(body, scope);
  const cbody = resolver.body(body, scope);
  reorderBody(cbody, new Set(), scope, { alloc, problems, closureScopes: resolver.closureScopes });
  throwIfProblems(problems);
  const vars = [...scope.vars].filter(([name]) => !name.startsWith('$')).map(([name, slot]) => ({ name, slot }));
  return { body: cbody, nslots: alloc.size, vars };
}

// ---- recursion (rego_recursion_error) ----

function checkRecursion(root: DataNode, problems: CompileProblem[]): void {
  const all: RuleSet[] = [];
  const collect = (n: DataNode) => {
    if (n.ruleSet) all.push(n.ruleSet);
    for (const c of n.children.values()) collect(c);
  };
  collect(root);
  const deps = new Map<RuleSet, Set<RuleSet>>();
  for (const rs of all) {
    const out = new Set<RuleSet>();
    const rules = [...rs.rules, ...(rs.defaultRule ? [rs.defaultRule] : [])];
    const visitRule = (r: CRule) => {
      const terms: CTerm[] = [];
      for (const t of [r.key, r.value, ...(r.args ?? [])]) if (t) terms.push(t);
      for (const t of terms) termDeps(t, root, out);
      bodyDeps(r.body, root, out);
      r.elseRules.forEach(visitRule);
    };
    rules.forEach(visitRule);
    deps.set(rs, out);
  }
  const state = new Map<RuleSet, 1 | 2>();
  const stack: RuleSet[] = [];
  const reported = new Set<RuleSet>();
  const dfs = (rs: RuleSet): void => {
    state.set(rs, 1);
    stack.push(rs);
    for (const d of deps.get(rs) ?? []) {
      const st = state.get(d);
      if (st === 1) {
        const cycle = stack.slice(stack.indexOf(d));
        if (!reported.has(d)) {
          reported.add(d);
          const text = [...cycle, d].map((x) => pathText(x.path)).join(' -> ');
          problems.push(new CompileProblem('rego_recursion_error', `rule ${pathText(d.path)} is recursive: ${text}`, d.loc));
        }
      } else if (st === undefined) dfs(d);
    }
    stack.pop();
    state.set(rs, 2);
  };
  for (const rs of all) if (!state.has(rs)) dfs(rs);
}

function bodyDeps(body: readonly CExpr[], root: DataNode, out: Set<RuleSet>): void {
  for (const e of body) {
    const k = e.e;
    switch (k.k) {
      case 'term':
        termDeps(k.t, root, out);
        break;
      case 'unify':
        termDeps(k.a, root, out);
        termDeps(k.b, root, out);
        break;
      case 'somein':
        if (k.key) termDeps(k.key, root, out);
        termDeps(k.value, root, out);
        termDeps(k.domain, root, out);
        break;
      case 'every':
        termDeps(k.domain, root, out);
        bodyDeps(k.body, root, out);
        break;
    }
    for (const w of e.with) termDeps(w.value, root, out);
  }
}

function termDeps(t: CTerm, root: DataNode, out: Set<RuleSet>): void {
  switch (t.k) {
    case 'ref': {
      if (t.head.k !== 'data' && t.head.k !== 'input') termDeps(t.head, root, out);
      t.path.forEach((p) => termDeps(p, root, out));
      if (t.head.k !== 'data') return;
      let node: DataNode | undefined = root;
      for (const p of t.path) {
        if (node.ruleSet) break;
        if (p.k === 'const' && typeof p.v === 'string') {
          node = node.children.get(p.v);
          if (!node) return;
        } else break;
      }
      addAllUnder(node, out);
      return;
    }
    case 'data':
      addAllUnder(root, out);
      return;
    case 'array':
    case 'set':
      t.items.forEach((i) => termDeps(i, root, out));
      return;
    case 'object':
      t.keys.forEach((k) => termDeps(k, root, out));
      t.values.forEach((v) => termDeps(v, root, out));
      return;
    case 'call':
      t.args.forEach((a) => termDeps(a, root, out));
      if (t.fn.kind === 'user') {
        const rs = root.find(t.fn.path)?.ruleSet;
        if (rs) out.add(rs);
      }
      return;
    case 'arraycomp':
    case 'setcomp':
      termDeps(t.term, root, out);
      bodyDeps(t.body, root, out);
      return;
    case 'objectcomp':
      termDeps(t.key, root, out);
      termDeps(t.value, root, out);
      bodyDeps(t.body, root, out);
      return;
    default:
      return;
  }
}

function addAllUnder(node: DataNode, out: Set<RuleSet>): void {
  if (node.ruleSet) out.add(node.ruleSet);
  for (const c of node.children.values()) addAllUnder(c, out);
}

export type { Location };

/** OPA's requiresEval: the term contains a ref, a call or a comprehension. */
function requiresEval(t: CTerm): boolean {
  switch (t.k) {
    case 'const':
    case 'var':
      return false;
    case 'array':
    case 'set':
      return t.items.some(requiresEval);
    case 'object':
      return t.keys.some(requiresEval) || t.values.some(requiresEval);
    default:
      return true;
  }
}
