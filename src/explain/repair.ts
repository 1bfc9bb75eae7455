import type { Collection, Pred, Scalar, ValueExpr } from '../ir/nodes.ts';
import { OBJECT } from '../ir/nodes.ts';
import { holdsIn, value as valueOf, type BindingDomain } from '../ir/evaluate.ts';

/**
 * Why a check fails on a pod, and the smallest edit that makes it hold — derived from the IR, so a
 * new control gets explanations and fixes without code of its own.
 *
 * Each predicate node answers "what edits make me hold (or not hold)?" with alternatives, each a
 * list of edits with a cost; `or` takes the cheapest alternative, `and` and `all` combine theirs,
 * `any` repairs an element or adds one. Values come from the predicate (equals, compare, a short
 * allow-list) or, for a field that merely has to be set, from a small table of safe defaults; when
 * no value can be derived (a regex, a prefix) the finding asks for a manual change.
 *
 * Costs encode what a developer would call the minimal fix: setting or removing one field is
 * cheap; picking from a long allow-list, removing a whole container-like element or leaving the
 * change to a person is expensive; a change to a field that selects what the check means (the
 * pod's OS, its user namespace) is never proposed when anything else works.
 */

export type PathSegment = string | number;
export type FieldPath = readonly PathSegment[];

export type Edit =
  | { readonly op: 'set'; readonly path: FieldPath; readonly value: unknown; readonly placeholder?: boolean }
  | { readonly op: 'remove'; readonly path: FieldPath }
  | { readonly op: 'append'; readonly path: FieldPath; readonly value: unknown };

/** What is wrong where, and the edits that fix it (none: a person has to change `path`). */
export interface Finding {
  /** The offending field, from the pod (for a workload: its pod template). */
  readonly path: FieldPath;
  /** Its value (undefined when unset). */
  readonly actual: unknown;
  readonly edits: readonly Edit[];
  /** Without edits: what the field must become, in words. */
  readonly manual?: string;
}

/** One way to make a predicate hold: findings, each with its cost (shared findings count once). */
interface Alternative {
  readonly findings: readonly Costed[];
}

interface Costed {
  readonly finding: Finding;
  readonly cost: number;
}

const costOf = (a: Alternative): number => a.findings.reduce((n, f) => n + f.cost, 0);
const HOLDS: Alternative = { findings: [] };

const COST = {
  edit: 1,
  emptyString: 2,
  choice: 2,
  longChoice: 8,
  fill: 2,
  removeScalarElement: 1,
  removeEntry: 2,
  removeObjectElement: 6,
  manual: 100,
  frozen: 1000,
} as const;

/** Allow-lists longer than this are not a choice but a guess (a sysctl name, a SELinux type). */
const SHORT_CHOICE = 3;

/** Fields whose value changes what a check means: never the fix while anything else works. */
const FROZEN_FIELDS: readonly FieldPath[] = [
  ['spec', 'os', 'name'],
  ['spec', 'hostUsers'],
  ['metadata', 'name'],
];

/** Values for a field that only has to be set, by its name: safe defaults a developer should review. */
const FILL_VALUES: Readonly<Record<string, unknown>> = {
  cpu: '100m',
  memory: '128Mi',
  'ephemeral-storage': '1Gi',
  seccompProfile: { type: 'RuntimeDefault' },
  appArmorProfile: { type: 'RuntimeDefault' },
};

/** A value in the pod and where it lives (null: computed, or a parameter — not a field to edit). */
interface Located {
  readonly value: unknown;
  readonly path: FieldPath | null;
  /** The entry of a map a quantifier variable is bound to: its key can only go with its entry. */
  readonly entryOf?: FieldPath;
}

type Env = ReadonlyMap<string, Located>;

/** The findings that make `check` hold on `pod`, or [] when it already holds. */
export function repairCheck(check: Pred, pod: unknown): Finding[] {
  const env: Env = new Map([[OBJECT, { value: pod, path: [] }]]);
  if (holds(check, env)) return [];
  const best = repair(check, env, true)[0];
  return best ? best.findings.map((f) => f.finding) : [{ path: [], actual: undefined, edits: [], manual: 'no change of the pod makes this check hold' }];
}

/**
 * Alternatives, cheapest first. Each one offered is checked: its edits, applied to the pod, make the
 * predicate hold (or not) — a repair of one part that breaks another is dropped. Manual findings
 * (no edit) and edits of an element still to be added cannot be checked here and pass through.
 */
function repair(pred: Pred, env: Env, want: boolean): Alternative[] {
  if (holds(pred, env) === want) return [HOLDS];
  return candidates(pred, env, want).filter((a) => {
    const edits = a.findings.flatMap((f) => f.finding.edits);
    if (a.findings.some((f) => f.finding.edits.length === 0) || edits.some((e) => e.path.includes('<new>'))) return true;
    return holds(pred, applyToEnv(env, a.findings)) === want;
  });
}

function candidates(pred: Pred, env: Env, want: boolean): Alternative[] {
  switch (pred.kind) {
    case 'const':
      return [];
    case 'not':
      return repair(pred.item, env, !want);
    case 'and':
    case 'or': {
      const conjunction = (pred.kind === 'and') === want;
      if (conjunction) return combine(env, pred.items.map((item) => (current: Env) => repair(item, current, want)));
      return sortAlternatives(pred.items.flatMap((item) => repair(item, env, want).slice(0, 1)));
    }
    case 'all':
    case 'any':
      return repairQuantifier(pred, env, want);
    default:
      return repairLeaf(pred, env, want);
  }
}

/**
 * Every part must hold: the cheapest alternative of each, in order, each judged on the pod as the
 * previous ones left it (a UID range first raised to its minimum already satisfies its maximum; a
 * pod-level field set for one container already covers the next).
 */
function combine(env: Env, parts: readonly ((env: Env) => Alternative[])[]): Alternative[] {
  const findings: Costed[] = [];
  let current = env;
  for (const part of parts) {
    const best = part(current)[0];
    if (!best) return [];
    findings.push(...best.findings);
    current = applyToEnv(current, best.findings);
  }
  return [{ findings: dedupe(findings) }];
}

/** The bindings after the edits: the pod edited (a copy), each variable read again at its path. */
function applyToEnv(env: Env, findings: readonly Costed[]): Env {
  const edits = findings.flatMap((f) => f.finding.edits);
  if (edits.length === 0) return env;
  let root = structuredClone(env.get(OBJECT)!.value);
  for (const edit of edits) root = applyEdit(root, edit);
  const out = new Map<string, Located>();
  for (const [name, located] of env) {
    if (name === OBJECT) out.set(name, { value: root, path: [] });
    else if (!located.path || located.path.includes('<new>')) out.set(name, located);
    else if (located.entryOf) out.set(name, { ...located, value: { key: (located.value as { key: unknown }).key, value: getIn(root, located.path) } });
    else out.set(name, { ...located, value: getIn(root, located.path) });
  }
  return out;
}

/** An edit applied to a plain value (the pod), returning the new value. */
export function applyEdit(root: unknown, edit: Edit): unknown {
  const path = edit.path;
  if (path.length === 0) return edit.op === 'set' ? edit.value : root;
  const parentPath = path.slice(0, -1);
  const last = path[path.length - 1]!;
  let base = root;
  if (edit.op !== 'remove') base = ensurePath(root, parentPath, last);
  const parent = getIn(base, parentPath);
  if (edit.op === 'remove') {
    if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
    else if (isObject(parent)) delete parent[String(last)];
    return base;
  }
  if (edit.op === 'append') {
    const list = isObject(parent) || Array.isArray(parent) ? (parent as Record<string, unknown>)[String(last)] : undefined;
    if (Array.isArray(list)) list.push(structuredClone(edit.value));
    else (parent as Record<string, unknown>)[String(last)] = [structuredClone(edit.value)];
    return base;
  }
  (parent as Record<string, unknown>)[String(last)] = structuredClone(edit.value);
  return base;
}

/** Creates the missing maps (or lists, for numeric keys) along a path. */
function ensurePath(root: unknown, path: FieldPath, next: PathSegment): unknown {
  const base = isObject(root) || Array.isArray(root) ? root : {};
  let node = base as Record<string, unknown>;
  for (let i = 0; i < path.length; i++) {
    const key = String(path[i]);
    const following = i + 1 < path.length ? path[i + 1] : next;
    if (!isObject(node[key]) && !Array.isArray(node[key])) node[key] = typeof following === 'number' ? [] : {};
    node = node[key] as Record<string, unknown>;
  }
  return base;
}

function getIn(root: unknown, path: FieldPath): unknown {
  let node = root;
  for (const key of path) {
    if (Array.isArray(node) && typeof key === 'number') node = node[key];
    else if (isObject(node)) node = Object.hasOwn(node, String(key)) ? node[String(key)] : undefined;
    else return undefined;
  }
  return node ?? undefined;
}

function repairQuantifier(pred: Extract<Pred, { kind: 'all' | 'any' }>, env: Env, want: boolean): Alternative[] {
  const elements = locatedElements(pred.collection, env);
  const bind = (element: Located): Env => new Map(env).set(pred.variable, element);
  const every = (pred.kind === 'all') === want;
  if (every) {
    // Each element that fails the body: repair it, or remove it when that is cheaper. Elements are
    // read again after each repair; removals come last so the indexes of the others stay valid.
    const removals: Costed[] = [];
    const parts = elements.map((element) => (current: Env): Alternative[] => {
      const now = reread(element, current);
      const bound = new Map(current).set(pred.variable, now);
      if (holds(pred.body, bound) === want) return [HOLDS];
      const options = [...repair(pred.body, bound, want).slice(0, 1)];
      const removal = removeElement(now);
      if (removal) options.push(removal);
      const best = sortAlternatives(options)[0];
      if (best && best === removal) {
        removals.unshift(...removal.findings); // later elements first
        return [HOLDS];
      }
      return best ? [best] : [];
    });
    const combined = combine(env, parts)[0];
    return combined ? [{ findings: [...combined.findings, ...removals] }] : [];
  }
  // Some element must satisfy the body: repair one, or add one that does.
  const options: Alternative[] = [];
  for (const element of elements) options.push(...repair(pred.body, bind(element), want).slice(0, 1));
  const added = addElement(pred, env, want);
  if (added) options.push(added);
  return sortAlternatives(options);
}

/** Removing the element from its list, map or field. */
/** The element as the edits so far left it. */
function reread(element: Located, env: Env): Located {
  if (!element.path || element.path.includes('<new>')) return element;
  const root = env.get(OBJECT)!.value;
  if (element.entryOf) return { ...element, value: { key: (element.value as { key: unknown }).key, value: getIn(root, element.path) } };
  return { ...element, value: getIn(root, element.path) };
}

function removeElement(element: Located): Alternative | undefined {
  const path = element.entryOf ?? element.path;
  if (!path || path.length === 0) return undefined;
  const last = path[path.length - 1];
  const cost = element.entryOf ? COST.removeEntry : typeof last === 'number' && !isObject(element.value) ? COST.removeScalarElement : COST.removeObjectElement;
  const actual = element.entryOf ? (element.value as { value: unknown }).value : element.value;
  return { findings: [{ finding: { path, actual, edits: [{ op: 'remove', path }] }, cost }] };
}

/** A new element of a single list that satisfies the body, appended to the list. */
function addElement(pred: Extract<Pred, { kind: 'all' | 'any' }>, env: Env, want: boolean): Alternative | undefined {
  const lists = pred.collection.sources.filter((s) => s.as === 'elements');
  if (lists.length !== 1 || pred.collection.sources.length !== 1) return undefined;
  const list = locate(lists[0]!.expr, env);
  if (!list.path) return undefined;
  const fresh: FieldPath = [...list.path, '<new>'];
  const best = repair(pred.body, new Map(env).set(pred.variable, { value: undefined, path: fresh }), want)[0];
  if (!best) return undefined;
  let element: unknown;
  for (const { finding } of best.findings) {
    for (const edit of finding.edits) {
      if (edit.op !== 'set' || !startsWith(edit.path, fresh)) return undefined;
      const rest = edit.path.slice(fresh.length);
      element = rest.length === 0 ? edit.value : setIn(isObject(element) ? element : {}, rest, edit.value);
    }
    if (finding.edits.length === 0) return undefined;
  }
  if (element === undefined) return undefined;
  return { findings: [{ finding: { path: list.path, actual: list.value, edits: [{ op: 'append', path: list.path, value: element }] }, cost: COST.edit }] };
}

function repairLeaf(pred: Exclude<Pred, { kind: 'const' | 'not' | 'and' | 'or' | 'all' | 'any' }>, env: Env, want: boolean): Alternative[] {
  const target = locate(pred.expr, env);
  const actual = target.value;
  const manual = (text: string): Alternative[] => [{ findings: [{ finding: { path: target.entryOf ?? target.path ?? [], actual, edits: [], manual: text }, cost: COST.manual }] }];
  if (!target.path) {
    if (target.entryOf && !want) return [alternative(target.entryOf, actual, [{ op: 'remove', path: target.entryOf }], COST.removeEntry)];
    return manual(describeLeaf(pred, want));
  }
  const path = target.path;
  const set = (value: unknown, cost: number = COST.edit, placeholder = false): Alternative[] => [
    alternative(path, actual, [{ op: 'set', path, value, ...(placeholder ? { placeholder } : {}) }], cost),
  ];
  const remove = (): Alternative[] => [alternative(path, actual, [{ op: 'remove', path }], COST.edit)];
  if (!want) {
    // Make it not hold: unset the field, or for a boolean flip it.
    if (pred.kind === 'equals' && typeof actual === 'boolean') return sortAlternatives([...set(!actual), ...remove()]);
    return remove();
  }
  switch (pred.kind) {
    case 'isSet': {
      const key = path[path.length - 1];
      const fill = typeof key === 'string' && Object.hasOwn(FILL_VALUES, key) ? FILL_VALUES[key] : undefined;
      return fill === undefined ? manual(`set ${formatPath(path)}`) : set(fill, COST.fill, true);
    }
    case 'equals': {
      const v = valueOf(pred.value, env);
      return set(v, v === '' ? COST.emptyString : COST.edit);
    }
    case 'in': {
      const values = valueOf(pred.values, env) as readonly Scalar[];
      if (values.length === 0) return [];
      return set(values[0], values.length > SHORT_CHOICE ? COST.longChoice : COST.choice);
    }
    case 'compare': {
      const bound = valueOf(pred.value, env) as number;
      return set(pred.op === '>' ? bound + 1 : pred.op === '<' ? bound - 1 : bound);
    }
    default:
      return manual(describeLeaf(pred, want));
  }
}

function alternative(path: FieldPath, actual: unknown, edits: Edit[], cost: number): Alternative {
  const frozen = edits.some((e) => FROZEN_FIELDS.some((f) => startsWith(e.path, f)));
  return { findings: [{ finding: { path, actual, edits }, cost: frozen ? cost * COST.frozen : cost }] };
}

function describeLeaf(pred: Pred, want: boolean): string {
  const negate = want ? '' : 'not ';
  switch (pred.kind) {
    case 'startsWith':
      return `make it ${negate}start with "${pred.prefix}"`;
    case 'matches':
      return `make it ${negate}match the regular expression ${pred.pattern}`;
    case 'imagePatterns':
      return `make it ${negate}match an exempt image pattern`;
    case 'isSet':
      return want ? 'set it' : 'remove it';
    default:
      return `change it`;
  }
}

/** Cheapest first; ties go to the alternative with the shortest paths (a pod-level field covers every container), then to the first. */
function sortAlternatives(alternatives: Alternative[]): Alternative[] {
  const spread = (a: Alternative) => a.findings.reduce((n, f) => n + f.finding.edits.reduce((m, e) => m + e.path.length, 0), 0);
  return alternatives
    .map((a, index) => ({ a, index }))
    .sort((x, y) => costOf(x.a) - costOf(y.a) || spread(x.a) - spread(y.a) || x.index - y.index)
    .map(({ a }) => a);
}

function dedupe(findings: readonly Costed[]): Costed[] {
  const seen = new Set<string>();
  return findings.filter(({ finding: f }) => {
    const key = JSON.stringify([f.path, f.edits, f.manual ?? null]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// Values with their locations

function locate(expr: ValueExpr, env: Env): Located {
  switch (expr.kind) {
    case 'path': {
      const root = env.get(expr.root);
      if (!root) throw new Error(`IR: unbound variable "${expr.root}"`);
      if (root.entryOf && root.path) {
        // A map entry bound as {key, value}: its value is the map's field, its key only goes with it.
        const [first, ...rest] = expr.path;
        if (first === 'value') return walk({ value: (root.value as { value: unknown }).value, path: root.path }, rest);
        if (first === 'key' && rest.length === 0) return { value: (root.value as { key: unknown }).key, path: null, entryOf: root.entryOf };
        return { value: undefined, path: null };
      }
      return walk(root, expr.path);
    }
    case 'coalesce': {
      const items = expr.items.map((item) => locate(item, env));
      const set = items.find((item) => item.value !== undefined && item.value !== null);
      if (set) return set;
      const addressable = items.filter((item) => item.path !== null);
      return { value: undefined, path: addressable.at(-1)?.path ?? null };
    }
    case 'lookup': {
      const map = locate(expr.map, env);
      const key = valueOf(expr.key, toValues(env));
      return walk(map, typeof key === 'string' ? [key] : ['<unknown key>']);
    }
    default:
      return { value: valueOf(expr, toValues(env)), path: null };
  }
}

function walk(from: Located, keys: readonly string[]): Located {
  let value = from.value;
  for (const key of keys) value = isObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
  return { value: value ?? undefined, path: from.path ? [...from.path, ...keys] : null };
}

/** The elements of a collection with their paths (list index, single field, map entry). */
function locatedElements(collection: Collection, env: Env): Located[] {
  const out: Located[] = [];
  for (const source of collection.sources) {
    const where = locate(source.expr, env);
    const v = where.value;
    if (v === undefined || v === null) continue;
    if (source.as === 'elements') {
      if (Array.isArray(v)) v.forEach((item, index) => out.push({ value: item, path: where.path ? [...where.path, index] : null }));
    } else if (source.as === 'value') {
      out.push({ value: v, path: where.path });
    } else if (isObject(v)) {
      for (const key of Object.keys(v).sort()) {
        const path = where.path ? [...where.path, key] : null;
        out.push({ value: { key, value: v[key] }, path, ...(path ? { entryOf: path } : {}) });
      }
    }
  }
  return out;
}

function toValues(env: Env): Map<string, unknown> {
  return new Map([...env].map(([name, located]) => [name, located.value]));
}

/** The IR's meaning (src/ir/evaluate.ts) under located bindings. */
const LOCATED: BindingDomain<Located> = { plain: (l) => l.value, elements: (collection, env) => locatedElements(collection, env) };

function holds(pred: Pred, env: Env): boolean {
  return holdsIn(pred, env, LOCATED);
}

// ---------------------------------------------------------------------------------------------

/** `spec.containers[0].securityContext.runAsNonRoot`, `metadata.annotations["a/b"]`. */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

function startsWith(path: FieldPath, prefix: FieldPath): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => path[i] === segment);
}

function setIn(target: Record<string, unknown>, path: FieldPath, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path;
  const key = String(head);
  const out = { ...target };
  out[key] = rest.length === 0 ? value : setIn(isObject(out[key]) ? (out[key] as Record<string, unknown>) : {}, rest, value);
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
