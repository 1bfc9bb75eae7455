// `kpc eval` rows from the PSA engine (eval.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { psaEvalRows } from '../../../src/engines/psa/index.ts';
import type { LoadedObject } from '../../../src/util/eval-row.ts';

const loaded = (value: Record<string, unknown>, line = 1): LoadedObject => ({ file: 'in.yaml', line, value });
const pod = loaded({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { hostPID: true, containers: [{ name: 'c', image: 'x' }] } });

test('one row per resource × active check, PSA message on failures', () => {
  const rows = psaEvalRows('baseline:v1.33', [pod]);
  assert.is(rows.length, 11);
  const failed = rows.filter((r) => r.verdict === 'fail');
  assert.equal(failed, [
    {
      file: 'in.yaml',
      kind: 'Pod',
      namespace: 'ns',
      name: 'p',
      engine: 'psa',
      policy: 'baseline:v1.33',
      rule: 'hostNamespaces',
      control: null,
      pssCheck: 'hostNamespaces',
      verdict: 'fail',
      message: 'host namespaces (hostPID=true)',
    },
  ]);
  assert.ok(rows.every((r) => r.rule === r.pssCheck));
});

test('level without version means latest; workloads evaluate their template', () => {
  const deployment = loaded({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd' },
    spec: { template: { spec: { containers: [{ name: 'c', image: 'x', securityContext: { privileged: true } }] } } },
  });
  const rows = psaEvalRows('restricted', [deployment]);
  assert.is(rows.length, 15);
  assert.is(rows[0]!.policy, 'restricted:latest');
  assert.is(rows[0]!.namespace, null);
  assert.equal(rows.filter((r) => r.verdict === 'fail').map((r) => r.rule), [
    'privileged', 'allowPrivilegeEscalation', 'capabilities_restricted', 'runAsNonRoot', 'seccompProfile_restricted',
  ]);
});

test('other kinds are skipped, undecodable resources are errors naming file and field, privileged has no checks', () => {
  const service = loaded({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } });
  const skipped = psaEvalRows('baseline', [service]);
  assert.is(skipped.length, 12);
  assert.ok(skipped.every((r) => r.verdict === 'skip'));
  const broken = loaded({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'b' }, spec: { hostPID: 'yes' } }, 7);
  const errors = psaEvalRows('baseline', [broken]);
  assert.ok(errors.every((r) => r.verdict === 'error'));
  assert.match(errors[0]!.message, /^in\.yaml:7: spec\.hostPID: expected a boolean/);
  assert.equal(psaEvalRows('privileged', [pod]).map((r) => [r.rule, r.pssCheck, r.verdict]), [['', null, 'pass']]);
  assert.throws(() => psaEvalRows('strict', [pod]), /invalid PodSecurity level/);
  assert.throws(() => psaEvalRows('baseline:1.25', [pod]), /invalid PodSecurity version/);
});

test.run();
