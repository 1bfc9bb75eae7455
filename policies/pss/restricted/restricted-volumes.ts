import { defineControl, every, isSet, or, not } from 'kube-policy-compiler';
import type { PodRef, PodVolume, Ref } from 'kube-policy-compiler';

/** Volume sources the Restricted level allows (PSA restrictedVolumes_1_0). */
export const ALLOWED_SOURCES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret'] as const;
/** Every other source of the Volume API. */
export const RESTRICTED_SOURCES = [
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd', 'flexVolume', 'cinder',
  'cephfs', 'flocker', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'storageos',
] as const;

/**
 * An allowed source is set, or no source of the API is set at all: such a volume becomes an
 * emptyDir by API defaulting before PSA sees it (fields unknown to the API are dropped).
 */
const allowedVolume = (volume: Ref<PodVolume>) =>
  or(...ALLOWED_SOURCES.map((source) => isSet(volume[source])), not(or(...RESTRICTED_SOURCES.map((source) => isSet(volume[source])))));

export default defineControl({
  id: 'restrictedVolumes',
  title: 'Restrict volume types',
  description: 'Restricted pods may only use volume types that cannot reach the node or external storage directly.',
  severity: 'medium',
  category: 'Pod Security Standards (Restricted)',
  remediation: `Use only ${ALLOWED_SOURCES.join(', ')} volumes.`,
  pss: { check: 'restrictedVolumes', level: 'restricted' },
  versions: [
    {
      since: 'v1.0',
      overrides: ['hostPathVolumes'],
      rules: (pod: PodRef) => [
        {
          name: 'volume-types',
          message: `Only these volume types are allowed: ${ALLOWED_SOURCES.join(', ')}.`,
          check: every(pod.spec.volumes, allowedVolume),
        },
      ],
    },
  ],
});
