/**
 * ValidatingPolicy autogen (kyverno pkg/cel/policies/vpol/autogen, pkg/cel/autogen): a policy
 * matching exactly `pods` (one resource rule, core/v1, no names, no exclusions, no object
 * selector) gets copies for pod controllers — "defaults" (daemonsets, deployments, replicasets,
 * statefulsets, jobs) and "cronjobs" — with the spec's `object.spec`/`object.metadata` (and
 * `oldObject.…`) rewritten by text, `.namespace` protected. The copies keep the policy's name.
 */
import { isObject, type JsonObject } from '../../jmespath/index.ts';

interface Target {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly kind: string;
  readonly config: 'defaults' | 'cronjobs';
}

const CONFIGS: Record<string, Target> = {
  daemonsets: { group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet', config: 'defaults' },
  deployments: { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', config: 'defaults' },
  replicasets: { group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet', config: 'defaults' },
  statefulsets: { group: 'apps', version: 'v1', resource: 'statefulsets', kind: 'StatefulSet', config: 'defaults' },
  jobs: { group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job', config: 'defaults' },
  cronjobs: { group: 'batch', version: 'v1', resource: 'cronjobs', kind: 'CronJob', config: 'cronjobs' },
};

const REPLACEMENTS: Record<Target['config'], [string, string][]> = {
  defaults: [
    ['spec', 'spec.template.spec'],
    ['metadata', 'spec.template.metadata'],
  ],
  cronjobs: [
    ['spec', 'spec.jobTemplate.spec.template.spec'],
    ['metadata', 'spec.jobTemplate.spec.template.metadata'],
  ],
};

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function canAutoGen(match: unknown): boolean {
  if (!isObject(match)) return false;
  const os = match['objectSelector'];
  if (isObject(os) && ((isObject(os['matchLabels']) && Object.keys(os['matchLabels']).length > 0) || (Array.isArray(os['matchExpressions']) && os['matchExpressions'].length > 0))) return false;
  if (Array.isArray(match['excludeResourceRules']) && match['excludeResourceRules'].length !== 0) return false;
  const rules = match['resourceRules'];
  if (!Array.isArray(rules) || rules.length !== 1 || !isObject(rules[0])) return false;
  const rule = rules[0];
  if (strings(rule['resourceNames']).length > 0) return false;
  const g = strings(rule['apiGroups']);
  const v = strings(rule['apiVersions']);
  const r = strings(rule['resources']);
  return g.length === 1 && g[0] === '' && v.length === 1 && v[0] === 'v1' && r.length === 1 && r[0] === 'pods';
}

const isIdentifierChar = (c: string | undefined): boolean => c !== undefined && /[_a-zA-Z0-9]/.test(c);

/** replacement.go replace: every `from` becomes `to`, except before a protected `.namespace`. */
function replaceProtected(data: string, from: string, to: string): string {
  let out = '';
  let rest = data;
  for (let idx = rest.indexOf(from); idx >= 0; idx = rest.indexOf(from)) {
    out += rest.slice(0, idx);
    const after = rest.slice(idx + from.length);
    const protectedSuffix = after.startsWith('.namespace') && !isIdentifierChar(after['.namespace'.length]);
    out += protectedSuffix ? from : to;
    rest = after;
  }
  return out + rest;
}

export interface AutogenVariant {
  readonly config: 'defaults' | 'cronjobs';
  readonly spec: JsonObject;
}

/** The generated specs, "cronjobs" before "defaults" (upstream sorts the config names). */
export function vpolAutogen(spec: JsonObject): AutogenVariant[] {
  const match = spec['matchConstraints'];
  if (!canAutoGen(match)) return [];
  const autogen = isObject(spec['autogen']) ? spec['autogen'] : null;
  const podControllers = autogen && isObject(autogen['podControllers']) ? autogen['podControllers'] : null;
  const controllers = podControllers && Array.isArray(podControllers['controllers']) ? strings(podControllers['controllers']) : Object.keys(CONFIGS);
  const byConfig = new Map<Target['config'], Target[]>();
  for (const c of controllers) {
    const target = CONFIGS[c];
    if (!target) continue;
    byConfig.set(target.config, [...(byConfig.get(target.config) ?? []), target]);
  }
  const rule = (match as JsonObject)['resourceRules'] as JsonObject[];
  const operations = rule[0]!['operations'];
  const out: AutogenVariant[] = [];
  for (const config of [...byConfig.keys()].sort()) {
    const targets = byConfig.get(config)!;
    const groups = new Map<string, Set<string>>();
    for (const t of targets) {
      const key = `${t.group}/${t.version}`;
      groups.set(key, (groups.get(key) ?? new Set()).add(t.resource));
    }
    if (!Array.isArray(operations) || operations.length === 0) continue;
    const resourceRules = [...groups.keys()].sort().map((gv) => {
      const [group, version] = gv.split('/') as [string, string];
      return { apiGroups: [group], apiVersions: [version], resources: [...groups.get(gv)!].sort(), operations };
    });
    const ns = (match as JsonObject)['namespaceSelector'];
    const matchConstraints: JsonObject = { resourceRules };
    if (ns !== undefined && ns !== null) matchConstraints['namespaceSelector'] = ns;
    let text = JSON.stringify({ ...spec, matchConstraints });
    for (const [from, to] of REPLACEMENTS[config]) {
      text = replaceProtected(text, `object.${from}`, `object.${to}`);
      text = replaceProtected(text, `oldObject.${from}`, `oldObject.${to}`);
    }
    out.push({ config, spec: JSON.parse(text) as JsonObject });
  }
  return out;
}
