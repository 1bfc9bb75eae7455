import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { parse } from 'yaml';
import { build } from '../../src/build/index.ts';
import { compileSchema, crdSchema } from '../../src/schemas/crd.ts';
import { schemasPath } from '../skip.ts';
import { REPO } from './temp-project.ts';
import { ValidatingAdmissionPolicy } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy';
import { ValidatingAdmissionPolicyBinding } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';

/** The Kubernetes kinds we emit, validated by kubernetes-models (the upstream OpenAPI schemas). */
function kubernetesModel(object: { kind: string }): { validate(): void } {
  switch (object.kind) {
    case 'ValidatingAdmissionPolicy':
      return new ValidatingAdmissionPolicy(object as never);
    case 'ValidatingAdmissionPolicyBinding':
      return new ValidatingAdmissionPolicyBinding(object as never);
    case 'Namespace':
      return new Namespace(object as never);
    case 'NetworkPolicy':
      return new NetworkPolicy(object as never);
    default:
      throw new Error(`no model for ${object.kind}`);
  }
}

// The output validates against the real CRDs (../shared/schemas), and each constraint's
// parameters against its own template's schema.
const kyverno = schemasPath('kyverno');
const gatekeeper = schemasPath('gatekeeper');
const test = suite('generated output against the real CRD schemas');

if (kyverno && gatekeeper) {
  const clusterPolicy = crdSchema(join(kyverno, 'kyverno.io_clusterpolicies.yaml'), 'v1');
  const constraintTemplate = crdSchema(join(gatekeeper, 'constrainttemplate-customresourcedefinition.yaml'), 'v1');
  const policyException = crdSchema(join(kyverno, 'kyverno.io_policyexceptions.yaml'), 'v2');
  const validatingPolicy = crdSchema(join(kyverno, 'policies.kyverno.io_validatingpolicies.yaml'), 'v1');

  for (const version of ['latest', 'v1.18', 'v1.0']) {
    test(`every ClusterPolicy and ConstraintTemplate is valid (PSS ${version}); constraint parameters match their template`, async () => {
      const { model, files } = await build({ root: REPO, typecheck: false, pssVersion: version });
      let checked = 0;
      for (const [path, content] of files) {
        if (path.endsWith('kustomization.yaml')) continue;
        if (path.startsWith('kyverno-vpol/')) {
          assert.is(validatingPolicy.validate(parse(content)), null, path);
        } else if (path.startsWith('vap/') || path.startsWith('psa/') || path.startsWith('network/')) {
          if (!path.endsWith('.yaml') || path.endsWith('admission-configuration.yaml')) continue;
          const object = parse(content);
          assert.not.throws(() => kubernetesModel(object).validate(), path);
        } else if (path.startsWith('kyverno/exceptions/')) {
          assert.is(policyException.validate(parse(content)), null, path);
        } else if (path.startsWith('kyverno/')) {
          assert.is(clusterPolicy.validate(parse(content)), null, path);
          checked++;
        } else if (path.startsWith('gatekeeper/templates/')) {
          const template = parse(content);
          assert.is(constraintTemplate.validate(template), null, path);
          const constraint = parse(files.get(path.replace('/templates/', '/constraints/'))!);
          assert.is(compileSchema(template.spec.crd.spec.validation.openAPIV3Schema).validate(constraint.spec.parameters ?? {}), null, path);
          checked++;
        }
      }
      assert.is(checked, 2 * model.controls.length);
    });
  }

  test('the validators catch a misplaced field and a wrong type (they can fail)', async () => {
    const { files } = await build({ root: REPO, typecheck: false });
    const policy = parse(files.get('kyverno/privileged.yaml')!);
    policy.spec.rules[0].validate.failureActionTypo = 'Enforce';
    assert.match(String(clusterPolicy.validate(policy)), /must NOT have additional properties/);
    policy.spec.rules[0].validate = { failureAction: 'Block', message: 'm', pattern: {} };
    assert.match(String(clusterPolicy.validate(policy)), /must be equal to one of the allowed values/);
    const template = parse(files.get('gatekeeper/templates/run-as-user-range.yaml')!);
    const params = compileSchema(template.spec.crd.spec.validation.openAPIV3Schema);
    assert.match(String(params.validate({ minUid: 'x' })), /minUid must be integer/);
    assert.match(String(params.validate({ minUId: 1 })), /must NOT have additional properties/);
    const binding = parse(files.get('vap/bindings/privileged.yaml')!);
    binding.spec.validationActions = ['Block'];
    assert.throws(() => kubernetesModel(binding).validate(), /validationActions/);
  });
}

test.run();
