import { allContainers, defineControl, entriesOf, equals, every, implies, oneOf, or, startsWith, unsetOr } from 'kube-policy-compiler';

const ALLOWED_TYPES = ['RuntimeDefault', 'Localhost'] as const;
const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

export default defineControl({
  id: 'appArmorProfile',
  title: 'Restrict AppArmor profiles',
  description: 'Turning AppArmor off (Unconfined) removes a layer of confinement; only the runtime default or a profile loaded on the node is allowed.',
  severity: 'medium',
  category: 'Pod Security Standards (Baseline)',
  remediation: 'Set appArmorProfile.type to RuntimeDefault or Localhost (pod and containers), and AppArmor annotations to runtime/default or localhost/<profile>.',
  pss: { check: 'appArmorProfile', level: 'baseline' },
  versions: [
    {
      since: 'v1.0',
      rules: (pod) => [
        {
          name: 'pod-profile',
          message: 'spec.securityContext.appArmorProfile.type must be RuntimeDefault or Localhost (Unconfined is forbidden).',
          check: unsetOr(pod.spec.securityContext.appArmorProfile, oneOf(pod.spec.securityContext.appArmorProfile.type, ALLOWED_TYPES)),
        },
        {
          name: 'container-profiles',
          message: 'securityContext.appArmorProfile.type of every container must be RuntimeDefault or Localhost (Unconfined is forbidden).',
          check: every(allContainers(pod), (c) =>
            unsetOr(c.securityContext.appArmorProfile, oneOf(c.securityContext.appArmorProfile.type, ALLOWED_TYPES)),
          ),
        },
        {
          name: 'annotations',
          message: `Annotations ${ANNOTATION_PREFIX}<container> must be runtime/default or localhost/<profile> (unconfined is forbidden).`,
          // Every annotation with the prefix is checked, even one naming no container (PSA appArmorProfile_1_0).
          check: every(entriesOf(pod.metadata.annotations), (entry) =>
            implies(
              startsWith(entry.key, ANNOTATION_PREFIX),
              or(equals(entry.value, ''), equals(entry.value, 'runtime/default'), startsWith(entry.value, 'localhost/')),
            ),
          ),
        },
      ],
    },
  ],
});
