/**
 * Loading a `kyverno test` case (cmd/cli/kubectl-kyverno/commands/test, apis/v1alpha1): the Test
 * document, its policies, resources (CLI defaulting: namespace "default" for namespaced kinds, nil
 * label/annotation maps made empty), exceptions, values and user info.
 */
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { KpcError } from '../../../util/errors.ts';
import { compareBytes } from '../../../util/files.ts';
import { readYamlObjects } from '../../../util/yaml.ts';
import { isObject, type JsonObject } from '../../jmespath/index.ts';
import { EXCEPTION_API_VERSIONS, loadPolicyException, type PolicyException } from '../exceptions.ts';
import { getApiVersion, getKind, getName, getNamespace, type RequestInfo } from '../match.ts';
import { InvalidPolicyError, loadKyvernoPolicy, type KyvernoPolicy } from '../policy.ts';
import { isClusterScopedKind } from '../resources.ts';
import { loadValidatingPolicy, type ValidatingPolicy } from '../vpol/policy.ts';

export interface TestResult {
  readonly index: number;
  readonly policy: string;
  readonly rule: string;
  readonly resources: readonly string[] | null;
  readonly resourceSpecs: readonly JsonObject[];
  readonly kind: string;
  readonly result: string;
  readonly raw: JsonObject;
}

export interface TestDefinition {
  readonly file: string;
  readonly line: number;
  readonly name: string;
  readonly dir: string;
  readonly policies: readonly string[];
  readonly resources: readonly string[];
  readonly exceptions: readonly string[];
  readonly variables: string;
  readonly userinfo: string;
  readonly inlineValues: JsonObject | null;
  readonly results: readonly TestResult[];
  readonly raw: JsonObject;
}

export interface LoadedResource {
  readonly object: JsonObject;
  readonly file: string;
  readonly line: number;
}

export interface LoadedPolicies {
  readonly kyverno: KyvernoPolicy[];
  readonly validating: ValidatingPolicy[];
  /** Policies Kyverno would skip as invalid, by name, with the reason. */
  readonly invalid: Map<string, string>;
  /** Policies of kinds this engine does not evaluate, by name → kind. */
  readonly unsupported: Map<string, string>;
}

export interface Values {
  readonly globalValues: Record<string, unknown>;
  readonly policies: readonly JsonObject[];
  readonly namespaceLabels: Map<string, Record<string, string>>;
  readonly namespaces: Map<string, JsonObject>;
  readonly subresources: readonly JsonObject[];
}

/** Every kyverno-test.yaml under the paths (a file path is taken as is), sorted. */
export function findTestFiles(paths: readonly string[], fileName = 'kyverno-test.yaml'): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => compareBytes(a.name, b.name))) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name === fileName) found.push(p);
    }
  };
  for (const path of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      throw new KpcError('no such file or directory', { file: path });
    }
    if (isDir) walk(path);
    else found.push(path);
  }
  return found;
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function loadTestFile(file: string): TestDefinition[] {
  const docs = readYamlObjects(file);
  return docs.map((doc) => {
    const raw = doc.value;
    if (raw['apiVersion'] === undefined || raw['kind'] === undefined || raw['name'] !== undefined) {
      throw new KpcError('test file uses a deprecated schema — please migrate to the latest format', { file, line: doc.line });
    }
    const metadata = isObject(raw['metadata']) ? raw['metadata'] : {};
    const results = (Array.isArray(raw['results']) ? raw['results'] : []).map((r, index): TestResult => {
      if (!isObject(r)) throw new KpcError(`results[${index}] is not an object`, { file, line: doc.line, field: `results[${index}]` });
      return {
        index,
        policy: typeof r['policy'] === 'string' ? r['policy'] : '',
        rule: typeof r['rule'] === 'string' ? r['rule'] : '',
        resources: Array.isArray(r['resources']) ? stringList(r['resources']) : null,
        resourceSpecs: Array.isArray(r['resourceSpecs']) ? r['resourceSpecs'].filter(isObject) : [],
        kind: typeof r['kind'] === 'string' ? r['kind'] : '',
        result: typeof r['result'] === 'string' ? r['result'] : '',
        raw: r,
      };
    });
    return {
      file,
      line: doc.line,
      name: typeof metadata['name'] === 'string' ? metadata['name'] : '',
      dir: dirname(file),
      policies: stringList(raw['policies']),
      resources: stringList(raw['resources']),
      exceptions: stringList(raw['exceptions']),
      variables: typeof raw['variables'] === 'string' ? raw['variables'] : '',
      userinfo: typeof raw['userinfo'] === 'string' ? raw['userinfo'] : '',
      inlineValues: isObject(raw['values']) ? raw['values'] : null,
      results,
      raw,
    };
  });
}

/**
 * YAML files under a path: a file, or a directory walked recursively (hidden entries skipped).
 * Symlinked directories are followed once: a loop is cut, never walked until the path is too long.
 */
function yamlFilesUnder(path: string, visited: Set<string> = new Set()): string[] {
  if (basename(path).startsWith('.')) return [];
  let stats;
  try {
    stats = statSync(path);
  } catch {
    throw new KpcError('no such file or directory', { file: path });
  }
  if (!stats.isDirectory()) return /\.(ya?ml|json)$/.test(path) ? [path] : [];
  const real = realpathSync(path);
  if (visited.has(real)) return [];
  visited.add(real);
  return readdirSync(path)
    .sort(compareBytes)
    .flatMap((name) => yamlFilesUnder(join(path, name), visited));
}

const KYVERNO_POLICY_GROUP = /^kyverno\.io\//;
const CEL_POLICY_GROUP = /^policies\.kyverno\.io\//;

export function loadPolicies(test: TestDefinition): LoadedPolicies {
  const out: LoadedPolicies = { kyverno: [], validating: [], invalid: new Map(), unsupported: new Map() };
  for (const p of test.policies) {
    for (const file of yamlFilesUnder(resolve(test.dir, p))) {
      for (const doc of readYamlObjects(file)) {
        const value = doc.value;
        const kind = getKind(value);
        const apiVersion = getApiVersion(value);
        const name = getName(value);
        const source = { file, line: doc.line };
        if (KYVERNO_POLICY_GROUP.test(apiVersion) && (kind === 'ClusterPolicy' || kind === 'Policy')) {
          try {
            out.kyverno.push(loadKyvernoPolicy(value, source));
          } catch (error) {
            if (!(error instanceof InvalidPolicyError)) throw error;
            out.invalid.set(name, error.toString());
          }
        } else if (CEL_POLICY_GROUP.test(apiVersion) && (kind === 'ValidatingPolicy' || kind === 'NamespacedValidatingPolicy')) {
          out.validating.push(loadValidatingPolicy(value, source));
        } else if (kind !== '') {
          out.unsupported.set(name, kind);
        }
      }
    }
  }
  return out;
}

// normalizeNilMaps: these keys with a null value become {} (resource.go).
const NIL_MAP_FIELDS = new Set(['annotations', 'labels', 'matchLabels', 'nodeSelector', 'data', 'stringData']);

function normalizeNilMaps(obj: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v === null && NIL_MAP_FIELDS.has(k)) out[k] = {};
    else if (isObject(v)) out[k] = normalizeNilMaps(v);
    else if (Array.isArray(v)) out[k] = v.map((x) => (isObject(x) ? normalizeNilMaps(x) : x));
    else out[k] = v;
  }
  return out;
}

export function loadResourceFiles(dir: string, paths: readonly string[]): LoadedResource[] {
  const out: LoadedResource[] = [];
  for (const p of paths) {
    for (const file of yamlFilesUnder(resolve(dir, p))) {
      for (const doc of readYamlObjects(file)) {
        let object = normalizeNilMaps(doc.value);
        if (getNamespace(object) === '' && !isClusterScopedKind(getApiVersion(object), getKind(object))) {
          const metadata = isObject(object['metadata']) ? object['metadata'] : {};
          object = { ...object, metadata: { ...metadata, namespace: 'default' } };
        }
        out.push({ object, file, line: doc.line });
      }
    }
  }
  return out;
}

/** resource.RemoveDuplicates: first of each group/kind/namespace/name wins. */
export function uniqueResources(resources: readonly LoadedResource[]): LoadedResource[] {
  const seen = new Set<string>();
  const out: LoadedResource[] = [];
  for (const r of resources) {
    const apiVersion = getApiVersion(r.object);
    const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
    const key = `${group}|${getKind(r.object)}|${getNamespace(r.object)}|${getName(r.object)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(r);
  }
  return out;
}

/** The CLI's resource key: apiVersion,kind,namespace,name. */
export const resourceKey = (o: JsonObject): string => `${getApiVersion(o)},${getKind(o)},${getNamespace(o)},${getName(o)}`;

export function loadExceptions(test: TestDefinition): PolicyException[] {
  const out: PolicyException[] = [];
  for (const p of test.exceptions) {
    for (const file of yamlFilesUnder(resolve(test.dir, p))) {
      for (const doc of readYamlObjects(file)) {
        if (getKind(doc.value) === 'PolicyException' && EXCEPTION_API_VERSIONS.has(getApiVersion(doc.value))) {
          out.push(loadPolicyException(doc.value, { file, line: doc.line }));
        } else if (getKind(doc.value) === 'PolicyException') {
          throw new KpcError(`unsupported PolicyException apiVersion ${getApiVersion(doc.value)} (CEL exceptions are not evaluated)`, { file, line: doc.line });
        }
      }
    }
  }
  return out;
}

function labelsOf(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

export function loadValues(test: TestDefinition): Values | null {
  let spec: JsonObject | null = test.inlineValues;
  if (test.variables !== '') {
    const file = resolve(test.dir, test.variables);
    const docs = readYamlObjects(file);
    const doc = docs[0];
    if (!doc) throw new KpcError('values file is empty', { file });
    if (doc.value['apiVersion'] === undefined || doc.value['kind'] === undefined) {
      throw new KpcError('values file uses a deprecated schema — please migrate to the latest format', { file, line: doc.line });
    }
    spec = doc.value;
  }
  if (!spec) return null;
  const namespaceLabels = new Map<string, Record<string, string>>();
  const namespaces = new Map<string, JsonObject>();
  for (const ns of Array.isArray(spec['namespaceSelector']) ? spec['namespaceSelector'].filter(isObject) : []) {
    namespaceLabels.set(String(ns['name'] ?? ''), labelsOf(ns['labels']));
  }
  for (const ns of Array.isArray(spec['namespaces']) ? spec['namespaces'].filter(isObject) : []) {
    const metadata = isObject(ns['metadata']) ? ns['metadata'] : {};
    const name = String(metadata['name'] ?? '');
    namespaceLabels.set(name, labelsOf(metadata['labels']));
    namespaces.set(name, ns);
  }
  return {
    globalValues: isObject(spec['globalValues']) ? { ...spec['globalValues'] } : {},
    policies: Array.isArray(spec['policies']) ? spec['policies'].filter(isObject) : [],
    namespaceLabels,
    namespaces,
    subresources: Array.isArray(spec['subresources']) ? spec['subresources'].filter(isObject) : [],
  };
}

export function loadUserInfo(test: TestDefinition): RequestInfo | null {
  if (test.userinfo === '') return null;
  const file = resolve(test.dir, test.userinfo);
  const doc = readYamlObjects(file)[0];
  if (!doc) throw new KpcError('user info file is empty', { file });
  const v = doc.value;
  if (v['apiVersion'] === undefined || v['kind'] === undefined) {
    throw new KpcError('userInfo file uses a deprecated schema — please migrate to the latest format', { file, line: doc.line });
  }
  const list = (x: unknown): string[] | null => (Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : null);
  const user = isObject(v['userInfo']) ? v['userInfo'] : {};
  return {
    roles: list(v['roles']),
    clusterRoles: list(v['clusterRoles']),
    userInfo: { username: typeof user['username'] === 'string' ? user['username'] : '', uid: typeof user['uid'] === 'string' ? user['uid'] : '', groups: list(user['groups']) },
  };
}
