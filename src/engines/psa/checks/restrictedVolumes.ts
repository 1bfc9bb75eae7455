// policy/check_restrictedVolumes.go: restricted, only the listed volume types (image included since
// the 2025-02 in-place edit). Overrides hostPathVolumes.
import { majorMinor } from '../version.ts';
import type { PodView } from '../pod-model.ts';
import { joinQuote, pluralize, sortedSet } from '../go-format.ts';
import { ALLOWED, forbiddenField, forbiddenResult, type CheckDefinition, type CheckResult, type FieldError } from './types.ts';

export const ALLOWED_VOLUME_SOURCES: readonly string[] = [
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret',
];

/** The order of PSA's type switch: the first set field names the volume's type. */
const NAMED_VOLUME_SOURCES: readonly string[] = [
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd', 'flexVolume',
  'cinder', 'cephfs', 'flocker', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk',
  'portworxVolume', 'scaleIO', 'storageos',
];

export function restrictedVolumes_1_0(pod: PodView): CheckResult {
  const names: string[] = [];
  const types: string[] = [];
  const errors: FieldError[] = [];
  pod.spec.volumes.forEach((volume, i) => {
    if (ALLOWED_VOLUME_SOURCES.some((source) => volume.sources.has(source))) return;
    names.push(volume.name);
    const type = NAMED_VOLUME_SOURCES.find((source) => volume.sources.has(source)) ?? 'unknown';
    types.push(type);
    errors.push(forbiddenField(`spec.volumes[${i}].${type}`));
  });
  if (names.length === 0) return ALLOWED;
  const distinct = sortedSet(types);
  return forbiddenResult(
    'restricted volume types',
    `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)} ${pluralize('uses', 'use', names.length)} ` +
      `${pluralize('restricted volume type', 'restricted volume types', distinct.length)} ${joinQuote(distinct)}`,
    [],
    errors,
  );
}

export const restrictedVolumes: CheckDefinition = {
  id: 'restrictedVolumes',
  level: 'restricted',
  versions: [{ minimumVersion: majorMinor(1, 0), checkPod: restrictedVolumes_1_0, overrides: ['hostPathVolumes'] }],
};
