import type { ResolvedControl, ResolvedRule } from '../../build/model.ts';
import type { Pred } from '../../ir/nodes.ts';
import { foldConstants, simplify, unrollConstantLists } from '../../ir/transform.ts';
import { UnsupportedError } from '../../util/errors.ts';
import { artifactName, controlLabels, namespaceSelector } from '../common.ts';
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
    spec: {
      background: true,
      rules: control.rules.map((rule) => kyvernoRule(control, rule)),
    },
  };
}

function kyvernoRule(control: ResolvedControl, rule: ResolvedRule): Record<string, unknown> {
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
    ...ruleBody(control, rule, { failureAction: 'Enforce', message: rule.message }),
  };
}

/**
 * `validate` (and `preconditions` when needed): `pattern` / `anyPattern` when the check reads as an
 * overlay; else `deny`; else `foreach` + `deny`.
 */
export function ruleBody(control: ResolvedControl, rule: ResolvedRule, validate: Record<string, unknown>): Record<string, unknown> {
  const plain = simplify(foldConstants(unrollConstantLists(rule.check)));
  const pattern = toPattern(plain);
  if (pattern) return { validate: { ...validate, ...pattern } };

  const prepared = prepareForJmespath(rule.check);
  try {
    return { validate: { ...validate, deny: { conditions: { any: [holds(compileNegated(prepared))] } } } };
  } catch (error) {
    if (!(error instanceof NeedsForeach)) throw error;
  }
  return foreachBody(control, rule, prepared, validate);
}

/** A condition that holds when the JMESPath expression is true. */
function holds(expression: string): Record<string, unknown> {
  return { key: `{{ ${expression} }}`, operator: 'Equals', value: true };
}

/**
 * `or(guard…, all(collection, v => body))`: the guards become preconditions (the rule is skipped
 * when one holds) and each element is checked in a foreach, where `element` and the pod are both
 * in scope. Only pods with at least one element produce a result, as Kyverno's foreach does.
 */
function foreachBody(control: ResolvedControl, rule: ResolvedRule, check: Pred, validate: Record<string, unknown>): Record<string, unknown> {
  const items = check.kind === 'or' ? check.items : [check];
  const quantifiers = items.filter((item) => item.kind === 'all');
  const guards = items.filter((item) => item.kind !== 'all');
  const quantifier = quantifiers[0];
  if (quantifiers.length !== 1 || !quantifier || quantifier.kind !== 'all') {
    throw new UnsupportedError(`rule ${rule.name} cannot be expressed as a Kyverno pattern, deny or foreach rule`, { field: `${control.id}.rules` });
  }
  const foreach = {
    list: compileCollection(quantifier.collection, {}),
    deny: { conditions: { any: [holds(compileNegated(quantifier.body, { element: quantifier.variable }))] } },
  };
  const body: Record<string, unknown> = { validate: { ...validate, foreach: [foreach] } };
  // A guard that holds exempts the pod: the rule runs only when every guard is false.
  if (guards.length > 0) body['preconditions'] = { all: guards.map((guard) => holds(compileNegated(guard))) };
  return body;
}
