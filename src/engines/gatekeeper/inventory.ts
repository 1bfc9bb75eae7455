/**
 * Referential data as the admission target stores it (gatekeeper:pkg/target/target.go ProcessData,
 * ns_cache.go): `data.inventory.cluster[<groupVersion>][<kind>][<name>]` for cluster-scoped objects,
 * `data.inventory.namespace[<ns>][<groupVersion>][<kind>][<name>]` for namespaced ones, and a cache
 * of Namespace objects the matchers use for namespaceSelector.
 */
import { GatekeeperError } from './errors.ts';
import { metadataString } from './match.ts';
import { groupVersionOf } from './suite.ts';
import { deepCopy, isJsonObject, type JsonObject } from './values.ts';

export class Inventory {
  /** The `data.inventory` document; always an object, `{}` when empty (frameworks storages.go). */
  readonly data: JsonObject = {};
  readonly #namespaces = new Map<string, JsonObject>();

  /** Client.AddData for one object. Throws GatekeeperError for an object without version or kind. */
  add(obj: JsonObject): void {
    const [group, version] = groupVersionOf(obj);
    const kind = typeof obj['kind'] === 'string' ? obj['kind'] : '';
    const name = metadataString(obj, 'name');
    if (version === '') throw new GatekeeperError('invalid-input', `unable to add object to data.inventory: invalid request object: resource ${name} has no version`);
    if (kind === '') throw new GatekeeperError('invalid-input', `unable to add object to data.inventory: invalid request object: resource ${name} has no kind`);
    const groupVersion = group === '' ? version : `${group}/${version}`;
    const namespace = metadataString(obj, 'namespace');
    const path = namespace === '' ? ['cluster', groupVersion, kind, name] : ['namespace', namespace, groupVersion, kind, name];
    // nsCache.Add runs first: core-group Namespaces are converted to corev1.Namespace (a label or
    // annotation that is not a string fails that conversion, and with it the whole AddData).
    const isNamespaceObject = kind === 'Namespace' && group === '';
    if (isNamespaceObject) {
      const metadata = obj['metadata'];
      for (const key of ['labels', 'annotations']) {
        const map = isJsonObject(metadata) ? metadata[key] : undefined;
        if (map !== undefined && map !== null && (!isJsonObject(map) || Object.values(map).some((v) => v !== null && typeof v !== 'string'))) {
          throw new GatekeeperError('invalid-input', `unable to add object to data.inventory: cannot cache non-namespace type: cannot cache Namespace: metadata.${key} must be a map of strings`);
        }
      }
    }
    let node = this.data;
    for (const key of path.slice(0, -1)) {
      const next = node[key];
      if (isJsonObject(next)) node = next;
      else {
        const created: JsonObject = {};
        node[key] = created;
        node = created;
      }
    }
    node[path[path.length - 1]!] = deepCopy(obj);
    if (isNamespaceObject) this.#namespaces.set(path.join('/'), deepCopy(obj));
  }

  /** nsCache.GetNamespace: the Namespace named `name` added as cluster-scoped core/v1 data, if any. */
  namespace(name: string): JsonObject | undefined {
    return this.#namespaces.get(['cluster', 'v1', 'Namespace', name].join('/'));
  }
}
