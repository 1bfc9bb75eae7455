// Namespace labels (api/helpers.go PolicyToEvaluate, cases from helpers_test.go), namespace
// requests (admission.go ValidateNamespace, cases after admission_test.go) and the PodSecurity
// configuration file (admission/api: defaults, validation, AdmissionConfiguration wrapping).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  admit,
  DEFAULT_CONFIGURATION,
  LATEST,
  loadPodSecurityConfiguration,
  majorMinor,
  parsePodSecurityConfiguration,
  policyToEvaluate,
  PRIVILEGED_POLICY,
  type AdmissionEnvironment,
  type LevelVersion,
  type PodSecurityPolicy,
} from '../../../src/engines/psa/index.ts';

const lv = (level: LevelVersion['level'], version = LATEST): LevelVersion => ({ level, version });
const P = lv('privileged');
const labels = (...pairs: string[]) => {
  const out: Record<string, string> = {};
  for (let i = 0; i < pairs.length; i += 2) out[`pod-security.kubernetes.io/${pairs[i]}`] = pairs[i + 1]!;
  return out;
};

const cases: [string, Record<string, string>, PodSecurityPolicy, boolean][] = [
  ['simple enforce', labels('enforce', 'baseline'), { enforce: lv('baseline'), warn: lv('baseline'), audit: P }, false],
  ['simple warn', labels('warn', 'restricted'), { enforce: P, warn: lv('restricted'), audit: P }, false],
  ['simple audit', labels('audit', 'baseline'), { enforce: P, warn: P, audit: lv('baseline') }, false],
  ['enforce & warn', labels('enforce', 'baseline', 'warn', 'restricted'), { enforce: lv('baseline'), warn: lv('restricted'), audit: P }, false],
  ['enforce version', labels('enforce', 'baseline', 'enforce-version', 'v1.22'), { enforce: lv('baseline', majorMinor(1, 22)), warn: lv('baseline', majorMinor(1, 22)), audit: P }, false],
  [
    'enforce version & warn-version',
    labels('enforce', 'baseline', 'enforce-version', 'v1.22', 'warn-version', 'latest'),
    { enforce: lv('baseline', majorMinor(1, 22)), warn: lv('baseline'), audit: P },
    false,
  ],
  ['enforce & warn-version', labels('enforce', 'baseline', 'warn-version', 'v1.23'), { enforce: lv('baseline'), warn: lv('baseline', majorMinor(1, 23)), audit: P }, false],
  [
    'fully specified',
    labels('enforce', 'baseline', 'enforce-version', 'v1.20', 'warn', 'restricted', 'warn-version', 'v1.21', 'audit', 'restricted', 'audit-version', 'v1.22'),
    { enforce: lv('baseline', majorMinor(1, 20)), warn: lv('restricted', majorMinor(1, 21)), audit: lv('restricted', majorMinor(1, 22)) },
    false,
  ],
  ['enforce no warn', labels('enforce', 'baseline', 'warn', 'privileged'), { enforce: lv('baseline'), warn: P, audit: P }, false],
  ['enforce, invalid warn fails open', labels('enforce', 'baseline', 'warn', 'foo'), { enforce: lv('baseline'), warn: P, audit: P }, true],
  ['invalid enforce fails closed and does not set warn', labels('enforce', 'foo'), { enforce: lv('restricted'), warn: P, audit: P }, true],
  ['invalid audit fails open', labels('audit', 'Restricted'), { enforce: P, warn: P, audit: P }, true],
  ['invalid version becomes latest', labels('enforce', 'baseline', 'enforce-version', 'v1.025'), { enforce: lv('baseline'), warn: lv('baseline'), audit: P }, true],
  ['no implicit audit', labels('enforce', 'restricted'), { enforce: lv('restricted'), warn: lv('restricted'), audit: P }, false],
];

for (const [name, input, expected, expectErrors] of cases) {
  test(`policyToEvaluate: ${name}`, () => {
    const { policy, errors } = policyToEvaluate(input, PRIVILEGED_POLICY);
    assert.equal(policy, expected);
    assert.is(errors.length > 0, expectErrors);
  });
}

test('policyToEvaluate: implicit warn only when enforce is stricter than the default warn', () => {
  const defaults: PodSecurityPolicy = { enforce: P, audit: P, warn: lv('restricted', majorMinor(1, 30)) };
  assert.equal(policyToEvaluate(labels('enforce', 'baseline'), defaults).policy.warn, lv('restricted', majorMinor(1, 30)));
  assert.equal(policyToEvaluate({}, defaults).policy, defaults);
  assert.equal(policyToEvaluate(null, defaults).policy, defaults);
});

test('policyToEvaluate: error text as field.Invalid prints it', () => {
  const { errors } = policyToEvaluate(labels('enforce-version', '1.25'));
  assert.is(errors[0]!.message, 'metadata.labels[pod-security.kubernetes.io/enforce-version]: Invalid value: "1.25": must be "latest" or "v1.x"');
});

// --- namespace requests ---

function namespace(l: Record<string, string>) {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'test', labels: l } };
}
const config = parsePodSecurityConfiguration({
  apiVersion: 'pod-security.admission.config.k8s.io/v1',
  kind: 'PodSecurityConfiguration',
  exemptions: { namespaces: ['test-exempt'], runtimeClasses: ['kata'] },
});
const exemptConfig = parsePodSecurityConfiguration({
  apiVersion: 'pod-security.admission.config.k8s.io/v1',
  kind: 'PodSecurityConfiguration',
  exemptions: { namespaces: ['test'] },
});

function existingPod(name: string, spec: Record<string, unknown>, controllerUid?: string) {
  const metadata: Record<string, unknown> = { name, namespace: 'test' };
  if (controllerUid) metadata['ownerReferences'] = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: controllerUid, controller: true }];
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec };
}
const hostPid = { hostPID: true, containers: [{ name: 'c', image: 'x' }] };
const hostPidPrivileged = { hostPID: true, containers: [{ name: 'c', image: 'x', securityContext: { privileged: true } }] };
const pods = [
  existingPod('pod-b', hostPid),
  existingPod('pod-a', hostPid),
  existingPod('pod-c', hostPidPrivileged),
  existingPod('clean', { containers: [{ name: 'c', image: 'x' }] }),
  existingPod('kata-pod', { ...hostPidPrivileged, runtimeClassName: 'kata' }),
];

const update = (next: Record<string, string>, previous: Record<string, string>, environment: AdmissionEnvironment) =>
  admit({ operation: 'UPDATE', object: namespace(next), oldObject: namespace(previous) }, environment);

test('namespace CREATE: valid labels pass, invalid ones are rejected as Invalid', () => {
  assert.ok(admit({ operation: 'CREATE', object: namespace(labels('enforce', 'restricted')) }, { configuration: config }).allowed);
  const response = admit({ operation: 'CREATE', object: namespace(labels('enforce', 'unknown')) }, { configuration: config });
  assert.equal(response.status, {
    code: 422,
    reason: 'Invalid',
    message: 'Namespace "test" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "unknown": must be one of privileged, baseline, restricted',
  });
  const version = admit({ operation: 'CREATE', object: namespace(labels('enforce', 'privileged', 'enforce-version', 'unknown')) }, { configuration: config });
  assert.match(version.status!.message, /must be "latest" or "v1.x"$/);
});

test('namespace CREATE in an exempt namespace warns that the policy is ignored', () => {
  const response = admit({ operation: 'CREATE', object: namespace(labels('enforce', 'restricted')) }, { configuration: exemptConfig });
  assert.equal(response.warnings, ['namespace "test" is exempt from Pod Security, and the policy (enforce=restricted:latest) will be ignored']);
});

test('namespace UPDATE: unchanged label errors are tolerated, new ones rejected', () => {
  assert.ok(update(labels('enforce', 'unknown'), labels('enforce', 'unknown'), { configuration: config }).allowed);
  assert.ok(update(labels('enforce', 'baseline', 'enforce-version', 'unknown'), labels('enforce', 'baseline', 'enforce-version', 'unknown'), { configuration: config }).allowed);
  assert.not.ok(update(labels('enforce', 'unknown'), labels('enforce', 'restricted', 'enforce-version', 'v1.0'), { configuration: config }).allowed);
  assert.not.ok(update(labels('enforce', 'Restricted'), labels('enforce', 'unknown'), { configuration: config }).allowed);
});

test('namespace UPDATE that does not tighten enforce runs no dry run', () => {
  const environment = { configuration: config, existingPods: pods };
  const quiet = { allowed: true, warnings: [], auditAnnotations: {} };
  assert.equal(update(labels('enforce', 'restricted', 'enforce-version', 'v1.0'), labels('enforce', 'restricted', 'enforce-version', 'v1.0'), environment), quiet);
  assert.equal(update(labels('enforce', 'baseline', 'enforce-version', 'v1.0'), labels('enforce', 'restricted', 'enforce-version', 'v1.0'), environment), quiet);
  assert.equal(update(labels('enforce', 'baseline'), labels('enforce', 'restricted'), environment), quiet);
  assert.equal(update(labels('enforce', 'privileged'), labels('enforce', 'restricted', 'enforce-version', 'v1.0'), environment), quiet);
  assert.equal(update({}, labels('enforce', 'restricted', 'enforce-version', 'v1.0'), environment), quiet);
});

test('namespace UPDATE that tightens enforce dry-runs existing pods and only warns', () => {
  const response = update(labels('enforce', 'baseline'), {}, { configuration: config, existingPods: pods });
  assert.ok(response.allowed);
  assert.equal(response.warnings, [
    'existing pods in namespace "test" violate the new PodSecurity enforce level "baseline:latest"',
    'pod-a (and 1 other pod): host namespaces',
    'pod-c: host namespaces, privileged',
  ]);
});

test('dry run: bounded pod count, one representative per controller first', () => {
  const replicas = [
    existingPod('rs1-a', hostPid, 'uid-1'),
    existingPod('rs1-b', hostPid, 'uid-1'),
    existingPod('rs1-c', hostPid, 'uid-1'),
    existingPod('single', hostPidPrivileged),
  ];
  const response = update(labels('enforce', 'baseline'), {}, { configuration: config, existingPods: replicas, maxPodsToCheck: 2 });
  assert.equal(response.warnings, [
    'new PodSecurity enforce level only checked against the first 2 of 4 existing pods',
    'existing pods in namespace "test" violate the new PodSecurity enforce level "baseline:latest"',
    'rs1-a: host namespaces',
    'single: host namespaces, privileged',
  ]);
  const all = update(labels('enforce', 'baseline'), {}, { configuration: config, existingPods: replicas });
  assert.equal(all.warnings.slice(1), ['rs1-a (and 2 other pods): host namespaces', 'single: host namespaces, privileged']);
});

test('namespace UPDATE of an exempt namespace warns instead of dry-running', () => {
  const response = update(
    labels('enforce', 'restricted', 'enforce-version', 'v1.0', 'audit', 'restricted', 'warn', 'baseline'),
    {},
    { configuration: exemptConfig, existingPods: pods },
  );
  assert.equal(response.warnings, [
    'namespace "test" is exempt from Pod Security, and the policy (enforce=restricted:v1.0, audit=restricted:latest, warn=baseline:latest) will be ignored',
  ]);
});

// --- configuration files ---

const tmp = mkdtempSync(join(tmpdir(), 'kpc-psa-config-'));
const write = (name: string, text: string) => {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
};

test('AdmissionConfiguration with an embedded PodSecurity configuration; missing fields default to privileged/latest', () => {
  const file = write(
    'admission.yaml',
    `apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
- name: PodSecurity
  configuration:
    apiVersion: pod-security.admission.config.k8s.io/v1
    kind: PodSecurityConfiguration
    defaults:
      enforce: baseline
      enforce-version: v1.30
      warn: restricted
    exemptions:
      usernames: [system:serviceaccount:kube-system:replicaset-controller]
      namespaces: [kube-system]
      runtimeClasses: [kata.example.com]
`,
  );
  const configuration = loadPodSecurityConfiguration(file);
  assert.equal(configuration.defaults, { enforce: lv('baseline', majorMinor(1, 30)), warn: lv('restricted'), audit: P });
  assert.equal(configuration.exemptions, {
    usernames: ['system:serviceaccount:kube-system:replicaset-controller'],
    namespaces: ['kube-system'],
    runtimeClasses: ['kata.example.com'],
  });
});

test('AdmissionConfiguration pointing at a separate file by a relative path; bare v1beta1 configuration', () => {
  write('podsecurity.yaml', 'apiVersion: pod-security.admission.config.k8s.io/v1beta1\nkind: PodSecurityConfiguration\ndefaults:\n  audit: restricted\n');
  const file = write('admission-path.yaml', 'apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n  path: podsecurity.yaml\n');
  assert.equal(loadPodSecurityConfiguration(file).defaults.audit, lv('restricted'));
  const none = write('admission-none.yaml', 'apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: Other\n');
  assert.equal(loadPodSecurityConfiguration(none), DEFAULT_CONFIGURATION);
});

test('invalid configurations are rejected with every problem named', () => {
  const file = write(
    'invalid.yaml',
    `apiVersion: pod-security.admission.config.k8s.io/v1
kind: PodSecurityConfiguration
defaults:
  enforce: strict
  warn-version: "1.25"
exemptions:
  usernames: [alice, "", alice]
  namespaces: [Kube-System, a.b]
  runtimeClasses: [ok.example.com, -bad]
`,
  );
  try {
    loadPodSecurityConfiguration(file);
    assert.unreachable('should have thrown');
  } catch (error) {
    const message = String(error);
    assert.match(message, /invalid\.yaml/);
    assert.match(message, /defaults\.enforce: Invalid value: "strict": must be one of privileged, baseline, restricted/);
    assert.match(message, /defaults\.warn-version: Invalid value: "1\.25": must be "latest" or "v1\.x"/);
    assert.match(message, /exemptions\.namespaces\[0\]: Invalid value: "Kube-System": a lowercase RFC 1123 label/);
    assert.match(message, /exemptions\.namespaces\[1\]: Invalid value: "a\.b": must not contain dots/);
    assert.match(message, /exemptions\.runtimeClasses\[1\]: Invalid value: "-bad": a lowercase RFC 1123 subdomain/);
    assert.match(message, /exemptions\.usernames\[1\]: Invalid value: "": username must not be empty/);
    assert.match(message, /exemptions\.usernames\[2\]: Duplicate value: "alice"/);
  }
  assert.throws(() => parsePodSecurityConfiguration({ apiVersion: 'v1', kind: 'ConfigMap' }), /expected kind PodSecurityConfiguration/);
});

test.run();
