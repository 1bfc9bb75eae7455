/**
 * `kpc eval` rows for Gatekeeper, evaluated the way `gator test` evaluates a set of manifests
 * (gatekeeper:pkg/gator/test/test.go): templates first, then constraints, then every object as
 * data (inventory and namespace cache), ExpansionTemplates and Namespaces among the inputs feed
 * the expander, and each resource is reviewed with its Namespace attached when one was supplied.
 * One row per resource × constraint.
 */
import { describeError, UnsupportedError } from '../../util/errors.ts';
import type { EvalRow, LoadedObject } from '../../util/eval-row.ts';
import { ConstraintClient, type Violation } from './client.ts';
import { CONSTRAINTS_GROUP, requireConstraintGroup } from './constraint.ts';
import { EXPANSION_GROUP, decodeExpansionTemplate, ExpansionSystem } from './expansion.ts';
import { isNamespace, metadataString } from './match.ts';
import { reviewForAdmissionReview, reviewForObject, type Review } from './review.ts';
import { groupVersionOf } from './suite.ts';
import { CEL_ENGINE, codeFor, loadTemplate, REGO_ENGINE, TEMPLATES_GROUP, type ConstraintTemplate } from './template.ts';
import { toJsonValue, type JsonObject } from './values.ts';
import { newDrivers } from './verify.ts';

const MUTATIONS_GROUP = 'mutations.gatekeeper.sh';
const MUTATOR_KINDS = new Set(['Assign', 'AssignMetadata', 'ModifySet', 'AssignImage']);
const CONTROL_LABEL = 'kube-policy-compiler/control';
const PSS_CHECK_LABEL = 'kube-policy-compiler/pss-check';

interface ConstraintEntry {
  readonly source: LoadedObject;
  readonly name: string;
  readonly kind: string;
  readonly labels: Record<string, string>;
  /** Set when the constraint (or its template) could not be loaded: every row for it is this. */
  readonly problem: { verdict: 'error' | 'skip'; message: string } | undefined;
}

/** Rows of `kpc eval --json` for Gatekeeper templates + constraints (in `policies`) on `resources`. */
export function gatekeeperEvalRows(policies: LoadedObject[], resources: LoadedObject[], engine: 'rego' | 'cel'): EvalRow[] {
  const engineName = engine === 'rego' ? 'gatekeeper-rego' : 'gatekeeper-cel';
  const client = new ConstraintClient(newDrivers(engine));
  const templateProblems = new Map<string, { verdict: 'error' | 'skip'; message: string }>();
  const templateLabels = new Map<string, Record<string, string>>();
  const objects = [...policies, ...resources].map((item) => ({ item, value: safeJson(item) }));

  for (const { item, value } of objects) {
    if (!value || !isGroupKind(value, TEMPLATES_GROUP, 'ConstraintTemplate')) continue;
    let template: ConstraintTemplate | undefined;
    const kindKey = kindOfTemplate(value);
    try {
      template = loadTemplate(value, { file: item.file, line: item.line });
      templateLabels.set(template.kind.toLowerCase(), template.labels as Record<string, string>);
      if (!codeFor(template, engine === 'rego' ? REGO_ENGINE : CEL_ENGINE)) {
        templateProblems.set(template.kind.toLowerCase(), { verdict: 'skip', message: `template has no ${engine === 'rego' ? 'Rego' : 'K8sNativeValidation'} engine` });
        continue;
      }
      client.addTemplate(template);
    } catch (error) {
      templateProblems.set((template?.kind ?? kindKey).toLowerCase(), { verdict: 'error', message: describeError(error) });
    }
  }

  const constraints: ConstraintEntry[] = [];
  for (const { item, value } of objects) {
    if (!value || groupVersionOf(value)[0] !== CONSTRAINTS_GROUP) continue;
    const kind = typeof value['kind'] === 'string' ? value['kind'] : '';
    const name = metadataString(value, 'name');
    const labels = { ...(templateLabels.get(kind.toLowerCase()) ?? {}), ...labelsOf(value) };
    let problem = templateProblems.get(kind.toLowerCase());
    if (!problem) {
      try {
        requireConstraintGroup(value, { file: item.file, line: item.line });
        client.addConstraint(value, { file: item.file, line: item.line });
      } catch (error) {
        problem = { verdict: 'error', message: describeError(error) };
      }
    }
    constraints.push({ source: item, name, kind, labels, problem });
  }

  // gator test adds every object as data, then builds the expander from all of them.
  const expansion = new ExpansionSystem();
  let setupError: string | undefined;
  // gator test also applies mutators (Assign, AssignMetadata, ModifySet, AssignImage) before and
  // after expansion; they are not reproduced, so their presence makes every row an error.
  const mutator = objects.find(({ value }) => value && groupVersionOf(value)[0] === MUTATIONS_GROUP && MUTATOR_KINDS.has(String(value['kind'])));
  if (mutator) setupError = new UnsupportedError(`Gatekeeper mutators (${String(mutator.value!['kind'])}) are not evaluated`, { file: mutator.item.file, line: mutator.item.line }).toString();
  const namespaces = new Map<string, JsonObject>();
  for (const { item, value } of objects) {
    if (!value) continue;
    try {
      client.addData(value);
    } catch {
      // an object gator could not add as data (no version/kind) is still reviewed
    }
    if (isNamespace(value)) namespaces.set(metadataString(value, 'name'), value);
    if (isGroupKind(value, EXPANSION_GROUP, 'ExpansionTemplate')) {
      try {
        expansion.upsert(decodeExpansionTemplate(value, { file: item.file, line: item.line }));
      } catch (error) {
        setupError = describeError(error);
      }
    }
  }

  const rows: EvalRow[] = [];
  for (const resource of resources) {
    const value = safeJson(resource);
    const base = rowBase(resource, value, engineName);
    let violations: Violation[] = [];
    let matched = new Set<string>();
    let reviewError: string | undefined = setupError;
    if (!value) reviewError = 'not a JSON object';
    else if (reviewError === undefined) {
      try {
        ({ violations, matched } = reviewResource(client, expansion, value, namespaces));
      } catch (error) {
        reviewError = describeError(error);
      }
    }
    for (const constraint of constraints) {
      const row = {
        ...base,
        policy: constraint.name,
        rule: constraint.kind,
        control: constraint.labels[CONTROL_LABEL] ?? null,
        pssCheck: constraint.labels[PSS_CHECK_LABEL] ?? null,
      };
      if (constraint.problem) {
        rows.push({ ...row, verdict: constraint.problem.verdict, message: constraint.problem.message });
        continue;
      }
      if (reviewError !== undefined) {
        rows.push({ ...row, verdict: 'error', message: reviewError });
        continue;
      }
      const own = violations.filter((v) => v.constraint.kind === constraint.kind && v.constraint.name === constraint.name);
      if (own.length > 0) rows.push({ ...row, verdict: 'fail', message: own.map((v) => v.msg).join('\n') });
      else if (matched.has(`${constraint.kind}/${constraint.name}`)) rows.push({ ...row, verdict: 'pass', message: '' });
      else rows.push({ ...row, verdict: 'skip', message: 'constraint does not match the resource' });
    }
  }
  return rows;
}

function reviewResource(client: ConstraintClient, expansion: ExpansionSystem, object: JsonObject, namespaces: Map<string, JsonObject>): { violations: Violation[]; matched: Set<string> } {
  const [group] = groupVersionOf(object);
  const reviews: { review: Review; prefix: string; action: string }[] = [];
  // Expander.NamespaceForResource: "" → an empty Namespace, "default" → a bare default one, else a supplied Namespace.
  const namespaceName = metadataString(object, 'namespace');
  const namespace: JsonObject | undefined = namespaceName === '' ? { metadata: {} } : (namespaces.get(namespaceName) ?? (namespaceName === 'default' ? { metadata: { name: 'default' } } : undefined));
  if (object['kind'] === 'AdmissionReview' && group === 'admission.k8s.io') reviews.push({ review: reviewForAdmissionReview(object), prefix: '', action: '' });
  else {
    // gator test attaches the Namespace for matching only (AugmentedUnstructured.Namespace), not as namespaceObject.
    reviews.push({ review: reviewForObject(object, { namespace }), prefix: '', action: '' });
    for (const resultant of expansion.expand(object, namespace)) {
      reviews.push({
        review: reviewForObject(resultant.object, { namespace, source: 'Generated' }),
        prefix: `[Implied by ${resultant.templateName}] `,
        action: resultant.enforcementAction,
      });
    }
  }
  const violations: Violation[] = [];
  const matched = new Set<string>();
  for (const { review, prefix, action } of reviews) {
    const result = client.reviewDetailed(review);
    for (const c of result.matched) matched.add(`${c.kind}/${c.name}`);
    for (const v of result.violations) violations.push({ ...v, msg: prefix + v.msg, enforcementAction: action !== '' ? action : v.enforcementAction });
  }
  return { violations, matched };
}

function rowBase(resource: LoadedObject, value: JsonObject | undefined, engine: string): Omit<EvalRow, 'policy' | 'rule' | 'control' | 'pssCheck' | 'verdict' | 'message'> {
  const object = value ?? {};
  const namespace = metadataString(object, 'namespace');
  return {
    file: resource.file,
    kind: typeof object['kind'] === 'string' ? object['kind'] : '',
    namespace: namespace === '' ? null : namespace,
    name: metadataString(object, 'name'),
    engine,
  };
}

function safeJson(item: LoadedObject): JsonObject | undefined {
  try {
    const value = toJsonValue(item.value);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isGroupKind(obj: JsonObject, group: string, kind: string): boolean {
  return groupVersionOf(obj)[0] === group && obj['kind'] === kind;
}

function kindOfTemplate(obj: JsonObject): string {
  const spec = obj['spec'];
  const crd = spec && typeof spec === 'object' && !Array.isArray(spec) ? (spec as JsonObject)['crd'] : undefined;
  const crdSpec = crd && typeof crd === 'object' && !Array.isArray(crd) ? (crd as JsonObject)['spec'] : undefined;
  const names = crdSpec && typeof crdSpec === 'object' && !Array.isArray(crdSpec) ? (crdSpec as JsonObject)['names'] : undefined;
  const kind = names && typeof names === 'object' && !Array.isArray(names) ? (names as JsonObject)['kind'] : undefined;
  return typeof kind === 'string' ? kind : metadataString(obj, 'name');
}

function labelsOf(obj: JsonObject): Record<string, string> {
  const metadata = obj['metadata'];
  const labels = metadata && typeof metadata === 'object' && !Array.isArray(metadata) ? (metadata as JsonObject)['labels'] : undefined;
  const out: Record<string, string> = {};
  if (labels && typeof labels === 'object' && !Array.isArray(labels)) for (const [k, v] of Object.entries(labels)) if (typeof v === 'string') out[k] = v;
  return out;
}
