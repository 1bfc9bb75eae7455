import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments } from 'yaml';
import { build } from '../../src/build/index.ts';
import { gatekeeperEvalRows } from '../../src/engines/gatekeeper/eval.ts';
import type { LoadedObject } from '../../src/util/eval-row.ts';
import { REPO } from './temp-project.ts';

// Every generated template loads and runs in our Gatekeeper engine (Rego parses and compiles,
// CEL type-checks) at every PSS version, and a compliant pod passes while a workload is judged
// by its pod template. Verdict equivalence across engines is the harness's job (kpc test).
const test = suite('generated Gatekeeper templates run in the Gatekeeper engine (both engines)');

const objects = (path: string, content: string): LoadedObject[] =>
  parseAllDocuments(content).map((doc) => ({ file: path, line: 1, value: doc.toJS() as Record<string, unknown> }));

const namespace = { file: 'ns', line: 1, value: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps', labels: { 'kube-policy-compiler/level': 'restricted' } } } };
const compliantPod = {
  metadata: { name: 'ok', namespace: 'apps' },
  spec: {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{ name: 'app', image: 'app:1.0', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
  },
};
const resources: LoadedObject[] = [
  namespace,
  { file: 'pod', line: 1, value: { apiVersion: 'v1', kind: 'Pod', ...compliantPod } },
  { file: 'cronjob', line: 1, value: { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'job', namespace: 'apps' }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { ...compliantPod, spec: { ...compliantPod.spec, hostPID: true } } } } } } },
];

for (const version of ['latest', 'v1.34', 'v1.25', 'v1.18', 'v1.0']) {
  test(`PSS ${version}: no template errors; the compliant pod passes; the CronJob with hostPID fails hostNamespaces only`, async () => {
    const { files } = await build({ root: REPO, typecheck: false, pssVersion: version });
    const policies = [...files].filter(([path]) => path.startsWith('gatekeeper/') && !path.endsWith('kustomization.yaml')).flatMap(([path, content]) => objects(path, content));
    for (const engine of ['rego', 'cel'] as const) {
      const rows = gatekeeperEvalRows(policies, resources, engine).filter((row) => row.kind !== 'Namespace');
      assert.equal(rows.filter((r) => r.verdict === 'error').map((r) => `${r.control}: ${r.message}`), [], engine);
      assert.equal(rows.filter((r) => r.kind === 'Pod' && r.verdict === 'fail').map((r) => r.control), [], engine);
      assert.equal(rows.filter((r) => r.kind === 'CronJob' && r.verdict === 'fail').map((r) => r.control), ['hostNamespaces'], engine);
    }
  });
}

test.run();
