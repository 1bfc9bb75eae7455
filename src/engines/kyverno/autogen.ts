/**
 * Autogen for pod controllers (kyverno pkg/autogen/v1): Pod rules are copied to Deployment,
 * DaemonSet, StatefulSet, ReplicaSet, Job, ReplicationController (`autogen-<rule>`, pattern under
 * spec.template) and CronJob (`autogen-cronjob-<rule>`, under spec.jobTemplate.spec.template),
 * with the serialized rule's variables rewritten by plain text replacement. Works on raw rules.
 */
import { cloneValue, isObject, type JsonObject } from '../jmespath/index.ts';
import { goCompareStrings } from '../jmespath/strconv.ts';
import { isZero } from './policy.ts';

export const AUTOGEN_ANNOTATION = 'pod-policies.kyverno.io/autogen-controllers';
export const POD_CONTROLLERS = ['DaemonSet', 'Deployment', 'Job', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'CronJob'];
const POD_CONTROLLERS_AND_POD = new Set([...POD_CONTROLLERS, 'Pod']);

const GVK: Record<string, string> = {
  DaemonSet: 'apps/v1/DaemonSet',
  Deployment: 'apps/v1/Deployment',
  Job: 'batch/v1/Job',
  StatefulSet: 'apps/v1/StatefulSet',
  ReplicaSet: 'apps/v1/ReplicaSet',
  ReplicationController: 'v1/ReplicationController',
  CronJob: 'batch/v1/CronJob',
  Pod: 'v1/Pod',
};

const VERSION_RE = /^(v\d+((alpha|beta)\d+)?|\*)$/;

/** kube.GetKindFromGVK + SplitSubresource: the bare kind of a kind selector. */
function bareKind(selector: string): string {
  const parts = selector.split('/');
  let k: string;
  switch (parts.length) {
    case 1:
      k = selector.replace('.', '/');
      break;
    case 2:
      if (parts[0] === '*' && parts[1] === '*') k = '*/*';
      else if (VERSION_RE.test(parts[0]!)) k = parts[1]!.replace('.', '/');
      else k = `${parts[0]}/${parts[1]}`;
      break;
    case 3:
      k = VERSION_RE.test(parts[0]!) ? `${parts[1]}/${parts[2]}` : parts[2]!.replace('.', '/');
      break;
    case 4:
      k = `${parts[2]}/${parts[3]}`;
      break;
    default:
      k = '';
  }
  const sub = k.split('/');
  return sub.length === 2 ? sub[0]! : k;
}

export function containsKind(kinds: readonly string[], kind: string): boolean {
  return kinds.some((k) => bareKind(k) === kind);
}

const convertKinds = (kinds: readonly string[]): string[] => kinds.map((k) => GVK[k] ?? k);

function kindsOf(description: unknown): string[] {
  if (!isObject(description)) return [];
  const k = description['kinds'];
  return Array.isArray(k) ? k.filter((x): x is string => typeof x === 'string') : [];
}

function filters(match: unknown, field: 'any' | 'all'): JsonObject[] {
  if (!isObject(match)) return [];
  const v = match[field];
  return Array.isArray(v) ? v.filter(isObject) : [];
}

/** Every resource description of a match/exclude block: legacy, any[], all[]. */
function descriptions(match: unknown): unknown[] {
  if (!isObject(match)) return [];
  return [match['resources'], ...filters(match, 'any').map((f) => f['resources']), ...filters(match, 'all').map((f) => f['resources'])];
}

/** MatchResources.GetKinds. */
function matchKinds(match: unknown): string[] {
  return descriptions(match).flatMap(kindsOf);
}

function checkAutogenSupport(state: { needed: boolean }, description: unknown): boolean {
  const d = isObject(description) ? description : {};
  const kinds = kindsOf(d);
  const names = d['names'];
  if (!isZero(d['name']) || (Array.isArray(names) && names.length > 0) || (d['selector'] !== undefined && d['selector'] !== null) || (d['annotations'] !== undefined && d['annotations'] !== null)) return false;
  if (kinds.length > 1 && containsKind(kinds, 'Pod')) return false;
  state.needed = state.needed || kinds.some((k) => POD_CONTROLLERS_AND_POD.has(k));
  return true;
}

const hasMeaningful = (v: unknown): boolean => isObject(v) && Object.values(v).some((x) => !isZero(x));

/** CanAutoGen over the whole policy. */
export function canAutoGen(rules: readonly JsonObject[]): boolean {
  const state = { needed: false };
  for (const rule of rules) {
    if (hasMeaningful(rule['generate'])) return false;
    const mutate = rule['mutate'];
    if (isObject(mutate)) {
      if (!isZero(mutate['patchesJson6902'])) return false;
      const fe = mutate['foreach'];
      if (Array.isArray(fe) && fe.some((f) => isObject(f) && !isZero(f['patchesJson6902']))) return false;
    }
    if (!descriptions(rule['match']).every((d) => checkAutogenSupport(state, d))) return false;
    if (rule['exclude'] !== undefined && rule['exclude'] !== null && !descriptions(rule['exclude']).every((d) => checkAutogenSupport(state, d))) return false;
  }
  return state.needed;
}

function autogenName(prefix: string, name: string): string {
  const full = `${prefix}-${name}`;
  return Buffer.byteLength(full, 'utf8') > 63 ? Buffer.from(full, 'utf8').subarray(0, 63).toString('utf8') : full;
}

const splitKinds = (controllers: string): string[] => controllers.split(',').sort(goCompareStrings);

type FilterRewrite = (filters: JsonObject[], kinds: string[]) => JsonObject[];

function rewriteMatch(match: unknown, kinds: string[], rewrite: FilterRewrite, isExclude: boolean): unknown {
  if (!isObject(match)) return match;
  const out: JsonObject = { ...match };
  const any = filters(match, 'any');
  const all = filters(match, 'all');
  if (any.length > 0) out['any'] = rewrite(any, kinds);
  else if (all.length > 0) out['all'] = rewrite(all, kinds);
  else {
    const resources = isObject(match['resources']) ? match['resources'] : {};
    if (!isExclude || kindsOf(resources).length !== 0) out['resources'] = { ...resources, kinds: convertKinds(kinds) };
  }
  return out;
}

const nonEmpty = (v: unknown): boolean => v !== undefined && v !== null;

/** generateRule: the copy of `rule` for the given kinds, its validate body wrapped under tplKey. */
function generateRule(name: string, rule: JsonObject, tplKey: string, kinds: string[], rewrite: FilterRewrite): JsonObject | null {
  const out = cloneValue(rule);
  out['name'] = name;
  out['match'] = rewriteMatch(out['match'] ?? {}, kinds, rewrite, false);
  if (nonEmpty(out['exclude'])) out['exclude'] = rewriteMatch(out['exclude'], kinds, rewrite, true);
  const wrap = (p: unknown) => ({ spec: { [tplKey]: p } });
  const mutate = out['mutate'];
  if (isObject(mutate)) {
    // mutate rules are not evaluated by this engine; keep the upstream shape for completeness
    if (nonEmpty(mutate['patchStrategicMerge'])) {
      out['mutate'] = { patchStrategicMerge: wrap(mutate['patchStrategicMerge']) };
      return out;
    }
    const fe = mutate['foreach'];
    if (Array.isArray(fe) && fe.length > 0) {
      out['mutate'] = { foreach: fe.map((f) => (isObject(f) ? { list: f['list'], context: f['context'], preconditions: f['preconditions'], patchStrategicMerge: wrap(f['patchStrategicMerge'] ?? null) } : f)) };
      return out;
    }
  }
  const validate = out['validate'];
  if (isObject(validate)) {
    const common: JsonObject = {};
    for (const k of ['failureAction', 'failureActionOverrides', 'allowExistingViolations']) if (nonEmpty(validate[k])) common[k] = validate[k]!;
    const message = typeof validate['message'] === 'string' ? validate['message'] : '';
    const withMessage = (body: JsonObject): JsonObject => (message !== '' ? { message, ...body, ...common } : { ...body, ...common });
    if (nonEmpty(validate['pattern'])) {
      out['validate'] = withMessage({ pattern: wrap(validate['pattern']) });
      return out;
    }
    if (nonEmpty(validate['deny'])) {
      out['validate'] = withMessage({ deny: validate['deny'] });
      return out;
    }
    if (nonEmpty(validate['podSecurity'])) {
      out['validate'] = withMessage({ podSecurity: validate['podSecurity'] });
      return out;
    }
    if (nonEmpty(validate['anyPattern'])) {
      const list = Array.isArray(validate['anyPattern']) ? validate['anyPattern'] : null;
      out['validate'] = withMessage({ anyPattern: list ? list.map(wrap) : null });
      return out;
    }
    const foreach = validate['foreach'];
    if (Array.isArray(foreach) && foreach.length > 0) {
      out['validate'] = withMessage({ foreach });
      return out;
    }
    if (hasMeaningful(validate['cel'])) return out;
  }
  if (nonEmpty(out['verifyImages'])) return out;
  return null;
}

const CONTROLLERS_WITHOUT_CRONJOB = new Set(['DaemonSet', 'Deployment', 'Job', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

function generateRuleForControllers(rule: JsonObject, controllersIn: string): JsonObject | null {
  const name = typeof rule['name'] === 'string' ? rule['name'] : '';
  let controllers = controllersIn;
  if (name.startsWith('autogen-') || controllers === '') return null;
  const mk = matchKinds(rule['match']);
  const ek = nonEmpty(rule['exclude']) ? matchKinds(rule['exclude']) : [];
  if (!containsKind(mk, 'Pod') || (ek.length !== 0 && !containsKind(ek, 'Pod'))) return null;
  if (controllers === 'all') controllers = 'DaemonSet,Deployment,Job,StatefulSet,ReplicaSet,ReplicationController';
  else if (controllers !== 'none') {
    const validated = splitKinds(controllers).filter((c) => CONTROLLERS_WITHOUT_CRONJOB.has(c));
    if (validated.length > 0) controllers = validated.join(',');
  }
  return generateRule(autogenName('autogen', name), rule, 'template', splitKinds(controllers), (fs, kinds) =>
    fs.map((f) => (containsKind(kindsOf(f['resources']), 'Pod') ? { ...f, resources: { ...(isObject(f['resources']) ? f['resources'] : {}), kinds: convertKinds(kinds) } } : f)),
  );
}

function generateCronJobRule(rule: JsonObject, controllers: string): JsonObject | null {
  if (!controllers.includes('CronJob') && !controllers.includes('all')) return null;
  const base = generateRuleForControllers(rule, controllers);
  if (!base) return null;
  const name = typeof rule['name'] === 'string' ? rule['name'] : '';
  return generateRule(autogenName('autogen-cronjob', name), base, 'jobTemplate', ['CronJob'], (fs, kinds) =>
    fs.map((f) => ({ ...f, resources: { ...(isObject(f['resources']) ? f['resources'] : {}), kinds: convertKinds(kinds) } })),
  );
}

const POD_REPLACEMENTS: [string, string][] = [
  ['request.object.spec', 'request.object.spec.template.spec'],
  ['request.oldObject.spec', 'request.oldObject.spec.template.spec'],
  ['request.object.metadata', 'request.object.spec.template.metadata'],
  ['request.oldObject.metadata', 'request.oldObject.spec.template.metadata'],
];
const POD_CEL_REPLACEMENTS: [string, string][] = [
  ['object.spec', 'object.spec.template.spec'],
  ['oldObject.spec', 'oldObject.spec.template.spec'],
  ['object.metadata', 'object.spec.template.metadata'],
  ['oldObject.metadata', 'oldObject.spec.template.metadata'],
];
const CRONJOB_REPLACEMENTS: [string, string][] = [
  ['request.object.spec', 'request.object.spec.jobTemplate.spec.template.spec'],
  ['request.oldObject.spec', 'request.oldObject.spec.jobTemplate.spec.template.spec'],
  ['request.object.metadata', 'request.object.spec.jobTemplate.spec.template.metadata'],
  ['request.oldObject.metadata', 'request.oldObject.spec.jobTemplate.spec.template.metadata'],
];
const CRONJOB_CEL_REPLACEMENTS: [string, string][] = [
  ['object.spec', 'object.spec.jobTemplate.spec.template.spec'],
  ['oldObject.spec', 'oldObject.spec.jobTemplate.spec.template.spec'],
  ['object.metadata', 'object.spec.jobTemplate.spec.template.metadata'],
  ['oldObject.metadata', 'oldObject.spec.jobTemplate.spec.template.metadata'],
];

/** convertRule: serialize, rewrite variable paths as text, parse back. */
function convertRule(rule: JsonObject, kind: 'Pod' | 'Cronjob'): JsonObject {
  const validate = rule['validate'];
  const cel = isObject(validate) && nonEmpty(validate['cel']);
  const replacements = kind === 'Pod' ? (cel ? POD_CEL_REPLACEMENTS : POD_REPLACEMENTS) : cel ? CRONJOB_CEL_REPLACEMENTS : CRONJOB_REPLACEMENTS;
  let text = JSON.stringify(rule);
  for (const [from, to] of replacements) text = text.replaceAll(from, to);
  return JSON.parse(text) as JsonObject;
}

function generateRules(rules: readonly JsonObject[], controllers: string): JsonObject[] {
  const out: JsonObject[] = [];
  const withoutCronJob = splitKinds(controllers)
    .filter((c) => c !== 'CronJob')
    .join(',');
  for (const rule of rules) {
    const gen = generateRuleForControllers(rule, withoutCronJob);
    if (gen) out.push(convertRule(gen, 'Pod'));
    const cron = generateCronJobRule(rule, controllers);
    if (cron) out.push(convertRule(cron, 'Cronjob'));
  }
  return out;
}

/** The controllers autogen applies to for this policy, or null when autogen is off. */
export function autogenControllers(rules: readonly JsonObject[], annotations: Readonly<Record<string, string>>): Set<string> | null {
  if (!canAutoGen(rules)) return null;
  const ann = annotations[AUTOGEN_ANNOTATION];
  const set = ann === undefined ? new Set(POD_CONTROLLERS) : new Set(ann.split(','));
  return set.has('none') && set.size === 1 ? null : set;
}

const computed = new WeakMap<readonly JsonObject[], Map<string, readonly JsonObject[]>>();

/** autogen.ComputeRules(policy, kind): the rules that apply to a resource of this kind. */
export function computeRules(rules: readonly JsonObject[], annotations: Readonly<Record<string, string>>, kind: string): readonly JsonObject[] {
  // Loaded rules never change: the result for each controllers annotation and kind is computed once.
  let byKind = computed.get(rules);
  if (!byKind) {
    byKind = new Map();
    computed.set(rules, byKind);
  }
  const annotation = annotations[AUTOGEN_ANNOTATION];
  const key = `${annotation === undefined ? '\u0001' : annotation}\u0000${kind}`;
  const hit = byKind.get(key);
  if (hit) return hit;
  const controllers = autogenControllers(rules, annotations);
  let result = rules;
  if (controllers && controllers.has(kind)) {
    const generated = generateRules(rules, kind);
    if (generated.length > 0) result = [...rules.filter((r) => !(typeof r['name'] === 'string' && r['name'].startsWith('autogen-'))), ...generated];
  }
  byKind.set(key, result);
  return result;
}
