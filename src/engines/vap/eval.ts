/**
 * `kpc eval` rows for ValidatingAdmissionPolicies: one row per resource × binding, each resource
 * reviewed as a CREATE by user `kpc-eval` in group system:authenticated. The cluster holds every object given (policies'
 * files and resources alike: Namespaces give namespace labels, other objects can be params);
 * a namespace with no Namespace object is taken to exist with only the label the apiserver puts
 * on every namespace. A namespaced built-in kind without a namespace goes to "default", as with
 * kubectl. Bindings whose policy is absent are `skip` (the apiserver ignores them); policies
 * without a binding get one `skip` row (rule "") since nothing enforces them; objects the
 * apiserver would reject are `error` rows.
 */
import { describeError } from '../../util/errors.ts';
import type { EvalRow, LoadedObject } from '../../util/eval-row.ts';
import { compareBytes } from '../../util/files.ts';
import { attributesForObject, isJsonObject, labelsOf, metadataString, type AdmissionAttributes, type JsonObject } from './attributes.ts';
import { Cluster } from './cluster.ts';
import { dispatch, type AdmissionReview } from './dispatch.ts';
import { loadVapObjects, type LoadProblem } from './index.ts';
import { builtinMapping, parseGroupVersion } from './resources.ts';
import { bindingVerdict } from './verdict.ts';

export const ENGINE = 'vap';
const CONTROL_LABEL = 'kube-policy-compiler/control';
/** Requests come from an authenticated user with no other group (every real user has this one). */
const EVAL_USER = { username: 'kpc-eval', groups: ['system:authenticated'] };
const PSS_CHECK_LABEL = 'kube-policy-compiler/pss-check';

/** A row to produce for every resource: a policy × binding pair (or a lone policy or binding). */
interface Target {
  readonly policy: string;
  readonly binding: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Set when the row does not depend on the resource. */
  readonly fixed: { readonly verdict: 'skip' | 'error'; readonly message: string } | null;
}

export function vapEvalRows(policies: LoadedObject[], resources: LoadedObject[]): EvalRow[] {
  const loaded = loadVapObjects(policies);
  const cluster = new Cluster({ objects: [...loaded.others, ...resources].map((o) => o.value) });
  const targets = targetsOf(loaded.policies, loaded.bindings, loaded.problems);
  const rows: EvalRow[] = [];
  for (const resource of resources) {
    const object = withDefaultNamespace(resource.value);
    const namespace = metadataString(object, 'namespace');
    const base = { file: resource.file, kind: typeof object['kind'] === 'string' ? object['kind'] : '', namespace: namespace === '' ? null : namespace, name: metadataString(object, 'name'), engine: ENGINE };
    let review: AdmissionReview | null = null;
    let failure: string | null = null;
    try {
      const attributes = attributesForObject({ object, userInfo: EVAL_USER });
      if (attributes.namespace !== '' && cluster.namespace(attributes.namespace) === null) cluster.addNamespace(implicitNamespace(attributes));
      review = dispatch(loaded.policies, loaded.bindings, attributes, { cluster });
    } catch (error) {
      failure = describeError(error);
    }
    for (const target of targets) {
      const row = { ...base, policy: target.policy, rule: target.binding, control: target.labels[CONTROL_LABEL] ?? null, pssCheck: target.labels[PSS_CHECK_LABEL] ?? null };
      if (target.fixed) rows.push({ ...row, ...target.fixed });
      else if (failure !== null || review === null) rows.push({ ...row, verdict: 'error', message: failure ?? 'not reviewed' });
      else rows.push({ ...row, ...verdictFor(review, target) });
    }
  }
  return rows;
}

function verdictFor(review: AdmissionReview, target: Target): Pick<EvalRow, 'verdict' | 'message'> {
  if (review.exempt !== null) return { verdict: 'skip', message: review.exempt };
  const reviewed = review.policies.find((p) => p.policy === target.policy)?.bindings.find((b) => b.binding === target.binding);
  if (reviewed) return bindingVerdict(reviewed);
  // the request failed before this binding was reached (e.g. its namespace does not exist)
  if (review.status !== null && !review.allowed) return { verdict: 'error', message: `request failed before this binding was evaluated: ${review.status.message}` };
  return { verdict: 'error', message: 'binding was not evaluated' };
}

function targetsOf(
  policies: ReturnType<typeof loadVapObjects>['policies'],
  bindings: ReturnType<typeof loadVapObjects>['bindings'],
  problems: readonly LoadProblem[],
): Target[] {
  const targets: Target[] = [];
  const labelsByPolicy = new Map<string, Readonly<Record<string, string>>>();
  const brokenPolicies = new Map<string, string>();
  for (const policy of policies) if (!labelsByPolicy.has(policy.name)) labelsByPolicy.set(policy.name, policy.labels);
  for (const problem of problems) {
    if (problem.kind !== 'ValidatingAdmissionPolicy') continue;
    if (!labelsByPolicy.has(problem.name)) labelsByPolicy.set(problem.name, labelsOf(problem.source.value));
    brokenPolicies.set(problem.name, problem.message);
  }
  const bound = new Set<string>();
  for (const binding of [...bindings].sort((a, b) => compareBytes(a.policyName, b.policyName) || compareBytes(a.name, b.name))) {
    bound.add(binding.policyName);
    const labels = labelsByPolicy.get(binding.policyName) ?? {};
    const broken = brokenPolicies.get(binding.policyName);
    let fixed: Target['fixed'] = null;
    if (broken !== undefined) fixed = { verdict: 'error', message: `policy could not be loaded: ${broken}` };
    else if (!policies.some((p) => p.name === binding.policyName)) fixed = { verdict: 'skip', message: `ValidatingAdmissionPolicy '${binding.policyName}' does not exist: the apiserver ignores this binding` };
    targets.push({ policy: binding.policyName, binding: binding.name, labels, fixed });
  }
  for (const problem of problems) {
    if (problem.kind !== 'ValidatingAdmissionPolicyBinding') continue;
    const spec = isJsonObject(problem.source.value['spec']) ? problem.source.value['spec'] : {};
    const policy = typeof spec['policyName'] === 'string' ? spec['policyName'] : '';
    bound.add(policy);
    targets.push({ policy, binding: problem.name, labels: labelsByPolicy.get(policy) ?? {}, fixed: { verdict: 'error', message: `binding could not be loaded: ${problem.message}` } });
  }
  for (const [name, labels] of [...labelsByPolicy].sort(([a], [b]) => compareBytes(a, b))) {
    if (bound.has(name)) continue;
    const broken = brokenPolicies.get(name);
    const fixed = broken !== undefined ? { verdict: 'error' as const, message: `policy could not be loaded: ${broken}` } : { verdict: 'skip' as const, message: 'no ValidatingAdmissionPolicyBinding binds this policy: it is not enforced' };
    targets.push({ policy: name, binding: '', labels, fixed });
  }
  return targets;
}

/** kubectl puts a namespaced object without a namespace into "default". */
function withDefaultNamespace(object: JsonObject): JsonObject {
  if (metadataString(object, 'namespace') !== '') return object;
  const gv = typeof object['apiVersion'] === 'string' ? parseGroupVersion(object['apiVersion']) : null;
  const kind = typeof object['kind'] === 'string' ? object['kind'] : '';
  if (!gv || !builtinMapping({ group: gv.group, version: gv.version, kind })?.namespaced) return object;
  const metadata = isJsonObject(object['metadata']) ? object['metadata'] : {};
  return { ...object, metadata: { ...metadata, namespace: 'default' } };
}

/** A namespace nobody described: as the apiserver would have it, with only its name label. */
function implicitNamespace(attributes: AdmissionAttributes): JsonObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: attributes.namespace } };
}
