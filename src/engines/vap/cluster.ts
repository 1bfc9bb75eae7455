/**
 * The cluster state a policy evaluation reads: namespaces (for namespaceSelector and
 * namespaceObject), stored objects (for paramRef), the REST mapping of param kinds, and the
 * equivalent-resource registry. Everything is supplied by the caller; nothing is guessed beyond
 * what the apiserver itself would add when storing a Namespace.
 */
import { UnsupportedError } from '../../util/errors.ts';
import { groupVersionKindOf, isNamespaceKind, labelsOf, metadataString, namespaceAsStored, type JsonObject } from './attributes.ts';
import { namespaceNotFound, type MatchEnvironment } from './match.ts';
import { builtinEquivalentResources, builtinMapping, gvkString, parseGroupVersion, type EquivalentResourceMapper, type GroupVersionKind } from './resources.ts';
import type { Labels } from './selector.ts';

/** A kind the caller declares served (a CRD), with its scope. */
export interface KindDeclaration {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

export interface ClusterOptions {
  /** Namespace objects; stored as the apiserver stores them (kubernetes.io/metadata.name label…). */
  readonly namespaces?: readonly JsonObject[];
  /** Other stored objects, e.g. param resources. Namespace objects here count as namespaces too. */
  readonly objects?: readonly JsonObject[];
  /** Kinds served besides the built-in ones (param kinds defined by CRDs). */
  readonly kinds?: readonly KindDeclaration[];
  /** Default: the built-in resources' equivalences. */
  readonly equivalents?: EquivalentResourceMapper;
}

/** Stored objects of one group/kind. */
interface KindStore {
  readonly objects: JsonObject[];
}

export class Cluster implements MatchEnvironment {
  readonly equivalents: EquivalentResourceMapper;
  readonly #namespaces = new Map<string, JsonObject>();
  readonly #objects = new Map<string, KindStore>();
  readonly #declared = new Map<string, KindDeclaration & { version: string }>();

  constructor(options: ClusterOptions = {}) {
    this.equivalents = options.equivalents ?? builtinEquivalentResources();
    for (const declaration of options.kinds ?? []) {
      const gv = parseGroupVersion(declaration.apiVersion);
      if (gv) this.#declared.set(`${gv.group}/${declaration.kind}`, { ...declaration, version: gv.version });
    }
    for (const namespace of options.namespaces ?? []) this.addNamespace(namespace);
    for (const object of options.objects ?? []) this.addObject(object);
  }

  addNamespace(namespace: JsonObject): void {
    const name = metadataString(namespace, 'name');
    if (name !== '') this.#namespaces.set(name, namespaceAsStored(namespace));
  }

  /** Stores an object (a Namespace is also recorded as a namespace). Objects without apiVersion/kind are ignored. */
  addObject(object: JsonObject): void {
    let gvk: GroupVersionKind;
    try {
      gvk = groupVersionKindOf(object);
    } catch {
      return;
    }
    if (isNamespaceKind(gvk)) this.addNamespace(object);
    const key = `${gvk.group}/${gvk.kind}`;
    let store = this.#objects.get(key);
    if (!store) this.#objects.set(key, (store = { objects: [] }));
    store.objects.push(object);
  }

  /** The stored Namespace, or null. */
  namespace(name: string): JsonObject | null {
    return this.#namespaces.get(name) ?? null;
  }

  namespaceLabels(name: string): Labels {
    const namespace = this.namespace(name);
    if (namespace === null) throw namespaceNotFound(name);
    return labelsOf(namespace);
  }

  /**
   * The scope of a kind (its REST mapping): built-in kinds, declared kinds, else a kind some stored
   * object has (namespaced when any of them has a namespace); null when the cluster serves no such kind.
   */
  scopeOf(gvk: GroupVersionKind): { readonly namespaced: boolean } | null {
    const builtin = builtinMapping(gvk);
    if (builtin) return { namespaced: builtin.namespaced };
    const declared = this.#declared.get(`${gvk.group}/${gvk.kind}`);
    if (declared && declared.version === gvk.version) return { namespaced: declared.namespaced };
    const stored = this.#objects.get(`${gvk.group}/${gvk.kind}`)?.objects ?? [];
    const sameVersion = stored.filter((object) => groupVersionKindOf(object).version === gvk.version);
    if (sameVersion.length === 0) return null;
    return { namespaced: sameVersion.some((object) => metadataString(object, 'namespace') !== '') };
  }

  /**
   * The stored objects of a kind (the param informer's list). An object of the same group and kind
   * in another version would be converted by the apiserver: that is refused, not guessed.
   */
  objectsOf(gvk: GroupVersionKind, namespaced: boolean): JsonObject[] {
    const stored = this.#objects.get(`${gvk.group}/${gvk.kind}`)?.objects ?? [];
    for (const object of stored) {
      const version = groupVersionKindOf(object).version;
      if (version !== gvk.version) {
        throw new UnsupportedError(`${gvk.kind} ${JSON.stringify(metadataString(object, 'name'))} is stored as ${JSON.stringify(object['apiVersion'])}; reading it as ${gvkString(gvk)} needs a conversion`);
      }
    }
    // a namespaced object applied without a namespace lands in "default", as with kubectl
    return namespaced ? stored.map((object) => (metadataString(object, 'namespace') === '' ? withNamespace(object, 'default') : object)) : stored;
  }
}

function withNamespace(object: JsonObject, namespace: string): JsonObject {
  const metadata = typeof object['metadata'] === 'object' && object['metadata'] !== null ? (object['metadata'] as JsonObject) : {};
  return { ...object, metadata: { ...metadata, namespace } };
}
