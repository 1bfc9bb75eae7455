/** The Gatekeeper evaluator behind index.ts: one engine, templates, constraints, data, expansions. */
import { ConstraintClient, type Violation } from './client.ts';
import { type Constraint } from './constraint.ts';
import { GatekeeperError } from './errors.ts';
import { decodeExpansionTemplate, ExpansionSystem, type ExpansionTemplate } from './expansion.ts';
import { reviewForAdmissionReview, reviewForObject, type Review } from './review.ts';
import { groupVersionOf } from './suite.ts';
import { CEL_ENGINE, codeFor, loadTemplate, REGO_ENGINE, type ConstraintTemplate, type Origin } from './template.ts';
import { toJsonValue, type JsonObject } from './values.ts';
import { newDrivers, type GatorEngine } from './verify.ts';

export type GatekeeperEngine = GatorEngine;

/**
 * Pod-controller ExpansionTemplates: `expand-deployments` as in Gatekeeper's docs
 * (website/docs/expansion.md; without its example `enforcementAction: warn`, so children keep their
 * constraint's action) and `expand-cronjobs` as in pkg/expansion/fixtures (CronJob → Job, which
 * expand-deployments turns into a Pod in turn).
 */
export const POD_CONTROLLER_EXPANSION_TEMPLATES: readonly JsonObject[] = [
  {
    apiVersion: 'expansion.gatekeeper.sh/v1beta1',
    kind: 'ExpansionTemplate',
    metadata: { name: 'expand-deployments' },
    spec: {
      applyTo: [
        { groups: ['apps'], kinds: ['DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet'], versions: ['v1'] },
        { groups: [''], kinds: ['ReplicationController'], versions: ['v1'] },
        { groups: ['batch'], kinds: ['Job'], versions: ['v1'] },
      ],
      templateSource: 'spec.template',
      generatedGVK: { kind: 'Pod', group: '', version: 'v1' },
    },
  },
  {
    apiVersion: 'expansion.gatekeeper.sh/v1beta1',
    kind: 'ExpansionTemplate',
    metadata: { name: 'expand-cronjobs' },
    spec: {
      applyTo: [{ groups: ['batch'], kinds: ['CronJob'], versions: ['v1'] }],
      templateSource: 'spec.jobTemplate',
      generatedGVK: { kind: 'Job', group: 'batch', version: 'v1' },
    },
  },
];

export interface ReviewOptions {
  /** The object's Namespace object: used for matching and passed to the engines as namespaceObject (as the webhook does). */
  readonly namespace?: unknown;
  /** Admission operation (CREATE, UPDATE, DELETE, CONNECT); default "" as gator sends a bare object. */
  readonly operation?: string;
  /** For UPDATE: the previous object (oldObject). On DELETE the reviewed object is the old one. */
  readonly oldObject?: unknown;
}

export interface ReviewResult {
  /** Sorted as gator sorts them (enforcement action, then message); children's messages prefixed. */
  readonly violations: readonly Violation[];
  /** Names (kind/name) of the constraints whose match selected the object or one of its expansions. */
  readonly matched: readonly string[];
}

/** A Gatekeeper instance with one engine: templates, constraints, inventory, expansion templates. */
export class Gatekeeper {
  readonly engine: GatekeeperEngine;
  readonly #client: ConstraintClient;
  readonly #expansion = new ExpansionSystem();
  #hasExpansion = false;

  constructor(engine: GatekeeperEngine) {
    this.engine = engine;
    this.#client = new ConstraintClient(newDrivers(engine));
  }

  /** True when the template has code for this instance's engine (else addTemplate throws 'no-driver'). */
  static templateHasEngine(template: ConstraintTemplate, engine: GatekeeperEngine): boolean {
    return codeFor(template, engine === 'rego' ? REGO_ENGINE : CEL_ENGINE) !== undefined;
  }

  /** Loads and validates a ConstraintTemplate object (no engine compile). */
  static loadTemplate(obj: unknown, origin: Origin = { file: '<template>', line: 1 }): ConstraintTemplate {
    return loadTemplate(asObject(obj, origin), origin);
  }

  addTemplate(template: unknown, origin: Origin = { file: '<template>', line: 1 }): ConstraintTemplate {
    const loaded = isLoadedTemplate(template) ? template : loadTemplate(asObject(template, origin), origin);
    this.#client.addTemplate(loaded);
    return loaded;
  }

  addConstraint(obj: unknown, origin: Origin = { file: '<constraint>', line: 1 }): Constraint {
    return this.#client.addConstraint(asObject(obj, origin), origin);
  }

  /** Referential data (data.inventory) and the namespace cache used by namespaceSelector. */
  addData(obj: unknown): void {
    this.#client.addData(asObject(obj, { file: '<data>', line: 1 }));
  }

  addExpansionTemplate(obj: unknown, origin: Origin = { file: '<expansion>', line: 1 }): ExpansionTemplate {
    const template = decodeExpansionTemplate(asObject(obj, origin), origin);
    this.#expansion.upsert(template);
    this.#hasExpansion = true;
    return template;
  }

  usePodControllerExpansion(): void {
    for (const template of POD_CONTROLLER_EXPANSION_TEMPLATES) this.addExpansionTemplate(template, { file: '<pod-controller expansion>', line: 1 });
  }

  /**
   * Reviews an object (or an AdmissionReview) as gator does, plus its expansions. With a namespace
   * or an operation, the review is what the admission webhook would send for that object.
   */
  review(obj: unknown, options: ReviewOptions = {}): ReviewResult {
    const object = asObject(obj, { file: '<object>', line: 1 });
    const namespace = options.namespace === undefined || options.namespace === null ? undefined : asObject(options.namespace, { file: '<namespace>', line: 1 });
    const [group] = groupVersionOf(object);
    if (object['kind'] === 'AdmissionReview' && group === 'admission.k8s.io') return this.#run(reviewForAdmissionReview(object), []);
    const oldObject = options.oldObject === undefined || options.oldObject === null ? null : asObject(options.oldObject, { file: '<oldObject>', line: 1 });
    const review = reviewForObject(object, { namespace, namespaceObject: namespace ?? null, operation: options.operation ?? '', oldObject });
    const children = this.#hasExpansion
      ? this.#expansion.expand(object, namespace).map((resultant) => ({
          review: reviewForObject(resultant.object, { namespace, namespaceObject: namespace ?? null, operation: options.operation ?? '', source: 'Generated' }),
          templateName: resultant.templateName,
          enforcementAction: resultant.enforcementAction,
        }))
      : [];
    return this.#run(review, children);
  }

  #run(review: Review, children: { review: Review; templateName: string; enforcementAction: string }[]): ReviewResult {
    const parent = this.#client.reviewDetailed(review);
    const violations = [...parent.violations];
    const matched = new Set(parent.matched.map((c) => `${c.kind}/${c.name}`));
    for (const child of children) {
      const result = this.#client.reviewDetailed(child.review);
      for (const c of result.matched) matched.add(`${c.kind}/${c.name}`);
      for (const v of result.violations) {
        violations.push({ ...v, msg: `[Implied by ${child.templateName}] ${v.msg}`, enforcementAction: child.enforcementAction !== '' ? child.enforcementAction : v.enforcementAction });
      }
    }
    return { violations, matched: [...matched].sort() };
  }
}

function isLoadedTemplate(value: unknown): value is ConstraintTemplate {
  return typeof value === 'object' && value !== null && 'constraintSchema' in value && 'code' in value;
}

// Reviews of the same object (by every Gatekeeper instance, e.g. one per engine) share one JSON
// copy, and so the conversions memoised on it (CEL); as with the CEL layer, an object must not be
// mutated once reviewed.
const jsonCopies = new WeakMap<object, JsonObject>();

function asObject(value: unknown, origin: Origin): JsonObject {
  const shared = typeof value === 'object' && value !== null ? jsonCopies.get(value) : undefined;
  if (shared) return shared;
  let json;
  try {
    json = toJsonValue(value);
  } catch (error) {
    throw new GatekeeperError('invalid-input', (error as Error).message, origin);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new GatekeeperError('invalid-input', 'expected an object', origin);
  if (typeof value === 'object' && value !== null) jsonCopies.set(value, json);
  return json;
}
