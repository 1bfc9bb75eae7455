import type { ResolvedControl, ResolvedRule } from '../../build/model.ts';
import type { ResolvedExemption } from '../../build/exemptions.ts';
import type { RolloutMode } from '../../controls/config.ts';
import type { Pred, QuantifierPred } from '../../ir/nodes.ts';
import { foldConstants, simplify, unrollConstantLists } from '../../ir/transform.ts';
import { UnsupportedError } from '../../util/errors.ts';
import { artifactName, controlLabels, namespaceSelector, POD_CONTROLLERS } from '../common.ts';
import { compileCollection, compileNegated, NeedsForeach, prepareForJmespath } from './jmespath.ts';
import { toPattern } from './pattern.ts';

/**
 * Kyverno backend: one `kyverno.io/v1` ClusterPolicy per control, one rule per control rule.
 * Rules match Pods only, so Kyverno's autogen writes the pod-controller rules (`autogen-<rule>`,
 * `autogen-cronjob-<rule>`): nothing in a match blocks it (kyverno.md §4.1 — no names, selector or
 * annotations; namespaceSelector is allowed), and every JMESPath reads `request.object.spec` /
 * `request.object.metadata`, the prefixes autogen rewrites to the pod template.
 */

export const KYVERNO_MIN_VERSION = '1.13.0';

export function kyvernoPolicy(control: ResolvedControl): Record<string, unknown> {
  const spec: Record<string, unknown> = { background: true };
  // Kyverno has no warn action for validate rules: warn is Audit plus warnings (emitWarning, Kyverno ≥ 1.13).
  if (usesWarn(control)) spec['emitWarning'] = true;
  spec['rules'] = control.rules.map((rule) => kyvernoRule(control, rule));
  return {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: {
      name: artifactName(control),
      labels: controlLabels(control),
      annotations: {
        'policies.kyverno.io/title': control.title,
        'policies.kyverno.io/category': control.category,
        'policies.kyverno.io/severity': control.severity === 'critical' ? 'high' : control.severity,
        'policies.kyverno.io/subject': 'Pod',
        'policies.kyverno.io/minversion': KYVERNO_MIN_VERSION,
        'policies.kyverno.io/description': `${control.description} ${control.remediation}`,
      },
    },
    spec,
  };
}

const usesWarn = (control: ResolvedControl): boolean =>
  control.rollout.mode === 'warn' || Object.values(control.rollout.namespaces).includes('warn');

const failureAction = (mode: RolloutMode): 'Enforce' | 'Audit' => (mode === 'enforce' ? 'Enforce' : 'Audit');

/** The rule's action, and per-namespace overrides where the staged rollout differs. */
function actions(control: ResolvedControl): Record<string, unknown> {
  const base = failureAction(control.rollout.mode);
  const byAction = new Map<string, string[]>();
  for (const [ns, mode] of Object.entries(control.rollout.namespaces).sort()) {
    const action = failureAction(mode);
    if (action !== base) byAction.set(action, [...(byAction.get(action) ?? []), ns]);
  }
  const out: Record<string, unknown> = { failureAction: base };
  if (byAction.size > 0) out['failureActionOverrides'] = [...byAction].map(([action, namespaces]) => ({ action, namespaces }));
  return out;
}

/** Namespace exemptions as an `exclude` block (namespaces keep autogen working, unlike names or selectors). */
function exclude(control: ResolvedControl): Record<string, unknown> | null {
  const namespaces = [...new Set(control.exemptions.flatMap((e) => (e.target.kind === 'namespaces' ? e.target.namespaces : [])))].sort();
  return namespaces.length > 0 ? { any: [{ resources: { namespaces } }] } : null;
}

/**
 * A `kyverno.io/v2` PolicyException for a workload exemption, naming every rule of the controls it
 * covers with their autogen names (exceptions match computed rule names, kyverno.md §1.7).
 */
export function kyvernoException(exemption: ResolvedExemption, controls: readonly ResolvedControl[]): Record<string, unknown> {
  const target = exemption.target;
  const resources: Record<string, unknown> = {};
  let namespace = 'kyverno';
  if (target.kind === 'workload-name') {
    resources['kinds'] = [target.workloadKind];
    resources['names'] = [target.name];
    resources['namespaces'] = [target.namespace];
    namespace = target.namespace;
  } else if (target.kind === 'workload-selector') {
    resources['kinds'] = ['Pod', ...POD_CONTROLLERS.map((c) => c.kind)];
    if (target.namespace) {
      resources['namespaces'] = [target.namespace];
      namespace = target.namespace;
    }
    resources['selector'] = target.selector;
  } else {
    throw new Error(`a ${target.kind} exemption is not a PolicyException`);
  }
  const covered = controls.filter((c) => exemption.controls.includes(c.id));
  return {
    apiVersion: 'kyverno.io/v2',
    kind: 'PolicyException',
    metadata: {
      name: exemption.name,
      namespace,
      labels: { 'kube-policy-compiler/exemption': exemption.name },
      annotations: { 'kube-policy-compiler/reason': exemption.reason, ...(exemption.expires ? { 'kube-policy-compiler/expires': exemption.expires } : {}) },
    },
    spec: {
      exceptions: covered.map((control) => ({
        policyName: artifactName(control),
        ruleNames: control.rules.flatMap((rule) => [rule.name, `autogen-${rule.name}`, `autogen-cronjob-${rule.name}`]),
      })),
      match: { any: [{ resources }] },
    },
  };
}

function kyvernoRule(control: ResolvedControl, rule: ResolvedRule): Record<string, unknown> {
  const excluded = exclude(control);
  return {
    name: rule.name,
    match: {
      any: [
        {
          resources: {
            kinds: ['Pod'],
            operations: ['CREATE', 'UPDATE'],
            namespaceSelector: namespaceSelector(control.scope),
          },
        },
      ],
    },
    ...(excluded ? { exclude: excluded } : {}),
    ...ruleBody(control, rule, { ...actions(control), message: rule.message }),
  };
}

/**
 * `validate` (and `preconditions` when needed): `pattern` / `anyPattern` when the check reads as an
 * overlay; else `deny`; else `foreach` + `deny`.
 */
export function ruleBody(control: ResolvedControl, rule: ResolvedRule, validate: Record<string, unknown>): Record<string, unknown> {
  const form = ruleForm(control, rule);
  if (form.kind === 'pattern') return { validate: { ...validate, ...form.pattern } };
  if (form.kind === 'deny') return { validate: { ...validate, deny: { conditions: { any: [holds(compileNegated(form.check))] } } } };
  return foreachBody(form, validate);
}

/** How a rule is compiled: an overlay pattern, a deny condition, or a foreach guarded by preconditions. */
export type RuleForm =
  | { readonly kind: 'pattern'; readonly pattern: NonNullable<ReturnType<typeof toPattern>> }
  | { readonly kind: 'deny'; readonly check: Pred }
  | { readonly kind: 'foreach'; readonly guards: readonly Pred[]; readonly quantifier: QuantifierPred & { kind: 'all' } };

export function ruleForm(control: ResolvedControl, rule: ResolvedRule): RuleForm {
  const pattern = toPattern(simplify(foldConstants(unrollConstantLists(rule.check))));
  if (pattern) return { kind: 'pattern', pattern };
  const prepared = prepareForJmespath(rule.check);
  try {
    compileNegated(prepared);
    return { kind: 'deny', check: prepared };
  } catch (error) {
    if (!(error instanceof NeedsForeach)) throw error;
  }
  // or(guard…, all(collection, v => body)): guards become preconditions, the quantifier a foreach.
  const items = prepared.kind === 'or' ? prepared.items : [prepared];
  const quantifiers = items.filter((item) => item.kind === 'all');
  const quantifier = quantifiers[0];
  if (quantifiers.length !== 1 || !quantifier || quantifier.kind !== 'all') {
    throw new UnsupportedError(`rule ${rule.name} cannot be expressed as a Kyverno pattern, deny or foreach rule`, { field: `${control.id}.rules` });
  }
  return { kind: 'foreach', guards: items.filter((item) => item.kind !== 'all'), quantifier: quantifier as QuantifierPred & { kind: 'all' } };
}

/** A condition that holds when the JMESPath expression is true. */
function holds(expression: string): Record<string, unknown> {
  return { key: `{{ ${expression} }}`, operator: 'Equals', value: true };
}

/**
 * Each element is checked in a foreach, where `element` and the pod are both in scope; a guard that
 * holds exempts the pod (preconditions). Only pods with at least one element produce a result, as
 * Kyverno's foreach does.
 */
function foreachBody(form: RuleForm & { kind: 'foreach' }, validate: Record<string, unknown>): Record<string, unknown> {
  const { quantifier, guards } = form;
  const foreach = {
    list: compileCollection(quantifier.collection, {}),
    deny: { conditions: { any: [holds(compileNegated(quantifier.body, { element: quantifier.variable }))] } },
  };
  const body: Record<string, unknown> = { validate: { ...validate, foreach: [foreach] } };
  if (guards.length > 0) body['preconditions'] = { all: guards.map((guard) => holds(compileNegated(guard))) };
  return body;
}
