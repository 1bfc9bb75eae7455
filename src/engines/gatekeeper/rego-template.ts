/**
 * A template's Rego as the constraint framework prepares it (frameworks:constraint/pkg/client/
 * drivers/rego/compilers.go, regorewriter/regorewriter.go): the main module must define
 * `violation` and is moved to package `template`; each lib must sit strictly under `data.lib`;
 * imports may only name `data.lib…` or `future…`; data references may only reach `data.lib…` and
 * the extern `data.inventory`. Then the hook module below runs it once per constraint.
 *
 * Gatekeeper also re-roots libs under `data.libs`; since every reference to a lib must go
 * through `data.lib` and nothing else lives there, keeping them in place is equivalent.
 */
import { parseModule } from '../rego/syntax/parser.ts';
import type { Body, Expr, Module, Rule, Term } from '../rego/syntax/ast.ts';
import { CompileProblem, formatDetail, RegoCompileError } from '../rego/errors.ts';
import { GatekeeperError } from './errors.ts';
import type { Origin } from './template.ts';
import { isJsonObject, type JsonValue } from './values.ts';

/** frameworks drivers/rego/rego.go hookModuleRego, verbatim. */
export const HOOK_MODULE = `package hooks

# Determine if the object under review violates any passed Constraints.
violation[response] {
  # Iterate over all keys to Constraints in storage.
  key := input.constraints[_]
  # Construct the input object from the Constraint and temporary object in storage.
  # Silently exits if the Constraint no longer exists.
  # Note: input.review already contains namespaceObject if available (set by driver).
  inp := {
    "review": input.review,
    "parameters": data.constraints[key.kind][key.name],
  }
  # Run the Template with Constraint.
  data.template.violation[r] with input as inp
  # Construct the response, defaulting "details" to empty object if it is not
  # specified.
  response := {
    "key": key,
    "details": object.get(r, "details", {}),
    "msg": r.msg,
  }
}
`;

export type RegoVersion = 'v0' | 'v1';

/** The Rego source of a template's Rego code entry (rego/schema GetSource). */
export interface RegoSource {
  readonly rego: string;
  readonly libs: readonly string[];
  readonly version: RegoVersion;
}

/** A module ready to compile: file name (as OPA names it in errors), text and syntax version. */
export interface PreparedModule {
  readonly path: string;
  readonly source: string;
  readonly version: RegoVersion;
}

/** schema.GetSource: `rego` (required string), `version` ("v1" or else v0), `libs` ([]string). */
export function regoSource(raw: JsonValue, origin: Origin): RegoSource {
  const fail = (message: string) => new GatekeeperError('invalid-template', message, origin);
  if (raw === null || raw === undefined) throw fail('rego source missing required field: source');
  if (!isJsonObject(raw)) throw fail('could not recognize the type');
  const rego = raw['rego'];
  if (rego === undefined) throw fail('rego source missing required field: rego');
  if (typeof rego !== 'string') throw fail(`.rego accessor error: ${String(rego)} is of the type ${typeof rego}, expected string: while extracting Rego source`);
  const version = raw['version'];
  if (version !== undefined && version !== null && typeof version !== 'string') throw fail('.version accessor error: expected string: while extracting Rego version');
  const libsRaw = raw['libs'];
  let libs: string[] = [];
  if (libsRaw !== undefined && libsRaw !== null) {
    if (!Array.isArray(libsRaw) || libsRaw.some((lib) => typeof lib !== 'string')) throw fail('.libs accessor error: expected []string: while extracting Rego libs');
    libs = libsRaw as string[];
  }
  // "v1" selects Rego v1; "v0", empty and any other value mean v0 (compilers.go).
  return { rego, libs, version: version === 'v1' ? 'v1' : 'v0' };
}

/**
 * Parses and checks the template's modules as parseConstraintTemplateTarget does, and returns the
 * modules to compile (the main module moved to package `template`). Throws GatekeeperError.
 */
export function prepareTemplateModules(source: RegoSource, origin: Origin): PreparedModule[] {
  const invalid = (message: string) => new GatekeeperError('invalid-template', `invalid ConstraintTemplate: ${message}`, origin);
  const main = parse('template', source.rego, source.version, invalid);
  if (!main.rules.some((rule) => rule.head.path.length === 1 && rule.head.path[0] === 'violation')) {
    throw invalid('invalid rego: invalid module: missing required rules: [violation]');
  }
  const libs = source.libs.map((lib, i) => parse(`libs["lib_${i}"]`, lib, source.version, invalid));

  // regorewriter.checkSources: lib packages, imports, data references.
  for (const lib of libs) {
    const pkg = ['data', ...lib.packagePath];
    if (!(pkg.length > 2 && pkg[1] === 'lib')) throw invalid(`invalid lib prefix: path ${refText(pkg)} not found in lib prefixes`);
  }
  for (const module of [...libs, main]) {
    for (const imp of module.imports) {
      const path = imp.path;
      if (path[0] === 'input') throw invalid(`invalid import: cannot import input: ${JSON.stringify(refText(path))}`);
      if (path[0] === 'data' && path[1] === 'lib') continue;
      if (path[0] === 'future') continue;
      throw invalid(`invalid import: bad import: ${JSON.stringify(refText(path))}`);
    }
  }
  for (const module of [...libs, main]) {
    const bad: string[] = [];
    for (const rule of module.rules) walkRule(rule, (ref) => {
      const text = dataRefAllowed(ref);
      if (text !== null) bad.push(`disallowed ref ${text}`);
    });
    if (bad.length > 0) throw invalid(`invalid data references: check refs failed on module ${module.file}: ${bad.join(', ')}`);
  }
  return [
    // Locations in compile errors name the module as it was parsed: "template", libs["lib_<i>"].
    { path: 'template', source: movePackage(source.rego, main, invalid), version: source.version },
    ...source.libs.map((lib, i) => ({ path: `libs["lib_${i}"]`, source: lib, version: source.version })),
  ];
}

function parse(file: string, text: string, version: RegoVersion, invalid: (message: string) => Error): Module {
  try {
    return parseModule(file, text, version);
  } catch (error) {
    // ast.Errors text: "1 error occurred: <file>:<row>: rego_parse_error: …"
    if (error instanceof CompileProblem) throw withRegoLocation(invalid(`1 error occurred: ${formatDetail(error.detail)}`), error.detail.location);
    if (error instanceof RegoCompileError) throw withRegoLocation(invalid(error.message), error.errors[0]?.location);
    throw error;
  }
}

/** A GatekeeperError that also says where in the Rego source (module, line, column) it points. */
export class RegoTemplateError extends GatekeeperError {
  constructor(
    base: GatekeeperError,
    readonly regoLocation: { readonly module: string; readonly line: number; readonly column: number } | undefined,
  ) {
    super(base.code, base.message, { file: base.file, line: base.line });
    this.name = 'RegoTemplateError';
  }
}

export function withRegoLocation(error: Error, location: { file: string; line: number; column: number } | undefined): RegoTemplateError {
  const base = error instanceof GatekeeperError ? error : new GatekeeperError('invalid-template', error.message);
  return new RegoTemplateError(base, location ? { module: location.file, line: location.line, column: location.column } : undefined);
}

/**
 * The main module's package clause replaced by `package template` (rewriteModulePackage), keeping
 * every other character so line numbers are unchanged.
 */
function movePackage(text: string, module: Module, invalid: (message: string) => Error): string {
  const match = /^((?:\s|#[^\n]*\n)*)package([ \t]+)([^\s#;]+)/.exec(text);
  if (!match || match[3] !== module.packagePath.join('.')) {
    throw invalid(`unsupported: cannot relocate package ${refText(['data', ...module.packagePath])} of the template module`);
  }
  return `${match[1]}package${match[2]}template${text.slice(match[0].length)}`;
}

/** regorewriter.checkRef: null when allowed, else the ref's text. */
function dataRefAllowed(ref: Term & { type: 'ref' }): string | null {
  if (ref.head.type !== 'var' || ref.head.name !== 'data') return null;
  const first = ref.path[0];
  const firstKey = first && first.type === 'scalar' && typeof first.value === 'string' ? first.value : undefined;
  if (firstKey === 'inventory' || firstKey === 'lib') return null;
  return termText(ref);
}

function walkRule(rule: Rule, visit: (ref: Term & { type: 'ref' }) => void): void {
  const head = rule.head;
  for (const term of [...(head.args ?? []), head.key, head.value]) if (term) walkTerm(term, visit);
  walkBody(rule.body, visit);
  for (const elseRule of rule.elseRules) walkRule(elseRule, visit);
}

function walkBody(body: Body, visit: (ref: Term & { type: 'ref' }) => void): void {
  for (const expr of body) walkExpr(expr, visit);
}

function walkExpr(expr: Expr, visit: (ref: Term & { type: 'ref' }) => void): void {
  const kind = expr.kind;
  switch (kind.type) {
    case 'term':
      walkTerm(kind.term, visit);
      break;
    case 'unify':
    case 'assign':
      walkTerm(kind.left, visit);
      walkTerm(kind.right, visit);
      break;
    case 'some':
      for (const v of kind.vars) walkTerm(v, visit);
      break;
    case 'somein':
      if (kind.key) walkTerm(kind.key, visit);
      walkTerm(kind.value, visit);
      walkTerm(kind.domain, visit);
      break;
    case 'every':
      if (kind.key) walkTerm(kind.key, visit);
      walkTerm(kind.value, visit);
      walkTerm(kind.domain, visit);
      walkBody(kind.body, visit);
      break;
  }
  for (const w of expr.with) {
    walkTerm(w.target, visit);
    walkTerm(w.value, visit);
  }
}

function walkTerm(term: Term, visit: (ref: Term & { type: 'ref' }) => void): void {
  switch (term.type) {
    case 'ref':
      visit(term);
      walkTerm(term.head, visit);
      for (const part of term.path) walkTerm(part, visit);
      break;
    case 'array':
    case 'set':
      for (const item of term.items) walkTerm(item, visit);
      break;
    case 'object':
      for (const [k, v] of term.pairs) {
        walkTerm(k, visit);
        walkTerm(v, visit);
      }
      break;
    case 'call':
      walkTerm(term.operator, visit);
      for (const arg of term.args) walkTerm(arg, visit);
      break;
    case 'arraycomp':
    case 'setcomp':
      walkTerm(term.term, visit);
      walkBody(term.body, visit);
      break;
    case 'objectcomp':
      walkTerm(term.key, visit);
      walkTerm(term.value, visit);
      walkBody(term.body, visit);
      break;
    default:
      break;
  }
}

function refText(path: readonly string[]): string {
  return path.map((part, i) => (i === 0 ? part : /^[A-Za-z_][A-Za-z0-9_]*$/.test(part) ? `.${part}` : `[${JSON.stringify(part)}]`)).join('');
}

function termText(term: Term): string {
  switch (term.type) {
    case 'var':
      return term.name;
    case 'scalar':
      return typeof term.value === 'string' ? JSON.stringify(term.value) : String(term.value);
    case 'ref':
      return (
        termText(term.head) +
        term.path
          .map((part) => (part.type === 'scalar' && typeof part.value === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(part.value) ? `.${part.value}` : `[${termText(part)}]`))
          .join('')
      );
    default:
      return `<${term.type}>`;
  }
}
