import fc from 'fast-check';
import type { VariantKind } from '../types.ts';

/**
 * Random pods biased towards the fields the controls read and their edge values: a field missing,
 * null, false or true; case variants (`all` vs `ALL`, `runtimedefault`); empty lists; init and
 * ephemeral containers; Windows pods; hostUsers: false; UID 0; annotations naming a container or
 * none. Shapes stay API-valid where the engines rely on it: every container has a unique name and
 * an image, ephemeral containers have no ports, probes, lifecycle or resources.
 */

/** A field that is absent (the record key is optional), null, or one of the values. */
const nullable = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.oneof({ weight: 5, arbitrary: arb }, { weight: 1, arbitrary: fc.constant(null) });
const optionalRecord = <T extends Record<string, fc.Arbitrary<unknown>>>(model: T) => fc.record(model, { requiredKeys: [] });
const list = <T>(arb: fc.Arbitrary<T>, maxLength = 3) => nullable(fc.array(arb, { maxLength }));

const bool = nullable(fc.boolean());
const uid = nullable(fc.constantFrom(0, 1, 999, 1000, 1001, 65534, 2147483647));

const CAPABILITIES = ['ALL', 'all', 'All', 'NET_BIND_SERVICE', 'net_bind_service', 'CHOWN', 'SYS_ADMIN', 'NET_RAW', 'KILL', 'SYS_TIME', 'AUDIT_WRITE', 'SETFCAP', 'CAP_SYS_ADMIN', ''];
const PROFILE_TYPES = ['RuntimeDefault', 'Localhost', 'Unconfined', 'runtimedefault', 'RUNTIMEDEFAULT', ''];
const SELINUX_TYPES = ['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t', 'spc_t', 'unconfined_t'];
const SYSCTLS = [
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_slow_start_after_idle', 'kernel.msgmax', 'net.core.somaxconn', 'vm.swappiness', 'Kernel.Shm_rmid_forced',
];
const IMAGES = [
  'nginx', 'nginx:1.27', 'nginx:latest', 'nginx:Latest', 'registry.example:5000/app', 'registry.example:5000/app:v2',
  `registry.k8s.io/pause@sha256:${'a'.repeat(64)}`, `app:v1@sha256:${'0f'.repeat(32)}`, 'app@sha256:abc', 'ghcr.io/org/tool:2024.1',
];
const VOLUME_SOURCES = [
  'emptyDir', 'configMap', 'secret', 'persistentVolumeClaim', 'projected', 'downwardAPI', 'csi', 'ephemeral', 'image',
  'hostPath', 'nfs', 'gitRepo', 'iscsi', 'cephfs', 'flexVolume', 'azureFile',
];

const profile = (types: readonly string[]) => nullable(optionalRecord({ type: nullable(fc.constantFrom(...types)), localhostProfile: nullable(fc.constantFrom('profiles/audit.json', '')) }));
const seLinuxOptions = nullable(
  optionalRecord({
    type: nullable(fc.constantFrom(...SELINUX_TYPES)),
    user: nullable(fc.constantFrom('', 'system_u', 'unconfined_u')),
    role: nullable(fc.constantFrom('', 'system_r', 'object_r')),
    level: nullable(fc.constantFrom('', 's0:c123,c456')),
  }),
);
const windowsOptions = nullable(optionalRecord({ hostProcess: bool, runAsUserName: nullable(fc.constantFrom('ContainerUser', 'NT AUTHORITY\\SYSTEM')) }));

const containerSecurityContext = nullable(
  optionalRecord({
    privileged: bool,
    allowPrivilegeEscalation: bool,
    runAsNonRoot: bool,
    runAsUser: uid,
    runAsGroup: uid,
    readOnlyRootFilesystem: bool,
    procMount: nullable(fc.constantFrom('Default', 'Unmasked', 'unmasked', '')),
    capabilities: nullable(optionalRecord({ add: list(fc.constantFrom(...CAPABILITIES)), drop: list(fc.constantFrom(...CAPABILITIES)) })),
    seccompProfile: profile(PROFILE_TYPES),
    appArmorProfile: profile(PROFILE_TYPES),
    seLinuxOptions,
    windowsOptions,
  }),
);

const handler = fc.oneof(
  fc.record({ httpGet: optionalRecord({ port: fc.constant(8080), path: fc.constant('/healthz'), host: nullable(fc.constantFrom('', '127.0.0.1', 'example.com')) }) }),
  fc.record({ tcpSocket: optionalRecord({ port: fc.constant(8080), host: nullable(fc.constantFrom('', '10.0.0.1')) }) }),
  fc.record({ exec: fc.constant({ command: ['true'] }) }),
);
const quantity = (values: readonly string[]) => optionalRecord({ cpu: nullable(fc.constantFrom(...values)), memory: nullable(fc.constantFrom('64Mi', '1Gi')), 'ephemeral-storage': fc.constant('1Gi') });

/** A container's fields; `ephemeral` leaves out what ephemeral containers may not have. */
const containerBody = (ephemeral: boolean) =>
  ephemeral
    ? optionalRecord({ securityContext: containerSecurityContext })
    : optionalRecord({
        securityContext: containerSecurityContext,
        ports: list(optionalRecord({ containerPort: fc.constantFrom(80, 8080), hostPort: nullable(fc.constantFrom(0, 80, 8080)), protocol: fc.constant('TCP') })),
        livenessProbe: nullable(handler),
        readinessProbe: nullable(handler),
        startupProbe: nullable(handler),
        lifecycle: nullable(optionalRecord({ postStart: nullable(handler), preStop: nullable(handler) })),
        resources: nullable(optionalRecord({ requests: nullable(quantity(['100m', '1'])), limits: nullable(quantity(['500m', '2'])) })),
      });

/** Containers named `<prefix>-<i>` (unique in the pod), each with an image. */
const containers = (prefix: string, min: number, max: number, ephemeral = false) =>
  fc.array(fc.tuple(fc.constantFrom(...IMAGES), containerBody(ephemeral)), { minLength: min, maxLength: max }).map((items) =>
    items.map(([image, body], i) => ({ name: `${prefix}-${i}`, image, ...body })),
  );

/** Annotation keys the controls read, naming existing containers, missing ones, or none at all. */
const CONTAINER_NAMES = ['app-0', 'app-1', 'init-0', 'debug-0', 'missing'];
const annotationEntry = fc.oneof(
  fc.tuple(fc.constantFrom(...CONTAINER_NAMES.map((n) => `container.apparmor.security.beta.kubernetes.io/${n}`)), fc.constantFrom('runtime/default', 'localhost/profile', 'unconfined', '', 'Runtime/Default', null)),
  fc.tuple(fc.constant('seccomp.security.alpha.kubernetes.io/pod'), fc.constantFrom('runtime/default', 'docker/default', 'localhost/p.json', 'unconfined', '')),
  fc.tuple(fc.constantFrom(...CONTAINER_NAMES.map((n) => `container.seccomp.security.alpha.kubernetes.io/${n}`)), fc.constantFrom('runtime/default', 'unconfined', 'localhost/x', '')),
  fc.tuple(fc.constant('example.com/team'), fc.constant('payments')),
);
const annotations = fc.option(nullable(fc.array(annotationEntry, { maxLength: 3 }).map((entries) => Object.fromEntries(entries))), { nil: undefined });

const volume = fc.tuple(fc.constantFrom(...VOLUME_SOURCES, 'none'), fc.integer({ min: 0, max: 9 })).map(([source, i]) => {
  const v: Record<string, unknown> = { name: `vol-${i}` };
  if (source === 'hostPath') v['hostPath'] = { path: '/var/log' };
  else if (source === 'nfs') v['nfs'] = { server: 'nfs.example', path: '/' };
  else if (source === 'persistentVolumeClaim') v['persistentVolumeClaim'] = { claimName: 'data' };
  else if (source !== 'none') v[source] = {};
  return v; // 'none': no source at all, which API defaulting turns into an emptyDir
});

const podSecurityContext = nullable(
  optionalRecord({
    runAsNonRoot: bool,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    seccompProfile: profile(PROFILE_TYPES),
    appArmorProfile: profile(PROFILE_TYPES),
    seLinuxOptions,
    windowsOptions,
    sysctls: list(fc.record({ name: fc.constantFrom(...SYSCTLS), value: fc.constant('1') })),
  }),
);

export const podSpec = fc
  .tuple(
    containers('app', 1, 2),
    fc.option(containers('init', 0, 2), { nil: undefined }),
    fc.option(containers('debug', 0, 1, true), { nil: undefined }),
    optionalRecord({
      securityContext: podSecurityContext,
      hostNetwork: bool,
      hostPID: bool,
      hostIPC: bool,
      hostUsers: bool,
      os: nullable(optionalRecord({ name: fc.constantFrom('linux', 'windows', 'Windows') })),
      volumes: list(volume, 3),
      restartPolicy: fc.constantFrom('Always', 'OnFailure', 'Never'),
    }),
  )
  .map(([app, init, debug, rest]) => {
    const spec: Record<string, unknown> = { ...rest, containers: app };
    if (init !== undefined) spec['initContainers'] = init;
    if (debug !== undefined) spec['ephemeralContainers'] = debug;
    if (Array.isArray(spec['volumes'])) {
      // Volume names are unique in a pod (API validation).
      const seen = new Set<string>();
      spec['volumes'] = (spec['volumes'] as { name: string }[]).filter((v) => !seen.has(v.name) && seen.add(v.name));
    }
    return spec;
  });

export const pod = fc.tuple(annotations, podSpec).map(([podAnnotations, spec]) => {
  const metadata: Record<string, unknown> = { name: 'fuzz', labels: { app: 'fuzz' } };
  if (podAnnotations !== undefined) metadata['annotations'] = podAnnotations;
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec };
});

/** What one fuzz case admits: a pod, as itself or as the template of a pod controller, into a namespace. */
export interface FuzzInput {
  readonly pod: Record<string, unknown>;
  readonly kind: VariantKind;
  /** Index into the fuzz namespaces. */
  readonly namespace: number;
}

export function fuzzInput(kinds: readonly VariantKind[], namespaceWeights: readonly number[]): fc.Arbitrary<FuzzInput> {
  return fc.record({
    pod,
    // Half Pods, half controllers; a counterexample shrinks towards a Pod.
    kind: fc.oneof({ withCrossShrink: true }, { weight: 1, arbitrary: fc.constant(kinds[0]!) }, { weight: 1, arbitrary: fc.constantFrom(...kinds.slice(1)) }),
    namespace: fc.oneof(...namespaceWeights.map((weight, index) => ({ weight, arbitrary: fc.constant(index) }))),
  });
}
