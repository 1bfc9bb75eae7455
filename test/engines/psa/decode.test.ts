// Decoding and defaulting (decode.ts), workload extraction (workloads.ts), result details.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodePod, evaluatePod, extractPodSpec, PodDecodeError } from '../../../src/engines/psa/index.ts';

test('the input is never mutated (volume and hostPort defaulting happen on the view)', () => {
  const pod = {
    metadata: { name: 'p' },
    spec: { hostNetwork: true, volumes: [{ name: 'v' }], containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80 }] }] },
  };
  const before = structuredClone(pod);
  const view = decodePod(pod.metadata, pod.spec);
  assert.equal(pod, before);
  assert.ok(view.spec.volumes[0]!.sources.has('emptyDir'));
  assert.ok(view.spec.volumes[0]!.defaultedToEmptyDir);
  assert.is(view.spec.containers[0]!.ports[0]!.hostPort, 80);
});

test('a volume without a source is an emptyDir, unless defaulting is off (then "unknown")', () => {
  const spec = { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, volumes: [{ name: 'v' }] };
  assert.ok(evaluatePod('restricted', 'latest', { spec }).allowed);
  const raw = evaluatePod('restricted', 'latest', { spec }, { defaulting: 'none' });
  assert.is(raw.message, 'restricted volume types (volume "v" uses restricted volume type "unknown")');
  // A source set to null is unset; an unknown key is dropped by decoding: both default to emptyDir.
  assert.ok(evaluatePod('restricted', 'latest', { spec: { ...spec, volumes: [{ name: 'v', hostPath: null, somethingNew: {} }] } }).allowed);
});

test('wrong JSON types in fields PSA reads are decode errors naming the field', () => {
  const cases: [unknown, RegExp][] = [
    [{ hostPID: 'true' }, /^spec\.hostPID: expected a boolean, found a string \("true"\)$/],
    [{ containers: {} }, /^spec\.containers: expected a list/],
    [{ containers: [{ name: 'c', securityContext: { runAsUser: 1.5 } }] }, /^spec\.containers\[0\]\.securityContext\.runAsUser: expected an int64/],
    [{ containers: [{ name: 'c', ports: [{ hostPort: 3000000000 }] }] }, /^spec\.containers\[0\]\.ports\[0\]\.hostPort: expected an int32/],
    [{ containers: [{ name: 'c', securityContext: { capabilities: { add: [1] } } }] }, /capabilities\.add\[0\]: expected a string/],
    [{ volumes: [{ name: 'v', hostPath: '/etc' }] }, /^spec\.volumes\[0\]\.hostPath: expected an object/],
    [{ securityContext: { sysctls: [{ name: 5 }] } }, /sysctls\[0\]\.name: expected a string/],
  ];
  for (const [spec, pattern] of cases) {
    try {
      decodePod({}, spec);
      assert.unreachable(JSON.stringify(spec));
    } catch (error) {
      assert.instance(error, PodDecodeError);
      assert.match(String(error), pattern);
    }
  }
  assert.throws(() => decodePod({ annotations: { a: 1 } }, {}), (error: unknown) => /metadata\.annotations\[a\]: expected a string/.test(String(error)));
});

test('null means unset everywhere; bigint integers are accepted', () => {
  const view = decodePod({ annotations: null }, { hostPID: null, securityContext: { runAsUser: 0n }, containers: [null] });
  assert.is(view.spec.hostPID, false);
  assert.is(view.spec.securityContext!.runAsUser, 0);
  assert.is(view.spec.containers[0]!.name, '');
});

test('results name the blamed containers and field errors (shaped like Kyverno\'s PSA fork)', () => {
  const pod = {
    spec: {
      initContainers: [{ name: 'init', image: 'busybox:1', securityContext: { privileged: true } }],
      containers: [
        { name: 'ok', image: 'nginx' },
        { name: 'app', image: 'nginx:bad', securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN', 'NET_RAW', 'CHOWN'] } } },
      ],
      ephemeralContainers: [{ name: 'dbg', image: 'busybox', securityContext: { privileged: true } }],
    },
  };
  const result = evaluatePod('baseline', 'latest', pod);
  const privileged = result.results.find((r) => r.id === 'privileged')!;
  assert.equal(privileged.containers, [
    { kind: 'initContainers', index: 0, name: 'init', image: 'busybox:1' },
    { kind: 'containers', index: 1, name: 'app', image: 'nginx:bad' },
    { kind: 'ephemeralContainers', index: 0, name: 'dbg', image: 'busybox' },
  ]);
  assert.equal(privileged.fieldErrors.map((e) => e.field), [
    'spec.initContainers[0].securityContext.privileged',
    'spec.containers[1].securityContext.privileged',
    'spec.ephemeralContainers[0].securityContext.privileged',
  ]);
  const caps = result.results.find((r) => r.id === 'capabilities_baseline')!;
  assert.is(caps.forbiddenDetail, 'container "app" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add');
  assert.equal(caps.fieldErrors, [{ type: 'Forbidden', field: 'spec.containers[1].securityContext.capabilities.add', badValue: ['NET_RAW', 'SYS_ADMIN'] }]);
  // Every active check is listed, allowed ones too, in PSA order.
  assert.is(result.results.length, 12);
  assert.ok(result.results.find((r) => r.id === 'sysctls')!.allowed);
});

test('field errors follow the fork: explicit and implicit runAsNonRoot, Required for missing seccomp', () => {
  const pod = {
    spec: {
      containers: [
        { name: 'a', image: 'x', securityContext: { runAsNonRoot: false } },
        { name: 'b', image: 'y' },
      ],
    },
  };
  const result = evaluatePod('restricted', 'v1.37', pod).results;
  const runAsNonRoot = result.find((r) => r.id === 'runAsNonRoot')!;
  assert.is(runAsNonRoot.forbiddenDetail, 'container "a" must not set securityContext.runAsNonRoot=false');
  assert.equal(runAsNonRoot.containers.map((c) => c.name), ['a']);
  assert.equal(runAsNonRoot.fieldErrors, [
    { type: 'Forbidden', field: 'spec.containers[0].securityContext.runAsNonRoot', badValue: false },
    { type: 'Required', field: 'spec.containers[1].securityContext.runAsNonRoot' },
  ]);
  const seccomp = result.find((r) => r.id === 'seccompProfile_restricted')!;
  assert.equal(seccomp.fieldErrors, [
    { type: 'Required', field: 'spec.containers[0].securityContext.seccompProfile.type' },
    { type: 'Required', field: 'spec.containers[1].securityContext.seccompProfile.type' },
  ]);
  const ape = result.find((r) => r.id === 'allowPrivilegeEscalation')!;
  assert.equal(ape.fieldErrors, [
    { type: 'Forbidden', field: 'spec.containers[0].securityContext.allowPrivilegeEscalation', badValue: 'nil' },
    { type: 'Required', field: 'spec.containers[1].securityContext.allowPrivilegeEscalation' },
  ]);
});

test('extractPodSpec: the template path per kind; missing templates', () => {
  const cron = { apiVersion: 'batch/v1', kind: 'CronJob', spec: { jobTemplate: { spec: { template: { metadata: { name: 't' }, spec: { hostPID: true } } } } } };
  const extracted = extractPodSpec(cron)!;
  assert.is(extracted.path, 'spec.jobTemplate.spec.template');
  assert.is(extracted.defaulting, 'template');
  assert.equal(extracted.spec, { hostPID: true });
  assert.is(extractPodSpec({ apiVersion: 'v1', kind: 'ReplicationController', spec: {} }), null);
  // A Deployment without a template is Go's zero template: an empty pod.
  const empty = extractPodSpec({ apiVersion: 'apps/v1', kind: 'Deployment', spec: {} })!;
  assert.is(empty.spec, undefined);
  assert.throws(() => extractPodSpec({ apiVersion: 'v1', kind: 'Service' }), /has no pod spec PSA evaluates/);
  assert.throws(() => extractPodSpec({ apiVersion: 'v1', kind: 'Deployment' }), /has no pod spec/);
  assert.throws(
    () => extractPodSpec({ apiVersion: 'apps/v1', kind: 'Deployment', spec: { template: 'x' } }),
    (error: unknown) => String(error) === 'spec.template: expected an object',
  );
  assert.is(extractPodSpec({ apiVersion: 'v1', kind: 'Pod', spec: {} })!.defaulting, 'pod');
});

test.run();
