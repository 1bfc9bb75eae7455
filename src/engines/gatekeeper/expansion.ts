/**
 * ExpansionTemplates (gatekeeper:pkg/expansion/system.go, db.go, aggregate.go; pkg/gator/expand):
 * a generator resource (a Deployment, a CronJob…) is expanded into the resource it implies (its pod
 * template as a Pod) so that constraints on the implied kind apply to the generator. gator reviews
 * each resultant as a Generated object and appends its results with the prefix
 * "[Implied by <template>] ", overriding the enforcement action when the template sets one.
 */
import { GatekeeperError } from './errors.ts';
import { metadataString } from './match.ts';
import { groupVersionOf } from './suite.ts';
import type { Origin } from './template.ts';
import { deepCopy, describeJson, goTypeName, isJsonObject, type JsonObject, type JsonValue } from './values.ts';

export const EXPANSION_GROUP = 'expansion.gatekeeper.sh';
const MAX_RECURSION_DEPTH = 30;

interface Gvk {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export interface ApplyTo {
  readonly groups: readonly string[];
  readonly kinds: readonly string[];
  readonly versions: readonly string[];
}

export interface ExpansionTemplate {
  readonly name: string;
  readonly applyTo: readonly ApplyTo[];
  readonly templateSource: string;
  readonly generatedGVK: Gvk;
  readonly enforcementAction: string;
}

/** One implied resource: the object, the template that produced it, and its action override. */
export interface Resultant {
  readonly object: JsonObject;
  readonly templateName: string;
  readonly enforcementAction: string;
}

/** runtime.DefaultUnstructuredConverter.FromUnstructured into unversioned.ExpansionTemplate. */
export function decodeExpansionTemplate(obj: JsonObject, origin: Origin): ExpansionTemplate {
  const [group] = groupVersionOf(obj);
  if (group !== EXPANSION_GROUP || obj['kind'] !== 'ExpansionTemplate') throw new GatekeeperError('invalid-input', 'not an Expansion Template', origin);
  const fail = (path: string, value: JsonValue, want: string) =>
    new GatekeeperError('invalid-input', `error parsing resources: ${path}: expected ${want}, got ${describeJson(value)}`, { ...origin, field: path });
  const object = (value: JsonValue | undefined, path: string): JsonObject => {
    if (value === undefined || value === null) return {};
    if (!isJsonObject(value)) throw fail(path, value, 'object');
    return value;
  };
  const str = (value: JsonValue | undefined, path: string): string => {
    if (value === undefined || value === null) return '';
    if (typeof value !== 'string') throw fail(path, value, 'string');
    return value;
  };
  const strings = (value: JsonValue | undefined, path: string): string[] => {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw fail(path, value, '[]string');
    return value.map((item, i) => str(item, `${path}[${i}]`));
  };
  const metadata = object(obj['metadata'], 'metadata');
  const spec = object(obj['spec'], 'spec');
  const applyToRaw = spec['applyTo'];
  if (applyToRaw !== undefined && applyToRaw !== null && !Array.isArray(applyToRaw)) throw fail('spec.applyTo', applyToRaw, 'array');
  const generated = object(spec['generatedGVK'], 'spec.generatedGVK');
  return {
    name: str(metadata['name'], 'metadata.name'),
    applyTo: (applyToRaw ?? []).map((entry, i) => {
      const at = `spec.applyTo[${i}]`;
      const e = object(entry, at);
      return { groups: strings(e['groups'], `${at}.groups`), kinds: strings(e['kinds'], `${at}.kinds`), versions: strings(e['versions'], `${at}.versions`) };
    }),
    templateSource: str(spec['templateSource'], 'spec.templateSource'),
    generatedGVK: { group: str(generated['group'], 'spec.generatedGVK.group'), version: str(generated['version'], 'spec.generatedGVK.version'), kind: str(generated['kind'], 'spec.generatedGVK.kind') },
    enforcementAction: str(spec['enforcementAction'], 'spec.enforcementAction'),
  };
}

function applyToMatches(applyTo: ApplyTo, gvk: Gvk): boolean {
  return applyTo.groups.includes(gvk.group) && applyTo.versions.includes(gvk.version) && applyTo.kinds.includes(gvk.kind);
}

function gvkText(gvk: Gvk): string {
  return `${gvk.group}/${gvk.version}, Kind=${gvk.kind}`;
}

/** expansion.ValidateTemplate. */
export function validateExpansionTemplate(template: ExpansionTemplate): void {
  const fail = (message: string) => new GatekeeperError('invalid-input', `error upserting template ${template.name}: ${message}`);
  if (template.name === '') throw fail('ExpansionTemplate has empty name field');
  if (template.name.length >= 64) throw fail('ExpansionTemplate name must be less than 64 characters');
  if (template.templateSource === '') throw fail(`ExpansionTemplate ${template.name} has empty source field`);
  const g = template.generatedGVK;
  if (g.group === '' && g.version === '' && g.kind === '') throw fail(`ExpansionTemplate ${template.name} has empty generatedGVK field`);
  if (template.applyTo.length === 0) throw fail(`ExpansionTemplate ${template.name} must specify ApplyTo`);
  if (template.applyTo.some((applyTo) => applyToMatches(applyTo, g))) {
    throw fail(`ExpansionTemplate ${template.name} generates GVK ${gvkText(g)}, but also applies to that same GVK`);
  }
}

/**
 * The expansion system: templates keyed by name (a later one with the same name replaces the
 * earlier), templates that form a cycle through generated → applyTo GVKs are rejected.
 */
export class ExpansionSystem {
  readonly #templates = new Map<string, ExpansionTemplate>();
  readonly #conflicting = new Set<string>();

  upsert(template: ExpansionTemplate): void {
    validateExpansionTemplate(template);
    this.#templates.set(template.name, template);
    this.#updateCycles();
    if (this.#conflicting.has(template.name)) {
      throw new GatekeeperError('invalid-input', `error upserting template ${template.name}: template forms expansion cycle`);
    }
  }

  /** Strongly connected components of more than one template are cycles (db.updateCycles). */
  #updateCycles(): void {
    this.#conflicting.clear();
    const names = [...this.#templates.keys()];
    const edges = new Map<string, string[]>(names.map((name) => [name, []]));
    for (const from of this.#templates.values()) {
      for (const to of this.#templates.values()) {
        if (to.applyTo.some((applyTo) => flatten(applyTo).some((gvk) => sameGvk(gvk, from.generatedGVK)))) edges.get(from.name)!.push(to.name);
      }
    }
    for (const component of stronglyConnected(names, edges)) {
      if (component.length > 1) for (const name of component) this.#conflicting.add(name);
    }
  }

  /** System.Expand: every resultant, recursively (children of a resultant come before it). */
  expand(base: JsonObject, namespace: JsonObject | undefined): Resultant[] {
    const out: Resultant[] = [];
    this.#expandRecursive(base, namespace, out, 0);
    return out;
  }

  #expandRecursive(base: JsonObject, namespace: JsonObject | undefined, out: Resultant[], depth: number): void {
    if (depth >= MAX_RECURSION_DEPTH) throw new GatekeeperError('review', `maximum recursion depth of ${MAX_RECURSION_DEPTH} reached`);
    const [group, version] = groupVersionOf(base);
    const kind = typeof base['kind'] === 'string' ? base['kind'] : '';
    if (group === '' && version === '' && kind === '') throw new GatekeeperError('review', `cannot expand resource ${metadataString(base, 'name')} with empty GVK`);
    const gvk = { group, version, kind };
    const resultants: Resultant[] = [];
    const templates = [...this.#templates.values()]
      .filter((t) => !this.#conflicting.has(t.name) && t.applyTo.some((applyTo) => flatten(applyTo).some((g) => sameGvk(g, gvk))))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const template of templates) {
      resultants.push({ object: expandResource(base, namespace, template), templateName: template.name, enforcementAction: template.enforcementAction });
    }
    for (const resultant of resultants) this.#expandRecursive(resultant.object, namespace, out, depth + 1);
    out.push(...resultants);
  }
}

function flatten(applyTo: ApplyTo): Gvk[] {
  const out: Gvk[] = [];
  for (const group of applyTo.groups) for (const version of applyTo.versions) for (const kind of applyTo.kinds) out.push({ group, version, kind });
  return out;
}

function sameGvk(a: Gvk, b: Gvk): boolean {
  return a.group === b.group && a.version === b.version && a.kind === b.kind;
}

/** Tarjan's algorithm. */
function stronglyConnected(nodes: string[], edges: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    indices.set(node, index);
    low.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, indices.get(next)!));
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      components.push(component);
    }
  };
  for (const node of nodes) if (!indices.has(node)) visit(node);
  // A single template whose output it also applies to would be a self-loop; ValidateTemplate rejects those.
  return components;
}

/** expandResource: the map at templateSource, with the generated GVK, namespace, name and owner reference. */
export function expandResource(obj: JsonObject, namespace: JsonObject | undefined, template: ExpansionTemplate): JsonObject {
  const path = template.templateSource.split('.');
  let current: JsonValue = obj;
  for (let i = 0; i < path.length; i++) {
    if (!isJsonObject(current)) {
      throw new GatekeeperError('review', `could not extract source field from unstructured: ${path.slice(0, i).join('.')} accessor error: ${describeJson(current)} is of the type ${goTypeName(current)}, expected map[string]interface{}`);
    }
    if (!Object.hasOwn(current, path[i]!)) {
      throw new GatekeeperError('review', `could not find source field ${JSON.stringify(template.templateSource)} in resource ${metadataString(obj, 'name')}`);
    }
    current = current[path[i]!]!;
  }
  if (!isJsonObject(current)) {
    throw new GatekeeperError('review', `could not extract source field from unstructured: ${template.templateSource} accessor error: ${describeJson(current)} is of the type ${goTypeName(current)}, expected map[string]interface{}`);
  }
  const resource = deepCopy(current);
  const g = template.generatedGVK;
  resource['apiVersion'] = g.group === '' ? g.version : `${g.group}/${g.version}`;
  resource['kind'] = g.kind;
  if (namespace !== undefined) setNamespace(resource, metadataString(namespace, 'name'));
  else {
    const parentMetadata = obj['metadata'];
    const parentNamespace = isJsonObject(parentMetadata) ? parentMetadata['namespace'] : undefined;
    if (parentNamespace !== undefined && parentNamespace !== null && typeof parentNamespace !== 'string') {
      throw new GatekeeperError('review', `could not extract namespace field ${JSON.stringify(template.templateSource)} in parent resource ${metadataString(obj, 'name')}`);
    }
    if (typeof parentNamespace === 'string') setNamespace(resource, parentNamespace);
  }
  setMetadata(resource, 'name', `${metadataString(obj, 'name')}${g.kind !== '' ? '-' : ''}${g.kind}`.toLowerCase());
  ensureOwnerReference(resource, obj);
  return resource;
}

/** Unstructured.SetNamespace / SetName: an empty value removes the field. */
function setNamespace(resource: JsonObject, namespace: string): void {
  setMetadata(resource, 'namespace', namespace);
}

function setMetadata(resource: JsonObject, key: string, value: string | JsonValue[]): void {
  let metadata = resource['metadata'];
  if (value === '') {
    if (isJsonObject(metadata)) delete metadata[key];
    return;
  }
  if (metadata === undefined || metadata === null) {
    metadata = {};
    resource['metadata'] = metadata;
  }
  if (!isJsonObject(metadata)) return; // SetNestedField fails and the setter ignores it
  metadata[key] = value;
}

/** ensureOwnerReference: append {apiVersion, kind, name, uid: ""} for the parent unless present. */
function ensureOwnerReference(resultant: JsonObject, parent: JsonObject): void {
  const apiVersion = typeof parent['apiVersion'] === 'string' ? parent['apiVersion'] : '';
  const kind = typeof parent['kind'] === 'string' ? parent['kind'] : '';
  const name = metadataString(parent, 'name');
  if (apiVersion === '' || kind === '' || name === '') return;
  const metadata = resultant['metadata'];
  const existingRaw = isJsonObject(metadata) && Array.isArray(metadata['ownerReferences']) ? metadata['ownerReferences'] : [];
  const existing = existingRaw.filter(isJsonObject).map(ownerReference);
  if (existing.some((ref) => ref['apiVersion'] === apiVersion && ref['kind'] === kind && ref['name'] === name)) return;
  setMetadata(resultant, 'ownerReferences', [...existing, { apiVersion, kind, name, uid: '' }]);
}

/** An owner reference as GetOwnerReferences → SetOwnerReferences re-serialises it. */
function ownerReference(raw: JsonObject): JsonObject {
  const str = (key: string) => (typeof raw[key] === 'string' ? (raw[key] as string) : '');
  const out: JsonObject = { apiVersion: str('apiVersion'), kind: str('kind'), name: str('name'), uid: str('uid') };
  if (typeof raw['controller'] === 'boolean') out['controller'] = raw['controller'];
  if (typeof raw['blockOwnerDeletion'] === 'boolean') out['blockOwnerDeletion'] = raw['blockOwnerDeletion'];
  return out;
}

/** gator's Expander.NamespaceForResource with no Namespace objects loaded. */
export function gatorExpansionNamespace(obj: JsonObject): JsonObject | undefined {
  const namespace = metadataString(obj, 'namespace');
  if (namespace === '') return { metadata: {} }; // &corev1.Namespace{}: name "" clears the child's namespace
  if (namespace === 'default') return { metadata: { name: 'default' } };
  return undefined;
}
