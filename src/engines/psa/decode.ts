/**
 * Unstructured pod metadata + spec → the typed PodView the checks read, the way the apiserver
 * decodes (sigs.k8s.io/json: case-sensitive keys, unknown fields dropped, null = unset, wrong
 * JSON types rejected) and then defaults (kubernetes pkg/apis/core/v1/defaults.go). The input is
 * never mutated.
 *
 * Only the fields PSA reads are type-checked; a type error elsewhere in the object (which the
 * apiserver would also reject) is not detected here.
 */
import { KpcError } from '../../util/errors.ts';
import type {
  CapabilitiesView,
  ContainerKind,
  ContainerView,
  HandlerView,
  PodMetaView,
  PodSecurityContextView,
  PodSpecView,
  PodView,
  PortView,
  ProfileView,
  SeLinuxOptionsView,
  SecurityContextView,
  VolumeView,
  WindowsOptionsView,
} from './pod-model.ts';

/** The object's type does not decode into a v1 Pod field (the apiserver would reject it). */
export class PodDecodeError extends KpcError {
  constructor(field: string, message: string) {
    super(message, { field });
    this.name = 'PodDecodeError';
  }
}

/**
 * Which API defaulting applies:
 * - `pod`: a Pod object (SetDefaults_Pod + PodSpec): volumes without a source become emptyDir,
 *   and with hostNetwork each (init)container port with hostPort 0 gets hostPort = containerPort;
 * - `template`: a pod template inside a workload: only the PodSpec/Volume defaults (SetDefaults_Pod
 *   is Pod-only, so no hostPort defaulting);
 * - `none`: evaluate the object exactly as given.
 */
export type Defaulting = 'pod' | 'template' | 'none';

/** Every VolumeSource field of core/v1 (ptr.AllPtrFieldsNil decides the emptyDir default). */
export const VOLUME_SOURCE_FIELDS: readonly string[] = Object.freeze([
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi',
  'glusterfs', 'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc',
  'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected',
  'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
]);

const EMPTY_DIR_ONLY: ReadonlySet<string> = Object.freeze(new Set(['emptyDir'])) as ReadonlySet<string>;
const EMPTY_MAP: ReadonlyMap<string, string> = new Map();

export function decodePod(metadata: unknown, spec: unknown, defaulting: Defaulting = 'pod', root = ''): PodView {
  const at = (path: string) => (root ? `${root}.${path}` : path);
  return { metadata: decodeMeta(metadata, at('metadata')), spec: decodeSpec(spec, at('spec'), defaulting) };
}

function decodeMeta(value: unknown, path: string): PodMetaView {
  const meta = object(value, path);
  if (!meta) return { name: '', namespace: '', annotations: EMPTY_MAP };
  const annotationsValue = object(meta['annotations'], `${path}.annotations`);
  let annotations = EMPTY_MAP;
  if (annotationsValue) {
    const map = new Map<string, string>();
    for (const [key, raw] of Object.entries(annotationsValue)) {
      // A null map value decodes to the zero string.
      map.set(key, string(raw, `${path}.annotations[${key}]`) ?? '');
    }
    annotations = map;
  }
  return {
    name: string(meta['name'], `${path}.name`) ?? '',
    namespace: string(meta['namespace'], `${path}.namespace`) ?? '',
    annotations,
  };
}

function decodeSpec(value: unknown, path: string, defaulting: Defaulting): PodSpecView {
  const spec = object(value, path) ?? {};
  const hostNetwork = bool(spec['hostNetwork'], `${path}.hostNetwork`) ?? false;
  const os = object(spec['os'], `${path}.os`);
  const defaultHostPorts = defaulting === 'pod' && hostNetwork;
  return {
    hostNetwork,
    hostPID: bool(spec['hostPID'], `${path}.hostPID`) ?? false,
    hostIPC: bool(spec['hostIPC'], `${path}.hostIPC`) ?? false,
    hostUsers: bool(spec['hostUsers'], `${path}.hostUsers`),
    osName: os ? (string(os['name'], `${path}.os.name`) ?? '') : null,
    runtimeClassName: string(spec['runtimeClassName'], `${path}.runtimeClassName`),
    securityContext: podSecurityContext(spec['securityContext'], `${path}.securityContext`),
    initContainers: containers(spec['initContainers'], path, 'initContainers', defaultHostPorts),
    containers: containers(spec['containers'], path, 'containers', defaultHostPorts),
    // SetDefaults_Pod defaults host ports of containers and initContainers only.
    ephemeralContainers: containers(spec['ephemeralContainers'], path, 'ephemeralContainers', false),
    volumes: list(spec['volumes'], `${path}.volumes`).map((v, i) => volume(v, `${path}.volumes[${i}]`, defaulting !== 'none')),
  };
}

function podSecurityContext(value: unknown, path: string): PodSecurityContextView | null {
  const sc = object(value, path);
  if (!sc) return null;
  return {
    runAsNonRoot: bool(sc['runAsNonRoot'], `${path}.runAsNonRoot`),
    runAsUser: int(sc['runAsUser'], `${path}.runAsUser`, 64),
    seccompProfile: profile(sc['seccompProfile'], `${path}.seccompProfile`),
    seLinuxOptions: seLinuxOptions(sc['seLinuxOptions'], `${path}.seLinuxOptions`),
    appArmorProfile: profile(sc['appArmorProfile'], `${path}.appArmorProfile`),
    windowsOptions: windowsOptions(sc['windowsOptions'], `${path}.windowsOptions`),
    sysctls: list(sc['sysctls'], `${path}.sysctls`).map((s, i) => ({
      name: string(object(s, `${path}.sysctls[${i}]`)?.['name'], `${path}.sysctls[${i}].name`) ?? '',
    })),
  };
}

function containers(value: unknown, specPath: string, kind: ContainerKind, defaultHostPorts: boolean): ContainerView[] {
  return list(value, `${specPath}.${kind}`).map((item, index) => {
    const path = `${specPath}.${kind}[${index}]`;
    const c = object(item, path) ?? {};
    const lifecycle = object(c['lifecycle'], `${path}.lifecycle`);
    return {
      kind,
      index,
      name: string(c['name'], `${path}.name`) ?? '',
      image: string(c['image'], `${path}.image`) ?? '',
      securityContext: securityContext(c['securityContext'], `${path}.securityContext`),
      ports: list(c['ports'], `${path}.ports`).map((p, i) => port(p, `${path}.ports[${i}]`, defaultHostPorts)),
      livenessProbe: handler(c['livenessProbe'], `${path}.livenessProbe`),
      readinessProbe: handler(c['readinessProbe'], `${path}.readinessProbe`),
      startupProbe: handler(c['startupProbe'], `${path}.startupProbe`),
      lifecycle: lifecycle
        ? { postStart: handler(lifecycle['postStart'], `${path}.lifecycle.postStart`), preStop: handler(lifecycle['preStop'], `${path}.lifecycle.preStop`) }
        : null,
    };
  });
}

function securityContext(value: unknown, path: string): SecurityContextView | null {
  const sc = object(value, path);
  if (!sc) return null;
  return {
    privileged: bool(sc['privileged'], `${path}.privileged`),
    allowPrivilegeEscalation: bool(sc['allowPrivilegeEscalation'], `${path}.allowPrivilegeEscalation`),
    capabilities: capabilities(sc['capabilities'], `${path}.capabilities`),
    procMount: string(sc['procMount'], `${path}.procMount`),
    runAsNonRoot: bool(sc['runAsNonRoot'], `${path}.runAsNonRoot`),
    runAsUser: int(sc['runAsUser'], `${path}.runAsUser`, 64),
    seccompProfile: profile(sc['seccompProfile'], `${path}.seccompProfile`),
    seLinuxOptions: seLinuxOptions(sc['seLinuxOptions'], `${path}.seLinuxOptions`),
    appArmorProfile: profile(sc['appArmorProfile'], `${path}.appArmorProfile`),
    windowsOptions: windowsOptions(sc['windowsOptions'], `${path}.windowsOptions`),
  };
}

function capabilities(value: unknown, path: string): CapabilitiesView | null {
  const caps = object(value, path);
  if (!caps) return null;
  const strings = (key: string) => list(caps[key], `${path}.${key}`).map((s, i) => string(s, `${path}.${key}[${i}]`) ?? '');
  return { add: strings('add'), drop: strings('drop') };
}

function profile(value: unknown, path: string): ProfileView | null {
  const p = object(value, path);
  return p ? { type: string(p['type'], `${path}.type`) ?? '' } : null;
}

function seLinuxOptions(value: unknown, path: string): SeLinuxOptionsView | null {
  const o = object(value, path);
  if (!o) return null;
  return {
    type: string(o['type'], `${path}.type`) ?? '',
    user: string(o['user'], `${path}.user`) ?? '',
    role: string(o['role'], `${path}.role`) ?? '',
  };
}

function windowsOptions(value: unknown, path: string): WindowsOptionsView | null {
  const o = object(value, path);
  return o ? { hostProcess: bool(o['hostProcess'], `${path}.hostProcess`) } : null;
}

function port(value: unknown, path: string, defaultHostPort: boolean): PortView {
  const p = object(value, path) ?? {};
  const containerPort = int(p['containerPort'], `${path}.containerPort`, 32) ?? 0;
  const hostPort = int(p['hostPort'], `${path}.hostPort`, 32) ?? 0;
  return { containerPort, hostPort: defaultHostPort && hostPort === 0 ? containerPort : hostPort };
}

function handler(value: unknown, path: string): HandlerView | null {
  const h = object(value, path);
  if (!h) return null;
  const action = (key: string) => {
    const a = object(h[key], `${path}.${key}`);
    return a ? { host: string(a['host'], `${path}.${key}.host`) ?? '' } : null;
  };
  return { httpGet: action('httpGet'), tcpSocket: action('tcpSocket') };
}

function volume(value: unknown, path: string, applyDefaults: boolean): VolumeView {
  const v = object(value, path) ?? {};
  const sources = new Set<string>();
  for (const field of VOLUME_SOURCE_FIELDS) {
    if (object(v[field], `${path}.${field}`)) sources.add(field);
  }
  const hostPath = object(v['hostPath'], `${path}.hostPath`);
  const name = string(v['name'], `${path}.name`) ?? '';
  const hostPathPath = hostPath ? (string(hostPath['path'], `${path}.hostPath.path`) ?? '') : '';
  if (applyDefaults && sources.size === 0) {
    return { name, sources: EMPTY_DIR_ONLY, hostPathPath, defaultedToEmptyDir: true };
  }
  return { name, sources, hostPathPath, defaultedToEmptyDir: false };
}

// --- JSON-type readers: null/absent → null; a wrong type is a PodDecodeError naming the field ---

function object(value: unknown, path: string): Record<string, unknown> | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new PodDecodeError(path, `expected an object, found ${describe(value)}`);
}

function list(value: unknown, path: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  throw new PodDecodeError(path, `expected a list, found ${describe(value)}`);
}

function bool(value: unknown, path: string): boolean | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value;
  throw new PodDecodeError(path, `expected a boolean, found ${describe(value)}`);
}

function string(value: unknown, path: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  throw new PodDecodeError(path, `expected a string, found ${describe(value)}`);
}

const INT_LIMITS = { 32: [-(2 ** 31), 2 ** 31 - 1], 64: [-(2 ** 63), 2 ** 63 - 1] } as const;

function int(value: unknown, path: string, bits: 32 | 64): number | null {
  if (value === undefined || value === null) return null;
  const [min, max] = INT_LIMITS[bits];
  if (typeof value === 'bigint') {
    if (value >= BigInt(min) && value <= BigInt(max)) return Number(value);
  } else if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) {
    return value;
  }
  throw new PodDecodeError(path, `expected an int${bits}, found ${describe(value)}`);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `a string (${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)})`;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return `a ${typeof value} (${String(value)})`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
