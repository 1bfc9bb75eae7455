import type { BuildModel, ResolvedControl } from '../build/model.ts';
import { modeIn } from '../build/plan.ts';
import type { NamespaceLevel, RolloutMode } from '../controls/config.ts';
import type { CompiledBuild } from '../harness/artifacts.ts';
import { BuildCache } from '../harness/builds.ts';
import { levelNamespace, managedNamespace } from '../harness/namespaces.ts';
import { normalizeForAdmission } from '../harness/normalize.ts';
import { scopeSelects } from '../harness/policy-reference.ts';
import { evaluateCase } from '../harness/replay.ts';
import { ENGINES, type EngineName, type EngineVerdict, type HarnessNamespace, type VariantKind } from '../harness/types.ts';
import { podOf } from '../harness/variants.ts';
import type { Verdict } from '../util/eval-row.ts';

/**
 * Every control of the project judged by every engine on one workload of a manifests tree, in the
 * namespace it would be applied to. The engines are the harness's (src/harness/evaluate.ts): the
 * generated artifacts read back by the embedded Kyverno, Gatekeeper (Rego and CEL) and PSA
 * evaluators, and the reference meaning of the IR.
 *
 * Verdicts are memoized within a run by what they depend on: the namespace (name and labels) and
 * the object without its name and namespace (a name only matters to the workload-name exemptions
 * of the config, and is kept in the key for those names). Trees repeat pod specs, so most
 * workloads cost one lookup.
 */

/**
 * The pod controllers (and Pod) an audit evaluates, with the API group each kind is served by today.
 * An object of a group no API server serves any more (extensions/v1beta1 Deployments, removed in
 * Kubernetes 1.16) or a custom resource of the same kind is not a workload: ignored and counted by
 * apiVersion and kind.
 */
export const WORKLOAD_GROUPS: Readonly<Record<VariantKind, readonly string[]>> = {
  Pod: [''],
  ReplicationController: [''],
  Deployment: ['apps'],
  StatefulSet: ['apps'],
  DaemonSet: ['apps'],
  ReplicaSet: ['apps'],
  Job: ['batch'],
  CronJob: ['batch'],
};

export interface ResultRow {
  readonly control: string;
  readonly pssCheck: string | null;
  readonly engine: EngineName;
  readonly verdict: Verdict;
  readonly message: string;
  /** For a fail: what it does at admission (deny, warn, audit). */
  readonly action?: string;
  /** PSA on a workload: the check is active at the namespace's enforce level (its pods would be rejected). */
  readonly enforced?: boolean;
}

/** One control's verdicts on a workload, and its rollout mode in the namespace. */
export interface ControlOutcome {
  readonly control: ResolvedControl;
  /**
   * Its rollout mode in the namespace; for a control the namespace's level does not select but an
   * engine still applies (PSA warn/audit at a stricter level), the strongest effect of its failures.
   */
  readonly mode: RolloutMode;
  /** Some engine's failure blocks the workload (or its pods) at admission, or an engine errs on an enforced control. */
  readonly enforcedFailure: boolean;
  readonly rows: readonly ResultRow[];
  /** Some engine fails (or errs on) it. */
  readonly failing: boolean;
  /** Some engines fail it while others pass: the artifacts disagree. */
  readonly disagreement: boolean;
}

/** The verdicts of one workload, shared by every workload with the same memo key (immutable). */
export interface Verdicts {
  readonly rows: readonly ResultRow[];
  readonly controls: readonly ControlOutcome[];
  /** An enforced control fails (or errs) in some engine. */
  readonly enforcedFailure: boolean;
  /** The rows as JSON, serialized once. */
  readonly rowsJson: string;
}

export interface AuditNamespace {
  readonly name: string;
  /** Its level (config, or --level for a namespace the config does not manage); null: unmanaged. */
  readonly level: NamespaceLevel | null;
  readonly managed: boolean;
  readonly harness: HarnessNamespace;
}

export interface AuditorOptions {
  /** Project root (policies/). */
  readonly root: string;
  /** Level given to namespaces the config does not manage (none: no control applies there). */
  readonly level?: NamespaceLevel;
  /** Engines reported (all by default). */
  readonly engines?: readonly EngineName[];
}

const VERDICT_OF: Record<EngineVerdict['outcome'], Verdict> = { pass: 'pass', fail: 'fail', 'not-applied': 'skip', error: 'error' };
const MAX_MEMO_ENTRIES = 20_000;

export class Auditor {
  readonly model: BuildModel;
  readonly compiled: CompiledBuild;
  readonly engines: readonly EngineName[];
  readonly #level: NamespaceLevel | undefined;
  readonly #namespaces = new Map<string, AuditNamespace>();
  readonly #memo = new Map<string, Verdicts>();
  /** Workload names that a workload-name exemption names: only these stay in the memo key. */
  readonly #significantNames: ReadonlySet<string> | 'all';
  /** Label keys the config's selector exemptions read: only these stay in the memo key. */
  readonly #selectorKeys: readonly string[];
  hits = 0;
  misses = 0;

  private constructor(model: BuildModel, compiled: CompiledBuild, options: AuditorOptions) {
    this.model = model;
    this.compiled = compiled;
    this.engines = options.engines ?? ENGINES;
    this.#level = options.level;
    const names = model.exemptions.flatMap((e) => (e.target.kind === 'workload-name' ? [e.target.name] : []));
    // Kyverno matches PolicyException names as wildcards: a pattern could match any name.
    this.#significantNames = names.some((n) => /[*?]/.test(n)) ? 'all' : new Set(names);
    const keys = new Set<string>();
    for (const e of model.exemptions) {
      if (e.target.kind !== 'workload-selector') continue;
      for (const key of Object.keys(e.target.selector.matchLabels ?? {})) keys.add(key);
      for (const r of e.target.selector.matchExpressions ?? []) keys.add(r.key);
    }
    this.#selectorKeys = [...keys].sort();
  }

  static async create(options: AuditorOptions): Promise<Auditor> {
    const { model, compiled } = await new BuildCache(options.root).get();
    return new Auditor(model, compiled, options);
  }

  /** The namespace an object is applied to, as the cluster labels it. */
  namespace(name: string): AuditNamespace {
    let ns = this.#namespaces.get(name);
    if (!ns) {
      const managed = this.model.namespaces.find((n) => n.name === name);
      if (managed) ns = { name, level: managed.level, managed: true, harness: managedNamespace(this.model, name) };
      else if (this.#level) ns = { name, level: this.#level, managed: false, harness: levelNamespace(this.#level, this.model.pssVersion, [], name) };
      else ns = { name, level: null, managed: false, harness: managedNamespace(this.model, name) };
      this.#namespaces.set(name, ns);
    }
    return ns;
  }

  /** Every control's verdicts in every engine on a workload (kind one of WORKLOAD_GROUPS) in a namespace. */
  evaluate(object: Record<string, unknown>, namespace: AuditNamespace): Verdicts {
    const key = this.#memoKey(object, namespace);
    const hit = this.#memo.get(key);
    if (hit) {
      this.hits++;
      return hit;
    }
    this.misses++;
    const verdicts = this.#compute(object, namespace);
    if (this.#memo.size >= MAX_MEMO_ENTRIES) this.#memo.clear(); // bounded: memory stays flat on any tree
    this.#memo.set(key, verdicts);
    return verdicts;
  }

  /**
   * What the verdicts depend on. The generated artifacts and the reference read the pod (a Pod's
   * spec and annotations, a controller's pod template), the kind and API version (match), the
   * namespace (name and labels), and — through the config's exemptions only — the object's name
   * and the labels a selector exemption names. Everything else (other labels, selectors, replicas,
   * schedules, status) is left out, so workloads that differ only there share verdicts.
   * test/audit/memo.test.ts checks this against fresh evaluations.
   */
  /** The verdicts computed afresh, bypassing the memo (tests check the memo key against it). */
  evaluateUncached(object: Record<string, unknown>, namespace: AuditNamespace): Verdicts {
    return this.#compute(object, namespace);
  }

  #memoKey(object: Record<string, unknown>, namespace: AuditNamespace): string {
    const metadata = isObject(object['metadata']) ? object['metadata'] : {};
    const name = metadata['name'];
    const keepName = this.#significantNames === 'all' || (typeof name === 'string' && this.#significantNames.has(name));
    const pod = object['kind'] === 'Pod' ? { metadata: this.#podMetadata(metadata), spec: object['spec'] } : this.#templateKey(object);
    return JSON.stringify([namespace.name, object['kind'], object['apiVersion'], keepName ? name : null, this.#selectedLabels(metadata), pod]);
  }

  #templateKey(object: Record<string, unknown>): unknown {
    // The template path as it is (an absent step is not an empty template to every engine).
    let node: unknown = object;
    const path = object['kind'] === 'CronJob' ? ['spec', 'jobTemplate', 'spec', 'template'] : ['spec', 'template'];
    for (const [depth, key] of path.entries()) {
      if (!isObject(node)) return { absentAt: depth, value: node ?? null };
      node = node[key];
    }
    if (!isObject(node)) return { absentAt: path.length, value: node ?? null };
    const metadata = isObject(node['metadata']) ? node['metadata'] : node['metadata'] === undefined ? {} : { invalid: node['metadata'] };
    return { metadata: this.#podMetadata(metadata), spec: node['spec'] };
  }

  /** A pod's metadata as checks read it: its annotations (AppArmor, seccomp) and the exemption labels. */
  #podMetadata(metadata: Record<string, unknown>): unknown {
    return { annotations: metadata['annotations'], labels: this.#selectedLabels(metadata) };
  }

  #selectedLabels(metadata: Record<string, unknown>): unknown {
    const labels = metadata['labels'];
    if (!isObject(labels)) return labels ?? null;
    const out: Record<string, unknown> = {};
    for (const key of this.#selectorKeys) if (Object.hasOwn(labels, key)) out[key] = labels[key];
    return Object.keys(out).length > 0 ? out : null; // no selector label: the same as no labels
  }

  #compute(object: Record<string, unknown>, namespace: AuditNamespace): Verdicts {
    const metadata = isObject(object['metadata']) ? object['metadata'] : {};
    const admitted = normalizeForAdmission({ ...object, metadata: { ...metadata, namespace: namespace.name } }) as Record<string, unknown>;
    const kind = object['kind'] as VariantKind;
    const replay = {
      origin: { fixture: 'audit', file: '', line: 0 },
      variant: kind,
      namespace: namespace.harness,
      object: admitted,
      pod: podOf(admitted),
    };
    const evaluated = evaluateCase(this.compiled, replay);
    const rows: ResultRow[] = [];
    const controls: ControlOutcome[] = [];
    let enforcedFailure = false;
    for (const { artifacts, verdicts } of evaluated.controls) {
      const control = artifacts.control;
      const inScope = scopeSelects(control, namespace.harness.labels);
      const applied = ENGINES.some((engine) => verdicts[engine] !== undefined && verdicts[engine].outcome !== 'not-applied');
      if (!inScope && !applied) continue;
      const controlRows: ResultRow[] = [];
      for (const engine of this.engines) {
        const verdict = verdicts[engine];
        if (!verdict) continue;
        const row: ResultRow = {
          control: control.id,
          pssCheck: control.pssCheck,
          engine,
          verdict: VERDICT_OF[verdict.outcome],
          message: verdict.message,
          ...(verdict.outcome === 'fail' && verdict.action ? { action: verdict.action } : {}),
          ...(engine === 'psa' && verdict.outcome === 'fail' && kind !== 'Pod' && verdict.enforced ? { enforced: true } : {}),
        };
        controlRows.push(row);
      }
      const failing = controlRows.some((r) => r.verdict === 'fail' || r.verdict === 'error');
      const disagreement = controlRows.some((r) => r.verdict === 'fail') && controlRows.some((r) => r.verdict === 'pass');
      const mode = inScope ? modeIn(control, namespace.name) : strongestEffect(controlRows);
      const blocks =
        controlRows.some((r) => r.verdict === 'fail' && (r.action === 'deny' || r.enforced === true)) ||
        (inScope && mode === 'enforce' && controlRows.some((r) => r.verdict === 'error'));
      if (blocks) enforcedFailure = true;
      rows.push(...controlRows);
      controls.push({ control, mode, enforcedFailure: blocks, rows: controlRows, failing, disagreement });
    }
    return { rows, controls, enforcedFailure, rowsJson: JSON.stringify(rows) };
  }
}

function strongestEffect(rows: readonly ResultRow[]): RolloutMode {
  const actions = new Set(rows.filter((r) => r.verdict === 'fail').map((r) => r.action));
  return actions.has('deny') ? 'enforce' : actions.has('warn') ? 'warn' : 'audit';
}

/** The workload kind of an object (a pod controller served by its API group), else undefined. */
export function workloadKind(object: Record<string, unknown>): VariantKind | undefined {
  const kind = object['kind'];
  if (typeof kind !== 'string' || !Object.hasOwn(WORKLOAD_GROUPS, kind)) return undefined;
  const apiVersion = typeof object['apiVersion'] === 'string' ? object['apiVersion'] : '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return WORKLOAD_GROUPS[kind as VariantKind].includes(group) ? (kind as VariantKind) : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
