// Admission decisions for Pods and workloads (admission/admission.go, response.go): enforce only
// on Pods, warn/audit on both, exemptions, label errors, subresources, update significance.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { admit, DEFAULT_CONFIGURATION, parsePodSecurityConfiguration, type AdmissionEnvironment, type AdmissionRequest } from '../../../src/engines/psa/index.ts';

const HOST_PID_MESSAGE = 'host namespaces (hostPID=true)';

function pod(spec: Record<string, unknown>, name = 'p'): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'test' }, spec };
}

function deployment(spec: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', namespace: 'test' },
    spec: { selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec } },
  };
}

const hostPidSpec = { hostPID: true, containers: [{ name: 'c', image: 'x' }] };
const cleanSpec = { containers: [{ name: 'c', image: 'x' }] };

const config = parsePodSecurityConfiguration({
  apiVersion: 'pod-security.admission.config.k8s.io/v1',
  kind: 'PodSecurityConfiguration',
  exemptions: { usernames: ['admin'], namespaces: ['kube-system'], runtimeClasses: ['kata'] },
});

function env(labels: Record<string, string> | null, extra: Partial<AdmissionEnvironment> = {}): AdmissionEnvironment {
  return { configuration: config, namespace: { labels }, ...extra };
}

const create = (object: Record<string, unknown>, more: Partial<AdmissionRequest> = {}): AdmissionRequest => ({ operation: 'CREATE', object, ...more });

test('enforce denies a Pod with a Forbidden status and PSA message; warnings are dropped when denying', () => {
  const response = admit(create(pod(hostPidSpec)), env({ 'pod-security.kubernetes.io/enforce': 'baseline' }));
  assert.not.ok(response.allowed);
  assert.equal(response.status, {
    code: 403,
    reason: 'Forbidden',
    message: `pods "p" is forbidden: violates PodSecurity "baseline:latest": ${HOST_PID_MESSAGE}`,
  });
  assert.equal(response.warnings, []);
  assert.equal(response.auditAnnotations, { 'pod-security.kubernetes.io/enforce-policy': 'baseline:latest' });
});

test('NewForbidden leaves out an empty name', () => {
  const unnamed = { apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'p-' }, spec: hostPidSpec };
  const response = admit(create(unnamed, { namespace: 'test' }), env({ 'pod-security.kubernetes.io/enforce': 'baseline' }));
  assert.is(response.status?.message, `pods is forbidden: violates PodSecurity "baseline:latest": ${HOST_PID_MESSAGE}`);
});

test('warn and audit on an allowed Pod: warning header and audit-violations annotation, version as labelled', () => {
  const response = admit(
    create(pod(hostPidSpec)),
    env({ 'pod-security.kubernetes.io/warn': 'baseline', 'pod-security.kubernetes.io/warn-version': 'v1.99', 'pod-security.kubernetes.io/audit': 'baseline' }),
  );
  assert.ok(response.allowed);
  assert.equal(response.warnings, [`would violate PodSecurity "baseline:v1.99": ${HOST_PID_MESSAGE}`]);
  assert.equal(response.auditAnnotations, {
    'pod-security.kubernetes.io/enforce-policy': 'privileged:latest',
    'pod-security.kubernetes.io/audit-violations': `would violate PodSecurity "baseline:latest": ${HOST_PID_MESSAGE}`,
  });
});

test('workloads are never enforced: the implicit warn (and audit) report the template', () => {
  const response = admit(
    create(deployment(hostPidSpec)),
    env({ 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/audit': 'baseline' }),
  );
  assert.ok(response.allowed);
  assert.is(response.status, undefined);
  assert.is(response.warnings.length, 1);
  assert.ok(response.warnings[0]!.startsWith(`would violate PodSecurity "restricted:latest": ${HOST_PID_MESSAGE}, `));
  assert.equal(response.auditAnnotations, {
    'pod-security.kubernetes.io/audit-violations': `would violate PodSecurity "baseline:latest": ${HOST_PID_MESSAGE}`,
  });
});

test('workloads short-circuit when warn and audit are privileged, even under a strict enforce', () => {
  const response = admit(create(deployment(hostPidSpec)), env({ 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'privileged' }));
  assert.equal(response, { allowed: true, warnings: [], auditAnnotations: {} });
});

test('a fully privileged namespace short-circuits Pods with enforce-policy privileged:latest', () => {
  for (const labels of [null, {}, { unrelated: 'x' }] as (Record<string, string> | null)[]) {
    const response = admit(create(pod(hostPidSpec)), env(labels));
    assert.equal(response, { allowed: true, warnings: [], auditAnnotations: { 'pod-security.kubernetes.io/enforce-policy': 'privileged:latest' } });
  }
});

test('an invalid enforce level fails closed (restricted) and is reported in the error annotation', () => {
  const response = admit(create(pod(cleanSpec)), env({ 'pod-security.kubernetes.io/enforce': 'Baseline' }));
  assert.not.ok(response.allowed);
  assert.match(response.status!.message, /^pods "p" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false/);
  assert.is(
    response.auditAnnotations['pod-security.kubernetes.io/error'],
    'Failed to parse policy: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "Baseline": must be one of privileged, baseline, restricted',
  );
});

test('an invalid warn level fails open but disables the privileged short-circuit', () => {
  const response = admit(create(pod(hostPidSpec)), env({ 'pod-security.kubernetes.io/warn': 'strict', 'pod-security.kubernetes.io/audit-version': 'v1.x' }));
  assert.ok(response.allowed);
  assert.equal(response.warnings, []);
  assert.equal(response.auditAnnotations, {
    'pod-security.kubernetes.io/error':
      'Failed to parse policy: [metadata.labels[pod-security.kubernetes.io/audit-version]: Invalid value: "v1.x": must be "latest" or "v1.x", metadata.labels[pod-security.kubernetes.io/warn]: Invalid value: "strict": must be one of privileged, baseline, restricted]',
    'pod-security.kubernetes.io/enforce-policy': 'privileged:latest',
  });
});

test('exemptions: namespace, then user (before the namespace lookup), then runtimeClass', () => {
  const strict = { 'pod-security.kubernetes.io/enforce': 'restricted' };
  assert.equal(admit(create(pod(hostPidSpec), { namespace: 'kube-system', username: 'admin' }), { configuration: config }).auditAnnotations, {
    'pod-security.kubernetes.io/exempt': 'namespace',
  });
  assert.equal(admit(create(pod(hostPidSpec), { username: 'admin' }), { configuration: config, namespace: { lookupError: 'boom' } }).auditAnnotations, {
    'pod-security.kubernetes.io/exempt': 'user',
  });
  const kata = admit(create(pod({ ...hostPidSpec, runtimeClassName: 'kata' })), env(strict));
  assert.equal(kata, { allowed: true, warnings: [], auditAnnotations: { 'pod-security.kubernetes.io/exempt': 'runtimeClass' } });
  // Exact matches only; the username of a controller is not the user's.
  assert.not.ok(admit(create(pod(hostPidSpec), { username: 'Admin' }), env(strict)).allowed);
  assert.not.ok(admit(create(pod({ ...hostPidSpec, runtimeClassName: 'kata-fc' })), env(strict)).allowed);
  // The built-in configuration exempts nothing.
  assert.not.ok(admit(create(pod(hostPidSpec), { namespace: 'kube-system' }), { configuration: DEFAULT_CONFIGURATION, namespace: { labels: strict } }).allowed);
});

test('namespace lookup failure: Pods are denied, workloads allowed with an error annotation', () => {
  const broken: AdmissionEnvironment = { configuration: config, namespace: { lookupError: 'etcd unavailable' } };
  const denied = admit(create(pod(cleanSpec)), broken);
  assert.equal(denied.status, { code: 500, reason: 'InternalError', message: 'Internal error occurred: failed to lookup namespace "test"' });
  assert.is(denied.auditAnnotations['pod-security.kubernetes.io/error'], 'Internal error occurred: failed to lookup namespace "test": etcd unavailable');
  const workload = admit(create(deployment(cleanSpec)), broken);
  assert.equal(workload, {
    allowed: true,
    warnings: [],
    auditAnnotations: { 'pod-security.kubernetes.io/error': 'failed to lookup namespace "test": etcd unavailable' },
  });
});

test('subresources: ignored ones pass untouched; ephemeralcontainers is evaluated as a Pod', () => {
  const baseline = env({ 'pod-security.kubernetes.io/enforce': 'baseline' });
  for (const subresource of ['status', 'exec', 'binding', 'eviction']) {
    assert.equal(admit({ operation: 'UPDATE', object: pod(hostPidSpec), oldObject: pod(hostPidSpec), subresource }, baseline), { allowed: true, warnings: [], auditAnnotations: {} });
  }
  const before = pod(cleanSpec);
  const after = pod({ ...cleanSpec, ephemeralContainers: [{ name: 'debugger', image: 'busybox', securityContext: { privileged: true } }] });
  const response = admit({ operation: 'UPDATE', object: after, oldObject: before, subresource: 'ephemeralcontainers' }, baseline);
  assert.not.ok(response.allowed);
  assert.is(response.status!.message, 'pods "p" is forbidden: violates PodSecurity "baseline:latest": privileged (container "debugger" must not set securityContext.privileged=true)');
  // Workload subresources (scale) are skipped.
  assert.equal(admit({ ...create(deployment(hostPidSpec)), operation: 'UPDATE', subresource: 'scale' }, env({ 'pod-security.kubernetes.io/warn': 'baseline' })).warnings, []);
});

test('Pod UPDATE is evaluated only when significant (container count, images, new ephemeral containers)', () => {
  const baseline = env({ 'pod-security.kubernetes.io/enforce': 'baseline' });
  const old = pod(hostPidSpec);
  const relabelled = { ...pod(hostPidSpec), metadata: { name: 'p', namespace: 'test', labels: { a: 'b' }, annotations: { 'container.apparmor.security.beta.kubernetes.io/c': 'unconfined' } } };
  assert.equal(admit({ operation: 'UPDATE', object: relabelled, oldObject: old }, baseline), { allowed: true, warnings: [], auditAnnotations: {} });
  const newImage = pod({ hostPID: true, containers: [{ name: 'c', image: 'y' }] });
  assert.not.ok(admit({ operation: 'UPDATE', object: newImage, oldObject: old }, baseline).allowed);
  const added = pod({ hostPID: true, containers: [{ name: 'c', image: 'x' }, { name: 'd', image: 'x' }] });
  assert.not.ok(admit({ operation: 'UPDATE', object: added, oldObject: old }, baseline).allowed);
});

test('decode failures: a Pod is denied (BadRequest), a workload allowed with an error annotation', () => {
  const baseline = env({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'baseline' });
  const badPod = pod({ containers: [{ name: 'c', image: 'x', securityContext: { privileged: 'true' } }] });
  const response = admit(create(badPod), baseline);
  assert.is(response.status?.code, 400);
  assert.is(response.status?.message, 'failed to decode object');
  assert.match(response.auditAnnotations['pod-security.kubernetes.io/error']!, /spec\.containers\[0\]\.securityContext\.privileged: expected a boolean/);
  const badDeployment = deployment({ containers: [{ name: 'c', image: 'x', ports: [{ hostPort: 'eighty' }] }] });
  const workload = admit(create(badDeployment), baseline);
  assert.ok(workload.allowed);
  assert.match(workload.auditAnnotations['pod-security.kubernetes.io/error']!, /^failed to decode object: .*spec\.template\.spec\.containers\[0\]\.ports\[0\]\.hostPort: expected an int32/);
});

test('other operations and resources are not PSA\'s business', () => {
  const strict = env({ 'pod-security.kubernetes.io/enforce': 'restricted' });
  assert.ok(admit({ operation: 'DELETE', object: pod(hostPidSpec) }, strict).allowed);
  const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'test' } };
  assert.equal(admit(create(configMap), strict), { allowed: true, warnings: [], auditAnnotations: {} });
  // A ReplicationController without a template has nothing to evaluate.
  const rc = { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rc', namespace: 'test' }, spec: {} };
  assert.equal(admit(create(rc), strict), { allowed: true, warnings: [], auditAnnotations: {} });
});

test('CronJob and the other workload kinds are audited through their templates', () => {
  const template = { spec: hostPidSpec };
  const objects = [
    { apiVersion: 'batch/v1', kind: 'CronJob', spec: { schedule: '* * * * *', jobTemplate: { spec: { template } } } },
    { apiVersion: 'batch/v1', kind: 'Job', spec: { template } },
    { apiVersion: 'apps/v1', kind: 'DaemonSet', spec: { template } },
    { apiVersion: 'apps/v1', kind: 'StatefulSet', spec: { template } },
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', spec: { template } },
    { apiVersion: 'v1', kind: 'ReplicationController', spec: { template } },
    { apiVersion: 'v1', kind: 'PodTemplate', template },
  ];
  for (const object of objects) {
    const response = admit(create({ ...object, metadata: { name: 'w', namespace: 'test' } }), env({ 'pod-security.kubernetes.io/audit': 'baseline' }));
    assert.ok(response.allowed, object.kind);
    assert.is(response.auditAnnotations['pod-security.kubernetes.io/audit-violations'], `would violate PodSecurity "baseline:latest": ${HOST_PID_MESSAGE}`, object.kind);
  }
});

test.run();
