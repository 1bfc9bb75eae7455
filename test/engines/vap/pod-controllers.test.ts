// A policy written for Pods and every pod controller (test/fixtures/vap/pod-controllers), checked
// against the Pod Security Admission fixtures of kubernetes/pod-security-admission: a Pod under
// `baseline/<version>/fail/privileged*.yaml` must be refused, one under `pass/` allowed — as a Pod
// and wrapped in each workload kind, where the pod template lives elsewhere in the object.
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VapEngine } from '../../../src/engines/vap/index.ts';
import { readYamlObjects } from '../../../src/util/yaml.ts';
import { conformancePath } from '../../skip.ts';
import { deployment, fixture, namespace } from './helpers.ts';

type Json = Record<string, unknown>;

/** The Pod as each controller kind carries it. */
function wrap(kind: string, pod: Json): Json {
  const metadata = { name: `${String((pod['metadata'] as Json)['name'])}-${kind.toLowerCase()}`, namespace: 'apps' };
  const template = { metadata: { labels: { app: 'x' } }, spec: pod['spec'] };
  const workload = (apiVersion: string, spec: Json) => ({ apiVersion, kind, metadata, spec });
  switch (kind) {
    case 'Pod':
      return { ...pod, metadata: { ...(pod['metadata'] as Json), namespace: 'apps' } };
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
    case 'DaemonSet':
      return workload('apps/v1', { selector: { matchLabels: { app: 'x' } }, template });
    case 'ReplicationController':
      return workload('v1', { selector: { app: 'x' }, template });
    case 'Job':
      return workload('batch/v1', { template });
    case 'CronJob':
      return workload('batch/v1', { schedule: '* * * * *', jobTemplate: { spec: { template } } });
    default:
      throw new Error(kind);
  }
}

const KINDS = ['Pod', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'ReplicationController', 'Job', 'CronJob'];
const engine = () => new VapEngine(fixture('pod-controllers/privileged.yaml'), { namespaces: [namespace('apps'), namespace('kube-system')] });

test('the policy loads', () => {
  assert.equal(engine().problems, []);
});

test('a privileged init container in a Deployment, a privileged container in a CronJob are refused; the message names them', () => {
  const e = engine();
  const deploy = deployment('web', 'apps', 1);
  ((deploy['spec'] as Json)['template'] as { spec: Json }).spec['initContainers'] = [{ name: 'setup', image: 'busybox', securityContext: { privileged: true } }];
  const review = e.review({ object: deploy });
  assert.equal(review.status, { code: 403, reason: 'Forbidden', message: `deployments.apps "web" is forbidden: ValidatingAdmissionPolicy 'disallow-privileged' with binding 'disallow-privileged' denied request: privileged containers are not allowed: setup` });
  const cron = wrap('CronJob', { metadata: { name: 'tick' }, spec: { containers: [{ name: 'a', image: 'x', securityContext: { privileged: true } }, { name: 'b', image: 'x' }] } });
  assert.match(e.review({ object: cron }).status?.message ?? '', /privileged containers are not allowed: a$/);
});

test('kinds outside the rules and the kube-system namespace are not matched', () => {
  const e = engine();
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'apps' }, spec: {} };
  assert.equal(e.verdicts({ object: svc }).map((v) => v.verdict), ['skip']);
  const privileged = wrap('Pod', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'x', securityContext: { privileged: true } }] } });
  const inSystem = { ...privileged, metadata: { name: 'p', namespace: 'kube-system' } };
  assert.equal(e.verdicts({ object: inSystem }).map((v) => v.verdict), ['skip']);
  assert.equal(e.verdicts({ object: privileged }).map((v) => v.verdict), ['fail']);
});

const psa = conformancePath('psa');
if (psa) {
  const dir = resolve(psa, 'baseline', 'v1.37');
  const pods = (sub: 'pass' | 'fail', filter: (file: string) => boolean) =>
    readdirSync(resolve(dir, sub))
      .filter((file) => file.endsWith('.yaml') && filter(file))
      .sort()
      .flatMap((file) => readYamlObjects(resolve(dir, sub, file)).map((doc) => ({ file: `${sub}/${file}`, pod: doc.value })));
  const expectations = [
    ...pods('fail', (file) => file.startsWith('privileged')).map((c) => ({ ...c, verdict: 'fail' })),
    ...pods('pass', () => true).map((c) => ({ ...c, verdict: 'pass' })),
  ];

  test('PSA baseline v1.37 fixtures: privileged fail/ pods refused, pass/ pods allowed, as Pods and in every controller', () => {
    assert.ok(expectations.filter((e) => e.verdict === 'fail').length >= 2, 'privileged fail fixtures present');
    assert.ok(expectations.filter((e) => e.verdict === 'pass').length >= 10, 'pass fixtures present');
    const e = engine();
    const wrong: string[] = [];
    for (const { file, pod, verdict } of expectations) {
      for (const kind of KINDS) {
        const got = e.verdicts({ object: wrap(kind, pod) });
        if (got.length !== 1 || got[0]!.verdict !== verdict) wrong.push(`${file} as ${kind}: expected ${verdict}, got ${JSON.stringify(got)}`);
      }
    }
    assert.equal(wrong, []);
  });
}

test.run();
