/**
 * The `images` context variable (kyverno pkg/utils/api/image.go ExtractImagesFromResource with
 * the standard extractors, pkg/utils/image/infos.go GetImageInfo, pkg/engine/context
 * convertImagesToUnstructured): for Pods and pod controllers, `images.<initContainers|containers|
 * ephemeralContainers>.<container name>` = {registry, name, path, tag, digest, reference,
 * referenceWithTag, jsonPointer}, empty fields omitted. References are parsed with the grammar of
 * github.com/distribution/reference v0.6.0 and digests checked as opencontainers/go-digest v1.0.0
 * does, under the CLI's default configuration (defaultRegistry docker.io, registry mutation on).
 */
import { isObject, type JsonObject } from '../jmespath/index.ts';

const DEFAULT_REGISTRY = 'docker.io';

// distribution/reference regexp.go (v0.6.0)
const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const domainNameComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const optionalPort = '(?::[0-9]+)?';
const tagPat = '[\\w][\\w.-]{0,127}';
const digestPat = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}';
const ipv6address = '\\[(?:[a-fA-F0-9:]+)\\]';
const domainName = `${domainNameComponent}(?:\\.${domainNameComponent})*`;
const host = `(?:${domainName}|${ipv6address})`;
const domainAndPort = host + optionalPort;
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const remoteName = `${pathComponent}(?:/${pathComponent})*`;
const namePat = `(?:${domainAndPort}/)?${remoteName}`;
const REFERENCE_RE = new RegExp(`^(${namePat})(?::(${tagPat}))?(?:@(${digestPat}))?$`);
const ANCHORED_NAME_RE = new RegExp(`^(?:(${domainAndPort})/)?(${remoteName})$`);
const REPOSITORY_NAME_TOTAL_LENGTH_MAX = 255;

/** go-digest v1.0.0: the algorithms a Kyverno binary has available, with their hex lengths. */
const DIGEST_ALGORITHMS: Record<string, RegExp> = {
  sha256: /^[a-f0-9]{64}$/,
  sha384: /^[a-f0-9]{96}$/,
  sha512: /^[a-f0-9]{128}$/,
};
const DIGEST_SIZES: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };
const DIGEST_ANCHORED_RE = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** digest.Parse → Validate: the error message, or null when valid. */
function digestError(s: string): string | null {
  const i = s.indexOf(':');
  if (i <= 0 || i + 1 === s.length) return 'invalid checksum digest format';
  const algorithm = s.slice(0, i);
  const encoded = s.slice(i + 1);
  const re = Object.hasOwn(DIGEST_ALGORITHMS, algorithm) ? DIGEST_ALGORITHMS[algorithm]! : null;
  if (!re) return DIGEST_ANCHORED_RE.test(s) ? 'unsupported digest algorithm' : 'invalid checksum digest format';
  if (DIGEST_SIZES[algorithm] !== encoded.length) return 'invalid checksum digest length';
  return re.test(encoded) ? null : 'invalid checksum digest format';
}

interface ParsedReference {
  readonly domain: string;
  readonly path: string;
  readonly tag: string;
  readonly digest: string;
}

/** reference.Parse: the parts, or the error message. */
function parseReference(s: string): ParsedReference | string {
  const m = REFERENCE_RE.exec(s);
  if (!m) {
    if (s === '') return 'repository name must have at least one component';
    if (REFERENCE_RE.test(s.toLowerCase())) return 'repository name must be lowercase';
    return 'invalid reference format';
  }
  const nameMatch = ANCHORED_NAME_RE.exec(m[1]!);
  const domain = nameMatch ? (nameMatch[1] ?? '') : '';
  const path = nameMatch ? nameMatch[2]! : m[1]!;
  if (Buffer.byteLength(path, 'utf8') > REPOSITORY_NAME_TOTAL_LENGTH_MAX) return `repository name must not be more than ${REPOSITORY_NAME_TOTAL_LENGTH_MAX} characters`;
  const digest = m[3] ?? '';
  if (digest !== '') {
    const err = digestError(digest);
    if (err !== null) return err;
  }
  return { domain, path, tag: m[2] ?? '', digest };
}

/** addDefaultRegistry. */
function addDefaultRegistry(name: string): string {
  const i = name.indexOf('/');
  if (i === -1) return `${DEFAULT_REGISTRY}/${name}`;
  const first = name.slice(0, i);
  if (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first) return `${DEFAULT_REGISTRY}/${name}`;
  return name;
}

/** GetImageInfo as unstructured (JSON field order, empty optional fields omitted), or the error. */
export function imageInfo(image: string): JsonObject | string {
  const full = addDefaultRegistry(image);
  const ref = parseReference(full);
  if (typeof ref === 'string') return `bad image: ${full}, defaultRegistry: ${DEFAULT_REGISTRY}, enableDefaultRegistryMutation: true: ${ref}`;
  const registry = ref.domain;
  const path = ref.path;
  const name = path.slice(path.lastIndexOf('/') + 1);
  const tag = ref.digest === '' && ref.tag === '' ? 'latest' : ref.tag;
  const referenceWithTag = registry !== '' ? `${registry}/${path}:${tag}` : `${path}:${tag}`;
  const base = registry !== '' ? `${registry}/${path}` : path;
  const reference = ref.digest !== '' ? `${base}@${ref.digest}` : `${base}:${tag}`;
  const out: JsonObject = {};
  if (registry !== '') out['registry'] = registry;
  out['name'] = name;
  out['path'] = path;
  if (tag !== '') out['tag'] = tag;
  if (ref.digest !== '') out['digest'] = ref.digest;
  out['reference'] = reference;
  out['referenceWithTag'] = referenceWithTag;
  return out;
}

const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'];
const POD_SPEC_PATHS: Record<string, string[]> = {
  Pod: ['spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Deployment: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** extract(): walk `fields` ("*" = every element), collecting name → info; an error message on bad shapes. */
function extract(obj: unknown, path: string[], fields: readonly string[], out: JsonObject): string | null {
  if (obj === null || obj === undefined) return null;
  if (fields.length > 0 && fields[0] === '*') {
    if (Array.isArray(obj)) {
      for (let i = 0; i < obj.length; i++) {
        const err = extract(obj[i], [...path, String(i)], fields.slice(1), out);
        if (err !== null) return err;
      }
      return null;
    }
    if (isObject(obj)) {
      for (const [k, v] of Object.entries(obj)) {
        const err = extract(v, [...path, k], fields.slice(1), out);
        if (err !== null) return err;
      }
      return null;
    }
    return 'invalid type';
  }
  if (!isObject(obj)) return 'invalid image config';
  if (fields.length === 0) {
    const pointer = `/${path.join('/')}/image`;
    const key = obj['name'];
    if (typeof key !== 'string') return 'invalid key';
    const value = obj['image'];
    if (typeof value !== 'string' || value.trim() === '') return null;
    const info = imageInfo(value);
    if (typeof info === 'string') return `invalid image '${value}' (${info})`;
    out[key] = { ...info, jsonPointer: pointer };
    return null;
  }
  return extract(obj[fields[0]!], [...path, fields[0]!], fields.slice(1), out);
}

/**
 * ExtractImagesFromResource + convertImagesToUnstructured: the `images` value (empty when the kind
 * has no extractors or no images), or the error message that fails the load.
 */
export function extractImages(resource: JsonObject): JsonObject | string {
  const kind = typeof resource['kind'] === 'string' ? resource['kind'] : '';
  const specPath = Object.hasOwn(POD_SPEC_PATHS, kind) ? POD_SPEC_PATHS[kind]! : null;
  const result: JsonObject = {};
  if (!specPath) return result;
  for (const list of CONTAINER_LISTS) {
    const infos: JsonObject = {};
    const err = extract(resource, [], [...specPath, list, '*'], infos);
    if (err !== null) return err;
    if (Object.keys(infos).length > 0) result[list] = infos;
  }
  return result;
}
