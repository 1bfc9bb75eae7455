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
    // nsCache.Add: only core-group Namespaces, keyed by the same path.
    if (kind === 'Namespace' && group === '') this.#namespaces.set(path.join('/'), deepCopy(obj));
  }

  /** nsCache.GetNamespace: the Namespace named `name` added as cluster-scoped core/v1 data, if any. */
  namespace(name: string): JsonObject | undefined {
    return this.#namespaces.get(['cluster', 'v1', 'Namespace', name].join('/'));
  }
}
