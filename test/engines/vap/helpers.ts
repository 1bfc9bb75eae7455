// Shared helpers for the VAP tests: fixtures as LoadedObjects, and the objects kubectl would send.
import { resolve } from 'node:path';
import type { LoadedObject } from '../../../src/util/eval-row.ts';
import { readYamlObjects } from '../../../src/util/yaml.ts';

export const FIXTURES = resolve(import.meta.dirname, '../../fixtures/vap');

/** Every document of a fixture file, as `kpc eval` loads it. */
export function fixture(name: string): LoadedObject[] {
  const file = resolve(FIXTURES, name);
  return readYamlObjects(file).map((doc) => ({ file, line: doc.line, value: doc.value }));
}

/** An inline object as a LoadedObject. */
export function loaded(value: Record<string, unknown>, line = 1): LoadedObject {
  return { file: 'inline.yaml', line, value };
}

/** What `kubectl create deploy --image=<image> <name> --replicas=<n> -n <namespace>` sends. */
export function deployment(name: string, namespace: string, replicas: number, image = 'nginx', labels: Record<string, string> | null = { app: name }): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, ...(labels ? { labels } : {}) },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: image.split('/').pop()!.split(':')[0], image }] } },
    },
  };
}

export function namespace(name: string, labels: Record<string, string> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

export function pod(name: string, namespace: string, spec: Record<string, unknown> = { containers: [{ name: 'c', image: 'nginx' }] }, labels: Record<string, string> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels }, spec };
}

/** A ValidatingAdmissionPolicy with the given spec (matching pods by default). */
export function policy(name: string, spec: Record<string, unknown>, apiVersion = 'admissionregistration.k8s.io/v1'): Record<string, unknown> {
  return {
    apiVersion,
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name },
    spec: { matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }] }, ...spec },
  };
}

export function binding(name: string, policyName: string, spec: Record<string, unknown> = {}, apiVersion = 'admissionregistration.k8s.io/v1'): Record<string, unknown> {
  return { apiVersion, kind: 'ValidatingAdmissionPolicyBinding', metadata: { name }, spec: { policyName, validationActions: ['Deny'], ...spec } };
}
