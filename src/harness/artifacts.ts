import type { OutputFiles } from '../build/3-emit.ts';
import { CONTROL_LABEL, type BuildModel, type ResolvedControl } from '../build/model.ts';
import { Gatekeeper } from '../engines/gatekeeper/index.ts';
import { isObject, type JsonObject } from '../engines/jmespath/index.ts';
import { loadException, loadPolicy, type KyvernoPolicy, type PolicyException, type ValidatingPolicy } from '../engines/kyverno/index.ts';
import { loadVapObjects, type ValidatingAdmissionPolicy, type ValidatingAdmissionPolicyBinding } from '../engines/vap/index.ts';
import { DEFAULT_CONFIGURATION, parsePodSecurityConfiguration, type PodSecurityConfiguration } from '../engines/psa/index.ts';
import { describeError } from '../util/errors.ts';
import { compareBytes } from '../util/files.ts';
import { parseYamlDocuments } from '../util/yaml.ts';

/**
 * The generated artifacts of one build, read back as a cluster would read them: each control's
 * ClusterPolicy (with every generated PolicyException) for the Kyverno engine, its
 * ValidatingPolicies (one per rollout mode) for Kyverno's CEL engine, its ConstraintTemplate and
 * every Constraint of it for one Gatekeeper per engine (Rego, CEL), its ValidatingAdmissionPolicy
 * and every binding of it for the apiserver's plugin, and the PSA admission configuration. Objects are found by their `kube-policy-compiler/control`
 * label, as `kubectl apply -k generated/…` would install them; engines never see the IR. Loaded
 * artifacts are cached by content, so builds for different PSS versions share every artifact that
 * did not change.
 */

/** An artifact the engine refused to load: every verdict of that engine is then an error. */
export interface LoadFailure {
  readonly error: string;
}

export interface KyvernoArtifact {
  /** Content id (policy and exceptions): equal ids mean the same engine input. */
  readonly key: number;
  readonly policy: KyvernoPolicy;
  readonly exceptions: readonly PolicyException[];
  /** True when every rule is a foreach rule (such a rule gives no response when its list is empty). */
  readonly allForeach: boolean;
}

export interface GatekeeperArtifact {
  readonly key: number;
  readonly gatekeeper: Gatekeeper;
}

/** A control's ValidatingPolicies (Kyverno's CEL engine applies their autogen itself). */
export interface ValidatingPolicyArtifact {
  readonly key: number;
  readonly policies: readonly ValidatingPolicy[];
}

/** A control's ValidatingAdmissionPolicy and its bindings, as the apiserver loaded them. */
export interface VapArtifact {
  readonly key: number;
  readonly policies: readonly ValidatingAdmissionPolicy[];
  readonly bindings: readonly ValidatingAdmissionPolicyBinding[];
}

export interface ControlArtifacts {
  readonly control: ResolvedControl;
  readonly kyverno: KyvernoArtifact | LoadFailure;
  readonly vpol: ValidatingPolicyArtifact | LoadFailure;
  readonly rego: GatekeeperArtifact | LoadFailure;
  readonly cel: GatekeeperArtifact | LoadFailure;
  readonly vap: VapArtifact | LoadFailure;
  /** The generated files each engine was given (under generated/). */
  readonly files: { readonly kyverno: readonly string[]; readonly kyvernoVpol: readonly string[]; readonly gatekeeper: readonly string[]; readonly vap: readonly string[] };
}

/**
 * Every control's template and constraints in one Gatekeeper, as a cluster runs them: one review
 * judges the object against every constraint (the object is converted once, not once per
 * control). Used where verdicts are not cached per control (fixtures, fuzzing).
 */
export interface GatekeeperBatch {
  readonly gatekeeper: Gatekeeper;
  /** Constraint kind → control id. */
  readonly controlOfKind: ReadonlyMap<string, string>;
  /** Controls whose template or constraints did not load: their verdicts are errors. */
  readonly failures: ReadonlyMap<string, string>;
}

export interface CompiledBuild {
  readonly pssVersion: string;
  readonly model: BuildModel;
  readonly controls: readonly ControlArtifacts[];
  readonly psaConfiguration: PodSecurityConfiguration | LoadFailure;
  /** Loaded on first use (batches), per engine. */
  readonly batches: { readonly rego: () => GatekeeperBatch; readonly cel: () => GatekeeperBatch };
}

export const isLoadFailure = (value: object): value is LoadFailure => 'error' in value;

interface Parsed {
  readonly path: string;
  readonly object: Record<string, unknown>;
}

/** Shared across builds: artifact content → loaded engine state. */
export class ArtifactCache {
  readonly #kyverno = new Map<string, KyvernoArtifact | LoadFailure>();
  readonly #gatekeeper = new Map<string, GatekeeperArtifact | LoadFailure>();
  readonly #vpol = new Map<string, ValidatingPolicyArtifact | LoadFailure>();
  readonly #vap = new Map<string, VapArtifact | LoadFailure>();
  /** Generated file text (without its comment header, which names the version) → parsed object. */
  readonly #parsed = new Map<string, Record<string, unknown> | LoadFailure>();
  #nextKey = 1;

  compile(model: BuildModel, files: OutputFiles): CompiledBuild {
    const problems: string[] = [];
    const read = (folder: string): Parsed[] => {
      const out: Parsed[] = [];
      for (const path of [...files.keys()].sort(compareBytes)) {
        if (!path.startsWith(`${folder}/`) || !path.endsWith('.yaml') || path.endsWith('/kustomization.yaml')) continue;
        if (path.slice(folder.length + 1).includes('/')) continue;
        const object = this.#readObject(files.get(path)!, path);
        if (isLoadFailure(object)) problems.push(object.error);
        else out.push({ path, object });
      }
      return out;
    };
    const policies = read('kyverno');
    const exceptionFiles = read('kyverno/exceptions');
    const templates = read('gatekeeper/templates');
    const constraints = read('gatekeeper/constraints');
    const validatingPolicies = read('kyverno-vpol');
    const vapPolicies = read('vap/policies');
    const vapBindings = read('vap/bindings');
    const exceptions: PolicyException[] = [];
    let exceptionProblem: string | undefined;
    for (const { path, object } of exceptionFiles) {
      try {
        exceptions.push(loadException({ file: `generated/${path}`, line: 1, value: object }));
      } catch (error) {
        exceptionProblem = `generated/${path}: ${describeError(error)}`;
      }
    }
    const byControl = (list: readonly Parsed[], id: string) => list.filter((p) => controlOf(p.object) === id);

    const controls = model.controls.map((control): ControlArtifacts => {
      const kyvernoFiles = byControl(policies, control.id);
      const templateFiles = byControl(templates, control.id);
      const constraintFiles = byControl(constraints, control.id);
      const gatekeeperFiles = [...templateFiles, ...constraintFiles];
      const vpolFiles = byControl(validatingPolicies, control.id);
      const vapPolicyFiles = byControl(vapPolicies, control.id);
      const vapBindingFiles = byControl(vapBindings, control.id);
      return {
        control,
        kyverno: exceptionProblem ? { error: exceptionProblem } : this.#loadKyverno(kyvernoFiles, exceptionFiles, exceptions, control.id),
        vpol: this.#loadValidatingPolicies(vpolFiles, control.id),
        rego: this.#loadGatekeeper(templateFiles, constraintFiles, 'rego', control.id),
        cel: this.#loadGatekeeper(templateFiles, constraintFiles, 'cel', control.id),
        vap: this.#loadVap(vapPolicyFiles, vapBindingFiles, control.id),
        files: {
          kyverno: kyvernoFiles.map((f) => f.path),
          kyvernoVpol: vpolFiles.map((f) => f.path),
          gatekeeper: gatekeeperFiles.map((f) => f.path),
          vap: [...vapPolicyFiles, ...vapBindingFiles].map((f) => f.path),
        },
      };
    });
    const failure = problems.length > 0 ? { error: problems.join('; ') } : undefined;
    const batch = (engine: 'rego' | 'cel') => {
      let loaded: GatekeeperBatch | undefined;
      return () => (loaded ??= loadBatch(engine, model.controls.map((c) => ({ id: c.id, templates: byControl(templates, c.id), constraints: byControl(constraints, c.id) })), failure));
    };
    return {
      pssVersion: model.pssVersion,
      model,
      controls: failure ? controls.map((c) => ({ ...c, kyverno: failure, vpol: failure, rego: failure, cel: failure, vap: failure })) : controls,
      psaConfiguration: psaConfiguration(files),
      batches: { rego: batch('rego'), cel: batch('cel') },
    };
  }

  #loadKyverno(policies: readonly Parsed[], exceptionFiles: readonly Parsed[], exceptions: readonly PolicyException[], control: string): KyvernoArtifact | LoadFailure {
    if (policies.length !== 1) return { error: `expected one Kyverno policy labelled ${CONTROL_LABEL}: ${control} in generated/kyverno, found ${policies.length}` };
    const [{ path, object }] = policies as [Parsed];
    const content = `${JSON.stringify(object)}\n${JSON.stringify(exceptionFiles.map((e) => e.object))}`;
    let loaded = this.#kyverno.get(content);
    if (!loaded) {
      try {
        const result = loadPolicy({ file: `generated/${path}`, line: 1, value: object });
        if (result.type !== 'kyverno') throw new Error(`expected a ClusterPolicy, found a ${result.policy.kind}`);
        const policy = result.policy;
        loaded = { key: this.#nextKey++, policy, exceptions, allForeach: policy.rules.length > 0 && policy.rules.every(isForeachRule) };
      } catch (error) {
        loaded = { error: `generated/${path}: ${describeError(error)}` };
      }
      this.#kyverno.set(content, loaded);
    }
    return loaded;
  }

  #loadGatekeeper(templates: readonly Parsed[], constraints: readonly Parsed[], engine: 'rego' | 'cel', control: string): GatekeeperArtifact | LoadFailure {
    if (templates.length !== 1) return { error: `expected one ConstraintTemplate labelled ${CONTROL_LABEL}: ${control} in generated/gatekeeper/templates, found ${templates.length}` };
    if (constraints.length === 0) return { error: `no Constraint labelled ${CONTROL_LABEL}: ${control} in generated/gatekeeper/constraints` };
    const content = `${engine}\n${JSON.stringify([...templates, ...constraints].map((p) => p.object))}`;
    let loaded = this.#gatekeeper.get(content);
    if (!loaded) {
      let where = '';
      try {
        const gatekeeper = new Gatekeeper(engine);
        where = `generated/${templates[0]!.path}`;
        gatekeeper.addTemplate(templates[0]!.object, { file: where, line: 1 });
        for (const constraint of constraints) {
          where = `generated/${constraint.path}`;
          gatekeeper.addConstraint(constraint.object, { file: where, line: 1 });
        }
        loaded = { key: this.#nextKey++, gatekeeper };
      } catch (error) {
        loaded = { error: `${where}: ${describeError(error)}` };
      }
      this.#gatekeeper.set(content, loaded);
    }
    return loaded;
  }

  #loadValidatingPolicies(files: readonly Parsed[], control: string): ValidatingPolicyArtifact | LoadFailure {
    if (files.length === 0) return { error: `no ValidatingPolicy labelled ${CONTROL_LABEL}: ${control} in generated/kyverno-vpol` };
    const content = JSON.stringify(files.map((p) => p.object));
    let loaded = this.#vpol.get(content);
    if (!loaded) {
      let where = '';
      try {
        const policies: ValidatingPolicy[] = [];
        for (const { path, object } of files) {
          where = `generated/${path}`;
          const result = loadPolicy({ file: where, line: 1, value: object });
          if (result.type !== 'validating') throw new Error(`expected a ValidatingPolicy, found a ${result.policy.kind}`);
          policies.push(result.policy);
        }
        loaded = { key: this.#nextKey++, policies };
      } catch (error) {
        loaded = { error: `${where}: ${describeError(error)}` };
      }
      this.#vpol.set(content, loaded);
    }
    return loaded;
  }

  #loadVap(policies: readonly Parsed[], bindings: readonly Parsed[], control: string): VapArtifact | LoadFailure {
    if (policies.length !== 1) return { error: `expected one ValidatingAdmissionPolicy labelled ${CONTROL_LABEL}: ${control} in generated/vap/policies, found ${policies.length}` };
    if (bindings.length === 0) return { error: `no ValidatingAdmissionPolicyBinding labelled ${CONTROL_LABEL}: ${control} in generated/vap/bindings` };
    const files = [...policies, ...bindings];
    const content = JSON.stringify(files.map((p) => p.object));
    let loaded = this.#vap.get(content);
    if (!loaded) {
      // The apiserver refuses an invalid policy or binding on create: that is a load failure here.
      const objects = loadVapObjects(files.map((p) => ({ file: `generated/${p.path}`, line: 1, value: p.object })));
      loaded =
        objects.problems.length > 0
          ? { error: objects.problems.map((p) => `${p.source.file}: ${p.message}`).join('; ') }
          : { key: this.#nextKey++, policies: objects.policies, bindings: objects.bindings };
      this.#vap.set(content, loaded);
    }
    return loaded;
  }

  /** The single object of a generated file, read as Kubernetes reads YAML (each distinct text parsed once). */
  #readObject(text: string, path: string): Record<string, unknown> | LoadFailure {
    const body = text.replace(/^(#[^\n]*\n)+/, '');
    let object = this.#parsed.get(body);
    if (!object) {
      try {
        object = parseObject(body, path);
      } catch (error) {
        object = { error: describeError(error) };
      }
      this.#parsed.set(body, object);
    }
    return object;
  }
}

function loadBatch(engine: 'rego' | 'cel', controls: readonly { id: string; templates: readonly Parsed[]; constraints: readonly Parsed[] }[], failure: LoadFailure | undefined): GatekeeperBatch {
  const gatekeeper = new Gatekeeper(engine);
  const controlOfKind = new Map<string, string>();
  const failures = new Map<string, string>();
  for (const { id, templates, constraints } of controls) {
    if (failure) {
      failures.set(id, failure.error);
      continue;
    }
    if (templates.length !== 1 || constraints.length === 0) {
      failures.set(id, `expected one ConstraintTemplate and its Constraints labelled ${CONTROL_LABEL}: ${id}, found ${templates.length} and ${constraints.length}`);
      continue;
    }
    let where = `generated/${templates[0]!.path}`;
    try {
      const template = gatekeeper.addTemplate(templates[0]!.object, { file: where, line: 1 });
      for (const constraint of constraints) {
        where = `generated/${constraint.path}`;
        controlOfKind.set(gatekeeper.addConstraint(constraint.object, { file: where, line: 1 }).kind, id);
      }
      controlOfKind.set(template.kind, id);
    } catch (error) {
      failures.set(id, `${where}: ${describeError(error)}`);
    }
  }
  return { gatekeeper, controlOfKind, failures };
}

function parseObject(text: string, path: string): Record<string, unknown> {
  const documents = parseYamlDocuments(text, `generated/${path}`).filter((d) => d.value !== null && d.value !== undefined);
  if (documents.length !== 1) throw new Error(`generated/${path}: expected one object, found ${documents.length}`);
  const value = documents[0]!.value;
  if (!isObject(value)) throw new Error(`generated/${path}: not an object`);
  return value;
}

function controlOf(object: Record<string, unknown>): string | undefined {
  const metadata = object['metadata'];
  const labels = isObject(metadata) ? metadata['labels'] : undefined;
  const value = isObject(labels) ? labels[CONTROL_LABEL] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** The PodSecurity plugin configuration of generated/psa/admission-configuration.yaml (defaults when absent). */
function psaConfiguration(files: OutputFiles): PodSecurityConfiguration | LoadFailure {
  const path = 'psa/admission-configuration.yaml';
  const text = files.get(path);
  if (text === undefined) return DEFAULT_CONFIGURATION;
  try {
    const object = parseObject(text, path);
    if (object['kind'] !== 'AdmissionConfiguration') return parsePodSecurityConfiguration(object, `generated/${path}`);
    const plugins = Array.isArray(object['plugins']) ? object['plugins'] : [];
    const plugin = plugins.find((p): p is JsonObject => isObject(p) && p['name'] === 'PodSecurity');
    if (!plugin || plugin['configuration'] === undefined || plugin['configuration'] === null) return DEFAULT_CONFIGURATION;
    return parsePodSecurityConfiguration(plugin['configuration'], `generated/${path}`, 'plugins[PodSecurity].configuration');
  } catch (error) {
    return { error: `generated/${path}: ${describeError(error)}` };
  }
}

function isForeachRule(rule: JsonObject): boolean {
  const validate = rule['validate'];
  return isObject(validate) && Array.isArray(validate['foreach']) && validate['pattern'] === undefined && validate['anyPattern'] === undefined && validate['deny'] === undefined;
}
