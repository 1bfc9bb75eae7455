import { allContainers, and, defineControl, enabled, every, matches, not, or, param } from 'kube-policy-compiler';

const DIGEST = '@sha256:[0-9a-f]{64}$';
// A tag is a last ':' with no '/' after it (a registry port such as host:5000/app is not a tag).
const TAG = ':[^:/@]+$';
const LATEST = ':latest$';

export default defineControl({
  id: 'pinnedImages',
  title: 'Require pinned images',
  description: 'An image without a tag, or tagged :latest, can change under a running workload; a digest pins it exactly.',
  severity: 'medium',
  category: 'Hardening',
  remediation: 'Reference every image by an explicit version tag (not :latest), or by digest (image@sha256:…).',
  parameters: {
    requireDigest: param.boolean({ default: false, description: 'Require every image to be referenced by a sha256 digest.' }),
  },
  rules: (pod, params) => [
    {
      name: 'pinned-images',
      message: params.requireDigest.value
        ? 'Reference every image by digest: image@sha256:<digest>.'
        : 'Pin every image to a version tag or a digest: no untagged images and no :latest.',
      check: every(allContainers(pod), (c) =>
        or(
          matches(c.image, DIGEST),
          and(not(enabled(params.requireDigest)), matches(c.image, TAG), not(matches(c.image, LATEST))),
        ),
      ),
    },
  ],
});
