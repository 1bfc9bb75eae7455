/**
 * The PodSecurity admission configuration: defaults and exemptions, read from an
 * AdmissionConfiguration file (plugin `PodSecurity`, embedded `configuration` or a `path`) or a
 * bare PodSecurityConfiguration, defaulted (admission/api/v1/defaults.go) and validated
 * (admission/api/validation/validation.go) as the apiserver does at startup.
 */
import { dirname, resolve } from 'node:path';
import { KpcError } from '../../util/errors.ts';
import { isPlainObject, readYamlObjects } from '../../util/yaml.ts';
import { dns1123LabelErrors, dns1123SubdomainErrors } from '../k8s/validation.ts';
import { goQuote } from './go-format.ts';
import { invalidField, PRIVILEGED_POLICY, type InvalidFieldError, type PodSecurityPolicy } from './namespace-policy.ts';
import { LEVEL_ERROR, parseLevelLenient, parseVersionLenient, VERSION_ERROR } from './version.ts';

export interface PodSecurityExemptions {
  readonly usernames: readonly string[];
  readonly namespaces: readonly string[];
  readonly runtimeClasses: readonly string[];
}

export interface PodSecurityConfiguration {
  readonly defaults: PodSecurityPolicy;
  readonly exemptions: PodSecurityExemptions;
}

/** What the apiserver runs with when no configuration is given. */
export const DEFAULT_CONFIGURATION: PodSecurityConfiguration = Object.freeze({
  defaults: PRIVILEGED_POLICY,
  exemptions: Object.freeze({ usernames: [], namespaces: [], runtimeClasses: [] }),
});

const CONFIG_GROUP = 'pod-security.admission.config.k8s.io';
const CONFIG_VERSIONS = ['v1', 'v1beta1', 'v1alpha1'];
const ADMISSION_CONFIG_API_VERSIONS = ['apiserver.config.k8s.io/v1', 'apiserver.config.k8s.io/v1alpha1', 'apiserver.k8s.io/v1alpha1'];

/** Read and validate a configuration file; every problem is reported at once in one KpcError. */
export function loadPodSecurityConfiguration(file: string): PodSecurityConfiguration {
  const docs = readYamlObjects(file);
  if (docs.length !== 1) throw new KpcError(`expected one configuration document, found ${docs.length}`, { file });
  const doc = docs[0]!;
  const object = doc.value;
  if (object['kind'] === 'AdmissionConfiguration') {
    if (!ADMISSION_CONFIG_API_VERSIONS.includes(String(object['apiVersion']))) {
      throw new KpcError(`unsupported AdmissionConfiguration apiVersion "${String(object['apiVersion'])}"`, { file, line: doc.line, field: 'apiVersion' });
    }
    const plugins = object['plugins'];
    if (plugins !== undefined && plugins !== null && !Array.isArray(plugins)) throw new KpcError('expected a list', { file, field: 'plugins' });
    const plugin = ((plugins as unknown[] | null | undefined) ?? []).find((p) => isPlainObject(p) && p['name'] === 'PodSecurity') as
      | Record<string, unknown>
      | undefined;
    // No PodSecurity entry: the plugin runs with the built-in defaults (LoadFromData(nil)).
    if (!plugin) return DEFAULT_CONFIGURATION;
    if (plugin['configuration'] !== undefined && plugin['configuration'] !== null) {
      return parsePodSecurityConfiguration(plugin['configuration'], file, 'plugins[PodSecurity].configuration');
    }
    if (typeof plugin['path'] === 'string' && plugin['path'] !== '') {
      // A relative path is resolved against the admission configuration file's directory.
      return loadPodSecurityConfiguration(resolve(dirname(file), plugin['path']));
    }
    return DEFAULT_CONFIGURATION;
  }
  return parsePodSecurityConfiguration(object, file, '');
}

/** A PodSecurityConfiguration object (any served version), defaulted and validated. */
export function parsePodSecurityConfiguration(value: unknown, file = '<configuration>', root = ''): PodSecurityConfiguration {
  const at = (field: string) => (root ? `${root}.${field}` : field);
  if (!isPlainObject(value)) throw new KpcError('expected a PodSecurityConfiguration object', { file, field: root || undefined });
  const apiVersion = String(value['apiVersion'] ?? '');
  const [group, groupVersion] = apiVersion.split('/');
  if (value['kind'] !== 'PodSecurityConfiguration' || group !== CONFIG_GROUP || !CONFIG_VERSIONS.includes(groupVersion ?? '')) {
    throw new KpcError(
      `expected kind PodSecurityConfiguration with apiVersion ${CONFIG_GROUP}/{${CONFIG_VERSIONS.join(',')}}, found ${apiVersion || '(none)'}/${String(value['kind'] ?? '(none)')}`,
      { file, field: at('kind') },
    );
  }
  const defaultsObject = optionalObject(value['defaults'], file, at('defaults'));
  const exemptionsObject = optionalObject(value['exemptions'], file, at('exemptions'));

  // SetDefaults_PodSecurityDefaults: empty fields become privileged / latest.
  const field = (key: string, fallback: string): string => {
    const v = defaultsObject[key];
    if (v === undefined || v === null || v === '') return fallback;
    if (typeof v !== 'string') throw new KpcError(`expected a string`, { file, field: at(`defaults.${key}`) });
    return v;
  };
  const strings = (key: string): string[] => {
    const v = exemptionsObject[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw new KpcError('expected a list of strings', { file, field: at(`exemptions.${key}`) });
    return v as string[];
  };
  const raw = {
    enforce: field('enforce', 'privileged'),
    enforceVersion: field('enforce-version', 'latest'),
    audit: field('audit', 'privileged'),
    auditVersion: field('audit-version', 'latest'),
    warn: field('warn', 'privileged'),
    warnVersion: field('warn-version', 'latest'),
  };
  const exemptions = { usernames: strings('usernames'), namespaces: strings('namespaces'), runtimeClasses: strings('runtimeClasses') };

  const errors = validateConfiguration(raw, exemptions);
  if (errors.length > 0) {
    throw new KpcError(`invalid PodSecurityConfiguration: ${errors.map((e) => e.message).join('; ')}`, { file, field: root || undefined });
  }
  const level = (text: string) => parseLevelLenient(text).level;
  const version = (text: string) => parseVersionLenient(text).version;
  return {
    defaults: {
      enforce: { level: level(raw.enforce), version: version(raw.enforceVersion) },
      audit: { level: level(raw.audit), version: version(raw.auditVersion) },
      warn: { level: level(raw.warn), version: version(raw.warnVersion) },
    },
    exemptions,
  };
}

function optionalObject(value: unknown, file: string, field: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw new KpcError('expected an object', { file, field });
  return value;
}

/** ValidatePodSecurityConfiguration: levels/versions parse, exemption lists valid and without duplicates. */
function validateConfiguration(
  defaults: Record<'enforce' | 'enforceVersion' | 'audit' | 'auditVersion' | 'warn' | 'warnVersion', string>,
  exemptions: { usernames: string[]; namespaces: string[]; runtimeClasses: string[] },
): InvalidFieldError[] {
  const errors: InvalidFieldError[] = [];
  const level = (field: string, value: string) => {
    if (parseLevelLenient(value).error) errors.push(invalidField(field, value, LEVEL_ERROR));
  };
  const version = (field: string, value: string) => {
    if (parseVersionLenient(value).error) errors.push(invalidField(field, value, VERSION_ERROR));
  };
  level('defaults.enforce', defaults.enforce);
  version('defaults.enforce-version', defaults.enforceVersion);
  level('defaults.warn', defaults.warn);
  version('defaults.warn-version', defaults.warnVersion);
  level('defaults.audit', defaults.audit);
  version('defaults.audit-version', defaults.auditVersion);

  const list = (name: string, values: string[], problem: (value: string) => string[]) => {
    const seen = new Set<string>();
    values.forEach((value, i) => {
      const path = `exemptions.${name}[${i}]`;
      const problems = problem(value);
      if (problems.length > 0) errors.push(invalidField(path, value, problems.join(', ')));
      else if (seen.has(value)) errors.push({ field: path, value, detail: '', message: `${path}: Duplicate value: ${goQuote(value)}` });
      else seen.add(value);
    });
  };
  list('namespaces', exemptions.namespaces, dns1123LabelErrors);
  list('runtimeClasses', exemptions.runtimeClasses, dns1123SubdomainErrors);
  list('usernames', exemptions.usernames, (u) => (u === '' ? ['username must not be empty'] : []));
  return errors;
}

export function configurationOf(env: { readonly configuration?: PodSecurityConfiguration }): PodSecurityConfiguration {
  return env.configuration ?? DEFAULT_CONFIGURATION;
}

/** Exemptions are exact matches; an empty namespace, user or runtimeClass is never exempt. */
export function exemptNamespace(config: PodSecurityConfiguration, namespace: string): boolean {
  return namespace !== '' && config.exemptions.namespaces.includes(namespace);
}

export function exemptUser(config: PodSecurityConfiguration, username: string): boolean {
  return username !== '' && config.exemptions.usernames.includes(username);
}

export function exemptRuntimeClass(config: PodSecurityConfiguration, runtimeClass: string | null): boolean {
  return runtimeClass !== null && runtimeClass !== '' && config.exemptions.runtimeClasses.includes(runtimeClass);
}
