/**
 * `kpc eval` rows for Kyverno policies: one row per resource × computed rule (autogen rules
 * included) of every ClusterPolicy/Policy, and per resource × ValidatingPolicy. Resources are
 * loaded as `kyverno apply` loads them (namespace "default" for namespaced kinds); the labels of
 * Namespace objects among the resources are what namespaceSelectors see. A rule that
 * gives no response is a `skip` row whose message starts with "no response"; a verdict this
 * evaluator cannot reproduce is an `error` row whose message starts with "unsupported".
 */
import { describeError } from '../../util/errors.ts';
import type { EvalRow, LoadedObject } from '../../util/eval-row.ts';
import { isObject, type JsonObject } from '../jmespath/index.ts';
import { getApiVersion, getKind, getName, getNamespace } from './match.ts';
import { isClusterScopedKind } from './resources.ts';
import { evaluate, loadException, loadPolicy, POLICY_KINDS, type LoadedPolicy, type PolicyException } from './index.ts';

export const CONTROL_LABEL = 'kube-policy-compiler/control';
export const PSS_CHECK_LABEL = 'kube-policy-compiler/pss-check';

function cliDefaults(object: JsonObject): JsonObject {
  if (getNamespace(object) !== '' || isClusterScopedKind(getApiVersion(object), getKind(object))) return object;
  const metadata = isObject(object['metadata']) ? object['metadata'] : {};
  return { ...object, metadata: { ...metadata, namespace: 'default' } };
}

export function kyvernoEvalRows(policies: LoadedObject[], resources: LoadedObject[]): EvalRow[] {
  const loaded: { source: LoadedObject; policy: LoadedPolicy | null; error: string | null }[] = [];
  const exceptions: PolicyException[] = [];
  for (const p of policies) {
    const kind = getKind(p.value);
    if (kind === 'PolicyException') {
      exceptions.push(loadException(p));
      continue;
    }
    if (!POLICY_KINDS.has(kind)) continue;
    try {
      loaded.push({ source: p, policy: loadPolicy(p), error: null });
    } catch (error) {
      loaded.push({ source: p, policy: null, error: describeError(error) });
    }
  }
  // namespaceSelector reads the labels of the Namespace objects given among the resources
  const namespaceLabels = new Map<string, Record<string, string>>();
  for (const r of resources) {
    if (getKind(r.value) !== 'Namespace' || getApiVersion(r.value) !== 'v1') continue;
    const metadata = isObject(r.value['metadata']) ? r.value['metadata'] : {};
    const labels = isObject(metadata['labels']) ? metadata['labels'] : {};
    namespaceLabels.set(getName(r.value), Object.fromEntries(Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === 'string')));
  }
  const rows: EvalRow[] = [];
  for (const r of resources) {
    const resource = cliDefaults(r.value);
    const base = { file: r.file, kind: getKind(resource), namespace: getNamespace(resource) === '' ? null : getNamespace(resource), name: getName(resource), engine: 'kyverno' };
    for (const { source, policy, error } of loaded) {
      const metadata = isObject(source.value['metadata']) ? source.value['metadata'] : {};
      const labels = isObject(metadata['labels']) ? metadata['labels'] : {};
      const label = (k: string) => (typeof labels[k] === 'string' ? (labels[k] as string) : null);
      const policyName = typeof metadata['name'] === 'string' ? metadata['name'] : '';
      const common = { ...base, policy: policyName, control: label(CONTROL_LABEL), pssCheck: label(PSS_CHECK_LABEL) };
      if (!policy) {
        rows.push({ ...common, rule: '', verdict: 'error', message: error ?? 'policy could not be loaded' });
        continue;
      }
      let evaluation;
      try {
        evaluation = evaluate(policy, { resource, exceptions, namespaceLabels: namespaceLabels.get(getNamespace(resource)) ?? null });
      } catch (e) {
        rows.push({ ...common, rule: '', verdict: 'error', message: describeError(e) });
        continue;
      }
      for (const rule of evaluation.rules) {
        const verdict = rule.status === 'no-response' ? 'skip' : rule.status === 'warn' ? 'fail' : rule.status;
        const message = rule.status === 'no-response' ? `no response: ${rule.message}` : rule.unsupported ? `unsupported: ${rule.unsupported.replace(/^unsupported: /, '')}` : rule.message;
        rows.push({ ...common, rule: rule.rule, verdict, message });
      }
    }
  }
  return rows;
}
