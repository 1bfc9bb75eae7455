/**
 * The authoring API: what files in `policies/` import. A control declares its metadata, its
 * parameters and its check, built from typed references over the Kubernetes Pod model.
 *
 *   import { defineControl, allContainers, every, isNotTrue } from '../../src/controls/index.ts';
 *   export default defineControl({
 *     id: 'privileged', …, pss: { check: 'privileged', level: 'baseline' },
 *     versions: [{ since: 'v1.0', rules: (pod) => [{
 *       name: 'privileged-containers', message: '…',
 *       check: every(allContainers(pod), (c) => isNotTrue(c.securityContext.privileged)),
 *     }] }],
 *   });
 */
export { defineControl, type ControlDefinition, type RuleSpec, type Severity } from './define.ts';
export { defineConfig, type Exemption, type NamespaceConfig, type ProjectConfig, type RolloutConfig, type RolloutMode } from './config.ts';
export { param, enabled, type Param } from './params.ts';
export { allContainers, resourceContainers, probesOf, lifecycleHandlersOf, isWindows, usesUserNamespace, type PodRef } from './pod.ts';
export {
  and, atLeast, atMost, compare, concat, effective, entriesOf, equals, every, implies, isNotTrue, isSet, isTrue, isUnset,
  lookup, matches, not, oneOf, or, some, startsWith, unsetOr, valuesOf,
} from './predicates.ts';
export type { Ref, CollectionRef } from './refs.ts';
export type { PssCheckId, PssVersion } from './pss.ts';
export type { PodModel, PodVolume } from './pod-model.ts';
