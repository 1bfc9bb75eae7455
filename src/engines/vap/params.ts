/**
 * generic.CollectParams: the param objects a binding evaluates its policy with. No paramKind, or a
 * binding without paramRef → one evaluation with params null. Otherwise the object named by
 * paramRef.name, or every object its selector selects, in paramRef.namespace (else the request's
 * namespace for a namespaced kind); none found → no evaluation (Allow) or an error (Deny).
 */
import { compareBytes } from '../../util/files.ts';
import type { JsonObject } from './attributes.ts';
import { labelsOf, metadataString } from './attributes.ts';
import type { ParamRef } from './binding.ts';
import type { Cluster } from './cluster.ts';
import type { GroupVersionKind } from './resources.ts';
import { compileSelector, SelectorError } from './selector.ts';

export type ParamsResult = { readonly params: readonly (JsonObject | null)[] } | { readonly error: string };

export const NO_PARAMS_DENY = 'no params found for policy binding with `Deny` parameterNotFoundAction';

/**
 * The params for one binding and request namespace. `mapping` is the param kind's REST mapping
 * (resolved when the policy was loaded into the cluster; a missing one is the policy's error).
 */
export function collectParams(
  paramKind: GroupVersionKind | null,
  mapping: { readonly namespaced: boolean } | null,
  cluster: Cluster,
  paramRef: ParamRef | null,
  requestNamespace: string,
): ParamsResult {
  // no paramKind: paramRef is ignored; paramKind but no paramRef: validate with null params
  if (paramKind === null || paramRef === null) return { params: [null] };
  if (mapping === null) return { error: `paramKind kind \`${paramKind.kind}\` not known` };

  let namespace: string | null = null;
  if (mapping.namespaced) {
    namespace = paramRef.namespace !== '' ? paramRef.namespace : requestNamespace;
    // a binding that can match cluster-scoped requests must name the params' namespace
    if (namespace === '') return { error: 'cannot use namespaced paramRef in policy binding that matches cluster-scoped resources' };
  } else if (paramRef.namespace !== '') {
    return { error: 'paramRef.namespace must not be provided for a cluster-scoped `paramKind`' };
  }
  const inScope = cluster.objectsOf(paramKind, mapping.namespaced).filter((object) => namespace === null || metadataString(object, 'namespace') === namespace);

  let params: JsonObject[];
  if (paramRef.name !== '') {
    if (paramRef.selector !== null) return { error: 'paramRef.name and paramRef.selector are mutually exclusive' };
    params = inScope.filter((object) => metadataString(object, 'name') === paramRef.name).slice(0, 1);
  } else if (paramRef.selector !== null) {
    let selector;
    try {
      selector = compileSelector(paramRef.selector);
    } catch (error) {
      if (error instanceof SelectorError) return { error: error.message };
      throw error;
    }
    // the informer's list order is a map's; sorted here so results are reproducible
    params = inScope.filter((object) => selector.matches(labelsOf(object))).sort(byNamespaceAndName);
  } else {
    return { error: 'one of name or selector must be provided' };
  }
  if (params.length === 0 && paramRef.parameterNotFoundAction === 'Deny') return { error: NO_PARAMS_DENY };
  return { params };
}

function byNamespaceAndName(a: JsonObject, b: JsonObject): number {
  return compareBytes(metadataString(a, 'namespace'), metadataString(b, 'namespace')) || compareBytes(metadataString(a, 'name'), metadataString(b, 'name'));
}
