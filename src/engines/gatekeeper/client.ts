/**
 * The constraint framework client for the admission target (frameworks:constraint/pkg/client/
 * client.go, constraint_client.go, template_client.go; gatekeeper:pkg/target/matcher.go): templates
 * go to the highest-priority driver that has their engine, constraints are validated against their
 * template's CRD, and a review runs every matching constraint through its template's driver.
 * Matcher errors become "autoreject" results with the constraint's enforcement action.
 */
import { CONSTRAINTS_GROUP, GATOR_ENFORCEMENT_POINT, loadConstraint, type Constraint } from './constraint.ts';
import { groupVersionOf } from './suite.ts';
import { GatekeeperError } from './errors.ts';
import { Inventory } from './inventory.ts';
import { matches, metadataString } from './match.ts';
import type { Review } from './review.ts';
import type { ConstraintTemplate, Origin } from './template.ts';
import type { JsonObject, JsonValue } from './values.ts';

export type EngineName = 'Rego' | 'K8sNativeValidation';

/** One violation a driver reports for a constraint. */
export interface DriverResult {
  readonly msg: string;
  /** Rego's `details` (defaulted to {}); CEL results have none. */
  readonly details: JsonValue | undefined;
  readonly constraint: Constraint;
}

/** A policy engine driver (Rego or K8sNativeValidation). */
export interface Driver {
  readonly engine: EngineName;
  /** Compiles the template's code for this engine; throws GatekeeperError('invalid-template'). */
  addTemplate(template: ConstraintTemplate): void;
  /**
   * Evaluates the matched constraints (all of templates this driver runs) against the review.
   * Throws GatekeeperError('review') where the driver's Query returns an error.
   */
  query(constraints: readonly Constraint[], review: Review, inventory: Inventory): DriverResult[];
}

/** types.Result as gator sees it. */
export interface Violation {
  readonly msg: string;
  readonly details: JsonValue | undefined;
  readonly constraint: Constraint;
  readonly enforcementAction: string;
  readonly scopedEnforcementActions: readonly string[];
  /** The driver that produced it, or 'autoreject' for a matcher error. */
  readonly engine: EngineName | 'autoreject';
}

interface TemplateEntry {
  readonly template: ConstraintTemplate;
  readonly driver: Driver;
  readonly constraints: Map<string, Constraint>;
}

export class ConstraintClient {
  readonly inventory = new Inventory();
  readonly #drivers: readonly Driver[];
  readonly #templates = new Map<string, TemplateEntry>();
  readonly #enforcementPoint: string;

  /** `drivers` in priority order (gator registers K8sNativeValidation before Rego). */
  constructor(drivers: readonly Driver[], enforcementPoint = GATOR_ENFORCEMENT_POINT) {
    this.#drivers = drivers;
    this.#enforcementPoint = enforcementPoint;
  }

  /** The driver that would run the template: the first registered one the template has code for. */
  driverFor(template: ConstraintTemplate): Driver | undefined {
    return this.#drivers.find((driver) => template.code.some((code) => code.engine === driver.engine));
  }

  /** Client.AddTemplate (the template is already loaded and validated by loadTemplate). */
  addTemplate(template: ConstraintTemplate): void {
    const driver = this.driverFor(template);
    if (!driver) {
      const engines = template.code.map((code) => code.engine).join(', ') || 'none';
      throw new GatekeeperError(
        'no-driver',
        `no language driver is installed that handles this constraint template: available drivers: [${this.#drivers.map((d) => d.engine).join(' ')}], template engines: [${engines}]`,
        { file: template.file, line: template.line },
      );
    }
    driver.addTemplate(template);
    this.#templates.set(template.name, { template, driver, constraints: new Map() });
  }

  /** Client.AddConstraint. Throws GatekeeperError (code 'schema' for ErrSchema). */
  addConstraint(raw: JsonObject, origin: Origin): Constraint {
    const kind = typeof raw['kind'] === 'string' ? raw['kind'] : '';
    const entry = this.#templates.get(kind.toLowerCase());
    if (!entry) {
      // validateConstraintMetadata runs before the template lookup.
      const name = metadataString(raw, 'name');
      if (name === '') throw new GatekeeperError('invalid-constraint', 'invalid Constraint: missing metadata.name', origin);
      if (kind === '') throw new GatekeeperError('invalid-constraint', 'invalid Constraint: missing kind', origin);
      const [group] = groupVersionOf(raw);
      if (group !== CONSTRAINTS_GROUP) {
        throw new GatekeeperError('invalid-constraint', `invalid Constraint: wrong API Group for Constraint ${JSON.stringify(name)}, got ${JSON.stringify(group)} but need ${JSON.stringify(CONSTRAINTS_GROUP)}`, origin);
      }
      throw new GatekeeperError('missing-template', `missing ConstraintTemplate: template ${JSON.stringify(kind.toLowerCase())} not found`, origin);
    }
    const constraint = loadConstraint(raw, entry.template, origin, this.#enforcementPoint);
    entry.constraints.set(constraint.name, constraint);
    return constraint;
  }

  /** Client.AddData: referential data and the namespace cache. */
  addData(obj: JsonObject): void {
    this.inventory.add(obj);
  }

  get templates(): readonly ConstraintTemplate[] {
    return [...this.#templates.values()].map((entry) => entry.template);
  }

  /** Client.Review at this client's enforcement point: results sorted as Responses.Results() does. */
  review(review: Review): Violation[] {
    return this.reviewDetailed(review).violations;
  }

  /** As review, plus the constraints whose match selected the object (autorejected ones excluded). */
  reviewDetailed(review: Review): { violations: Violation[]; matched: Constraint[] } {
    const matched = new Map<Driver, Constraint[]>();
    const autorejections: Violation[] = [];
    for (const entry of this.#templates.values()) {
      for (const constraint of entry.constraints.values()) {
        // A scoped constraint with no action for this enforcement point is not run at all.
        if (constraint.enforcementAction === 'scoped' && constraint.scopedEnforcementActions.length === 0) continue;
        let isMatch: boolean;
        try {
          isMatch = this.#matches(constraint, review);
        } catch (error) {
          autorejections.push({
            msg: `unable to match constraints: ${(error as Error).message}`,
            details: undefined,
            constraint,
            enforcementAction: constraint.enforcementAction,
            scopedEnforcementActions: constraint.scopedEnforcementActions,
            engine: 'autoreject',
          });
          continue;
        }
        if (!isMatch) continue;
        const list = matched.get(entry.driver) ?? [];
        list.push(constraint);
        matched.set(entry.driver, list);
      }
    }
    const results: Violation[] = [];
    for (const driver of this.#drivers) {
      const constraints = matched.get(driver);
      if (!constraints || constraints.length === 0) continue;
      for (const result of driver.query(constraints, review, this.inventory)) {
        results.push({
          msg: result.msg,
          details: result.details,
          constraint: result.constraint,
          enforcementAction: result.constraint.enforcementAction,
          scopedEnforcementActions: result.constraint.scopedEnforcementActions,
          engine: driver.engine,
        });
      }
    }
    return { violations: sortResults([...results, ...autorejections]), matched: [...matched.values()].flat() };
  }

  /** target.Matcher.Match: no spec.match matches everything; else object or oldObject must match. */
  #matches(constraint: Constraint, review: Review): boolean {
    const match = constraint.match;
    if (!match) return true;
    const request = review.request;
    let namespace = review.namespace;
    if (namespace === undefined && request.namespace !== '') namespace = this.inventory.namespace(request.namespace);
    let defined = 0;
    for (const object of [request.object, request.oldObject]) {
      if (object === null) continue;
      defined++;
      try {
        if (matches(match, { object, namespace, source: review.source })) return true;
      } catch (error) {
        throw new Error(`error matching the requested object: ${metadataString(object, 'name')} :${(error as Error).message}`);
      }
    }
    if (defined === 0) throw new Error('invalid request object: neither object nor old object are defined');
    return false;
  }
}

/** Responses.Results(): by enforcement action, then message (Go's byte-wise string order). */
export function sortResults(results: Violation[]): Violation[] {
  return results.sort((a, b) => compare(a.enforcementAction, b.enforcementAction) || compare(a.msg, b.msg));
}

function compare(a: string, b: string): number {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return Buffer.compare(x, y);
}
