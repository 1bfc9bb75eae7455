/**
 * validate.cel (kyverno pkg/engine/handlers/validation/validate_cel.go): the rule's CEL variables,
 * expressions and audit annotations run through the Kubernetes ValidatingAdmissionPolicy
 * validator, with `celPreconditions` as match conditions and the rule message as the default
 * expression message.
 *
 * Upstream builds the validator without a failure policy, which the apiserver treats as `Fail`:
 * an expression that errors is a *deny* decision, so the rule FAILS with the error text (it is an
 * `error` result only under `Ignore`, which Kyverno never sets here).
 */
import { UnsupportedError } from '../../util/errors.ts';
import { compileCelPolicy, type CelBindings, type CelNamedExpression, type CelValidationSpec } from '../cel/index.ts';
import { isObject, type JsonObject } from '../jmespath/index.ts';
import { exceptionKey, matchingExceptions, type PolicyException } from './exceptions.ts';
import { getName, getNamespace } from './match.ts';
import type { PolicyContext } from './policy-context.ts';
import type { Rule } from './policy.ts';
import { ruleError, ruleFail, rulePass, ruleSkip, type RuleResponse } from './responses.ts';

function named(list: unknown, where: string): CelNamedExpression[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new UnsupportedError(`${where} must be a list`);
  return list.filter(isObject).map((e) => ({ name: String(e['name'] ?? ''), expression: String(e['expression'] ?? '') }));
}

/** The admission `request` CEL sees (admission.CreateAdmissionRequest): no object fields. */
export function celRequest(pc: PolicyContext, object: JsonObject | null, name: string, namespace: string): JsonObject {
  const gvk = pc.gvk;
  const info = pc.admissionInfo.userInfo;
  const userInfo: JsonObject = {};
  if (info.username !== '') userInfo['username'] = info.username;
  if (info.uid !== '') userInfo['uid'] = info.uid;
  if (info.groups !== null) userInfo['groups'] = [...info.groups];
  void object;
  // The CLI's policy context carries no request resource: the GVR is empty.
  const resource = { group: '', version: '', resource: '' };
  return {
    kind: { group: gvk.group, version: gvk.version, kind: gvk.kind },
    resource,
    requestKind: { group: gvk.group, version: gvk.version, kind: gvk.kind },
    requestResource: resource,
    name,
    namespace,
    operation: pc.operation,
    userInfo,
    dryRun: false,
  };
}

export function processValidateCel(pc: PolicyContext, rule: Rule, exceptions: readonly PolicyException[]): RuleResponse | null {
  const matched = matchingExceptions(exceptions, pc);
  if (matched.length > 0) {
    const keys = matched.map(exceptionKey);
    return { ...ruleSkip(rule.name, 'rule is skipped due to policy exceptions' + keys.join(', ')), exceptions: keys };
  }
  const cel = rule.validate?.['cel'];
  if (!isObject(cel)) return null;
  if (cel['paramKind'] !== undefined || cel['paramRef'] !== undefined) {
    throw new UnsupportedError('validate.cel with paramKind/paramRef (parameter resources) is not evaluated');
  }
  const message = typeof rule.validate?.['message'] === 'string' ? (rule.validate['message'] as string) : '';
  const expressions = Array.isArray(cel['expressions']) ? cel['expressions'].filter(isObject) : [];
  const validations: CelValidationSpec[] = expressions.map((e) => {
    const m = typeof e['message'] === 'string' && e['message'] !== '' ? e['message'] : message;
    const v: { expression: string; message?: string; messageExpression?: string; reason?: string } = { expression: String(e['expression'] ?? '') };
    if (m !== '') v.message = m;
    if (typeof e['messageExpression'] === 'string') v.messageExpression = e['messageExpression'];
    if (typeof e['reason'] === 'string') v.reason = e['reason'];
    return v;
  });
  const auditAnnotations = (Array.isArray(cel['auditAnnotations']) ? cel['auditAnnotations'] : []).filter(isObject).map((a) => ({ key: String(a['key'] ?? ''), valueExpression: String(a['valueExpression'] ?? '') }));
  const policy = compileCelPolicy({
    variables: named(cel['variables'], 'validate.cel.variables'),
    matchConditions: named(rule.raw['celPreconditions'], 'celPreconditions'),
    validations,
    auditAnnotations,
  });
  const unsupported = policy.issues.find((i) => i.unsupported);
  if (unsupported) throw new UnsupportedError(`${unsupported.field}: ${unsupported.message}`);

  const object = pc.newResource;
  const oldObject = pc.oldResource;
  const subject = object ?? oldObject;
  let ns = subject ? getNamespace(subject) : '';
  const name = subject ? getName(subject) : '';
  if (pc.gvk.kind === 'Namespace' && pc.gvk.version === 'v1' && pc.gvk.group === '') ns = '';
  const bindings: CelBindings = {
    object,
    oldObject,
    request: celRequest(pc, object, name, ns),
    namespaceObject: ns !== '' ? { metadata: { name: ns } } : null,
  };
  const result = policy.validate(bindings, { failurePolicy: 'Fail' });
  if (!result.matched) return ruleSkip(rule.name, 'cel preconditions not met');
  for (const decision of result.decisions) {
    if (decision.action === 'admit' && decision.evaluation === 'error') return ruleError(rule.name, decision.message);
    if (decision.action === 'deny') return ruleFail(rule.name, decision.message);
  }
  return rulePass(rule.name, `Validation rule '${rule.name}' passed.`);
}
