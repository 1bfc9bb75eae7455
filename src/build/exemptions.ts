import type { Exemption, LabelSelector, WorkloadKind } from '../controls/config.ts';
import { KpcError } from '../util/errors.ts';

/**
 * Exemptions from the project config, validated and resolved to the controls they cover.
 * Expired ones fail the build.
 */

export interface ResolvedExemption {
  /** Position in the config, for messages (`exemptions[2]`). */
  readonly index: number;
  /** Stable object name for what an engine needs to express it (e.g. a Kyverno PolicyException). */
  readonly name: string;
  readonly reason: string;
  readonly expires: string | null;
  /** The control ids it covers. */
  readonly controls: readonly string[];
  readonly target:
    | { readonly kind: 'namespaces'; readonly namespaces: readonly string[] }
    | { readonly kind: 'workload-name'; readonly workloadKind: WorkloadKind; readonly name: string; readonly namespace: string }
    | { readonly kind: 'workload-selector'; readonly selector: LabelSelector; readonly namespace: string | null }
    | { readonly kind: 'images'; readonly images: readonly string[] };
}

const WORKLOAD_KINDS: readonly WorkloadKind[] = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'ReplicationController'];
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
// An image reference or a prefix of one; `*` only as the last character (prefix match).
const IMAGE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._\-/:@]*\*?$/;

export function resolveExemptions(
  exemptions: readonly Exemption[] | undefined,
  controlIds: readonly string[],
  where: { file: string; line: (needle: string) => number | undefined },
  today: string = new Date().toISOString().slice(0, 10),
): ResolvedExemption[] {
  if (exemptions === undefined) return [];
  if (!Array.isArray(exemptions)) throw new KpcError('must be a list', { file: where.file, field: 'exemptions' });
  return exemptions.map((exemption, index) => {
    const field = `exemptions[${index}]`;
    const fail = (message: string, sub = ''): never => {
      throw new KpcError(message, { file: where.file, field: sub ? `${field}.${sub}` : field, line: where.line('exemptions') });
    };
    if (typeof exemption.reason !== 'string' || exemption.reason.trim() === '') fail('an exemption needs a reason', 'reason');
    let expires: string | null = null;
    if (exemption.expires !== undefined) {
      expires = String(exemption.expires);
      if (!isDate(expires)) fail(`expires must be a date (YYYY-MM-DD), not ${JSON.stringify(exemption.expires)}`, 'expires');
      if (expires < today) fail(`expired on ${expires} (${exemption.reason}): renew it with a later date or remove it`, 'expires');
    }
    const controls = exemption.controls === undefined ? [...controlIds] : [...exemption.controls];
    if (exemption.controls !== undefined && (!Array.isArray(exemption.controls) || exemption.controls.length === 0)) fail('must be a non-empty list of control ids', 'controls');
    for (const id of controls) if (!controlIds.includes(id)) fail(`unknown control "${id}"`, 'controls');

    const targets = (['namespaces', 'workload', 'images'] as const).filter((key) => key in exemption);
    if (targets.length !== 1) fail(`an exemption names exactly one of namespaces, workload or images (found ${targets.length === 0 ? 'none' : targets.join(', ')})`);
    let target: ResolvedExemption['target'];
    if ('namespaces' in exemption) {
      if (!Array.isArray(exemption.namespaces) || exemption.namespaces.length === 0) fail('must be a non-empty list', 'namespaces');
      for (const ns of exemption.namespaces) if (typeof ns !== 'string' || !DNS_LABEL.test(ns) || ns.length > 63) fail(`invalid namespace name ${JSON.stringify(ns)}`, 'namespaces');
      target = { kind: 'namespaces', namespaces: [...exemption.namespaces] };
    } else if ('images' in exemption) {
      if (!Array.isArray(exemption.images) || exemption.images.length === 0) fail('must be a non-empty list', 'images');
      for (const image of exemption.images) {
        if (typeof image !== 'string' || !IMAGE_PATTERN.test(image) || image === '*') {
          fail(`invalid image pattern ${JSON.stringify(image)} (an image reference, or a prefix ending in a single *)`, 'images');
        }
      }
      target = { kind: 'images', images: [...exemption.images] };
    } else {
      const workload = exemption.workload as Record<string, unknown>;
      if (typeof workload !== 'object' || workload === null) fail('must be {kind, name, namespace} or {selector, namespace?}', 'workload');
      if ('selector' in workload) {
        validateSelector(workload['selector'], (message) => fail(message, 'workload.selector'));
        const namespace = workload['namespace'];
        if (namespace !== undefined && (typeof namespace !== 'string' || !DNS_LABEL.test(namespace))) fail(`invalid namespace name ${JSON.stringify(namespace)}`, 'workload.namespace');
        target = { kind: 'workload-selector', selector: workload['selector'] as LabelSelector, namespace: (namespace as string | undefined) ?? null };
      } else {
        const { kind, name, namespace } = workload as { kind?: unknown; name?: unknown; namespace?: unknown };
        if (!WORKLOAD_KINDS.includes(kind as WorkloadKind)) fail(`unknown workload kind ${JSON.stringify(kind)} (expected ${WORKLOAD_KINDS.join(', ')})`, 'workload.kind');
        if (typeof name !== 'string' || !DNS_SUBDOMAIN.test(name) || name.length > 253) fail(`invalid name ${JSON.stringify(name)}`, 'workload.name');
        if (typeof namespace !== 'string' || !DNS_LABEL.test(namespace)) fail(`invalid namespace name ${JSON.stringify(namespace)}`, 'workload.namespace');
        target = { kind: 'workload-name', workloadKind: kind as WorkloadKind, name: name as string, namespace: namespace as string };
      }
    }
    return { index, name: `kpc-exemption-${index + 1}`, reason: exemption.reason, expires, controls, target };
  });
}

function validateSelector(selector: unknown, fail: (message: string) => never): void {
  if (typeof selector !== 'object' || selector === null) fail('must be a label selector {matchLabels, matchExpressions}');
  const { matchLabels, matchExpressions, ...rest } = selector as LabelSelector & Record<string, unknown>;
  if (Object.keys(rest).length > 0) fail(`unknown field ${Object.keys(rest)[0]} (a selector has matchLabels and matchExpressions)`);
  if (matchLabels === undefined && matchExpressions === undefined) fail('an empty selector would match everything: give matchLabels or matchExpressions');
  for (const [key, value] of Object.entries(matchLabels ?? {})) {
    if (!isLabelKey(key)) fail(`invalid label key ${JSON.stringify(key)}`);
    if (typeof value !== 'string' || !LABEL_VALUE.test(value) || value.length > 63) fail(`invalid label value ${JSON.stringify(value)} for ${key}`);
  }
  for (const requirement of matchExpressions ?? []) {
    if (!isLabelKey(requirement.key)) fail(`invalid label key ${JSON.stringify(requirement.key)}`);
    const needsValues = requirement.operator === 'In' || requirement.operator === 'NotIn';
    if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(requirement.operator)) fail(`invalid operator ${JSON.stringify(requirement.operator)} (In, NotIn, Exists, DoesNotExist)`);
    if (needsValues && (!Array.isArray(requirement.values) || requirement.values.length === 0)) fail(`operator ${requirement.operator} needs values`);
    if (!needsValues && requirement.values !== undefined && requirement.values.length > 0) fail(`operator ${requirement.operator} takes no values`);
  }
}

function isLabelKey(key: unknown): boolean {
  if (typeof key !== 'string') return false;
  const [prefix, name] = key.includes('/') ? [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)] : [null, key];
  if (prefix !== null && (!DNS_SUBDOMAIN.test(prefix) || prefix.length > 253)) return false;
  return LABEL_NAME.test(name) && name.length <= 63;
}

function isDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/** Image exemptions covering a control, as the `exemptImages` parameter value (exact, or prefix*). */
export function exemptImagesFor(controlId: string, exemptions: readonly ResolvedExemption[]): string[] {
  const images = new Set<string>();
  for (const e of exemptions) if (e.target.kind === 'images' && e.controls.includes(controlId)) for (const image of e.target.images) images.add(image);
  return [...images].sort();
}
