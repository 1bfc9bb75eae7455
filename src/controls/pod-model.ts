import type { Pod, PodSpec, Volume } from 'kubernetes-types/core/v1';

/**
 * The Pod model controls are written against: kubernetes-types' Pod, plus the fields newer than the
 * types package (kubernetes-types 1.30): the `image` volume source (Kubernetes 1.31).
 */
export interface ImageVolumeSource {
  reference?: string;
  pullPolicy?: string;
}

export type PodVolume = Volume & { image?: ImageVolumeSource };
export type PodModelSpec = Omit<PodSpec, 'volumes'> & { volumes?: PodVolume[] };
export type PodModel = Omit<Pod, 'spec'> & { spec?: PodModelSpec };
