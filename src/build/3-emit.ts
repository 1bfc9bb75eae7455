import { stringify } from 'yaml';
import { kyvernoException, kyvernoPolicy } from '../backends/kyverno/policy.ts';
import { validatingPolicies } from '../backends/kyverno/validating-policy.ts';
import { validatingAdmissionPolicy, validatingAdmissionPolicyBindings } from '../backends/vap/policy.ts';
import { constraints, constraintTemplate } from '../backends/gatekeeper/template.ts';
import { labelArguments, namespaceManifest } from '../backends/psa/namespaces.ts';
import { allowDnsPolicy, defaultDenyPolicy } from '../backends/network/policies.ts';
import { fileStem } from '../backends/common.ts';
import { compareBytes } from '../util/files.ts';
import type { BuildModel, ResolvedControl } from './model.ts';
import { renderTemplate } from './templates.ts';
import { upstreamTests } from './upstream-tests.ts';
import type { PodFixture } from '../harness/fixtures.ts';

/** Phase 3: every backend's output as files (path under generated/ → content), deterministic. */

export type OutputFiles = Map<string, string>;

/** The PSA snapshot the PSS controls follow (kubernetes/pod-security-admission). */
export const PSA_SNAPSHOT = 'kubernetes/pod-security-admission@8f84a87c7f617f64a4ddc1aea24aeeb7a2e07cb8';

const YAML_OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false } as const;

export function emit(model: BuildModel, fixtures: readonly PodFixture[] = []): OutputFiles {
  const files: OutputFiles = new Map();
  const index: Record<string, unknown>[] = [];

  for (const control of model.controls) {
    const stem = fileStem(control);
    const header = (subject: string) => renderTemplate('header.hbs', { control, pssVersion: model.pssVersion, subject });
    const emitted = { kyverno: [`kyverno/${stem}.yaml`], gatekeeper: [`gatekeeper/templates/${stem}.yaml`], vap: [`vap/policies/${stem}.yaml`], kyvernoValidatingPolicy: [] as string[] };
    files.set(emitted.kyverno[0]!, header('Kyverno ClusterPolicy') + stringify(kyvernoPolicy(control), YAML_OPTIONS));
    files.set(emitted.gatekeeper[0]!, header('Gatekeeper ConstraintTemplate (Rego and CEL engines)') + stringify(constraintTemplate(control), YAML_OPTIONS));
    for (const { suffix, object } of constraints(control)) {
      const file = `gatekeeper/constraints/${stem}${suffix}.yaml`;
      emitted.gatekeeper.push(file);
      files.set(file, header(suffix ? `Gatekeeper Constraint (staged rollout: ${String((object['spec'] as { enforcementAction: string }).enforcementAction)})` : 'Gatekeeper Constraint') + stringify(object, YAML_OPTIONS));
    }
    files.set(emitted.vap[0]!, header('ValidatingAdmissionPolicy (Kubernetes ≥ 1.30)') + stringify(validatingAdmissionPolicy(control), YAML_OPTIONS));
    for (const { suffix, object } of validatingAdmissionPolicyBindings(control)) {
      const file = `vap/bindings/${stem}${suffix}.yaml`;
      emitted.vap.push(file);
      files.set(file, header(`ValidatingAdmissionPolicyBinding${suffix ? ` (staged rollout: ${suffix.slice(1)})` : ''}`) + stringify(object, YAML_OPTIONS));
    }
    for (const { suffix, object } of validatingPolicies(control)) {
      const file = `kyverno-vpol/${stem}${suffix}.yaml`;
      emitted.kyvernoValidatingPolicy.push(file);
      files.set(file, header(`Kyverno ValidatingPolicy (CEL, Kyverno ≥ 1.17)${suffix ? ` (staged rollout: ${suffix.slice(1)})` : ''}`) + stringify(object, YAML_OPTIONS));
    }
    index.push(indexEntry(control, model, emitted));
  }

  for (const exemption of model.exemptions) {
    if (exemption.target.kind !== 'workload-name' && exemption.target.kind !== 'workload-selector') continue;
    const file = `kyverno/exceptions/${exemption.name}.yaml`;
    const header = renderTemplate('header.hbs', { control: null, subject: `Kyverno PolicyException for exemptions[${exemption.index}]: ${exemption.reason}${exemption.expires ? ` (expires ${exemption.expires})` : ''}` });
    files.set(file, header + stringify(kyvernoException(exemption, model.controls), YAML_OPTIONS));
  }

  const namespaceFiles: string[] = [];
  const networkFiles: string[] = [];
  for (const ns of model.namespaces) {
    const header = (subject: string) => renderTemplate('header.hbs', { control: null, subject });
    const file = `psa/${ns.name}.yaml`;
    namespaceFiles.push(file);
    files.set(file, header(`Namespace ${ns.name}: PSA enforce ${ns.enforce.level}:${ns.enforce.version}, warn ${ns.warn.level}:${ns.warn.version}, audit ${ns.audit.level}:${ns.audit.version}`) + stringify(namespaceManifest(ns), YAML_OPTIONS));
    if (ns.networkIsolation) {
      const deny = `network/${ns.name}-default-deny.yaml`;
      files.set(deny, header(`Default-deny NetworkPolicy for namespace ${ns.name}`) + stringify(defaultDenyPolicy(ns), YAML_OPTIONS));
      networkFiles.push(deny);
      if (ns.networkIsolation.allowDns) {
        const dns = `network/${ns.name}-allow-dns.yaml`;
        files.set(dns, header(`DNS egress for namespace ${ns.name}`) + stringify(allowDnsPolicy(ns), YAML_OPTIONS));
        networkFiles.push(dns);
      }
    }
  }
  const testHeader = (subject: string) => renderTemplate('header.hbs', { control: null, subject });
  for (const [path, content] of upstreamTests(model, fixtures, testHeader)) files.set(path, content);

  const admission = psaAdmissionConfiguration(model);
  if (admission) {
    files.set('psa/admission-configuration.yaml', renderTemplate('header.hbs', { control: null, subject: 'PodSecurity admission configuration with the namespace exemptions (an apiserver file for --admission-control-config-file, not an object to apply)' }) + stringify(admission, YAML_OPTIONS));
  }
  files.set(
    'psa/label-namespaces.sh',
    renderTemplate('label-namespaces.sh.hbs', {
      pssVersion: model.pssVersion,
      namespaces: model.namespaces.map((ns) => ({
        name: ns.name,
        enforce: `${ns.enforce.level}:${ns.enforce.version}`,
        warn: `${ns.warn.level}:${ns.warn.version}`,
        audit: `${ns.audit.level}:${ns.audit.version}`,
        labels: labelArguments(ns).join(' \\\n  '),
      })),
    }),
  );

  const kustomization = (folder: string, resources: string[], notes: string[] = []) =>
    files.set(folder ? `${folder}/kustomization.yaml` : 'kustomization.yaml', renderTemplate('kustomization.yaml.hbs', { resources, notes }));
  // A folder's resources: its own YAML files, then its subfolders (each has its own kustomization).
  const inFolder = (folder: string) => {
    const entries = new Set<string>();
    for (const f of files.keys()) {
      if (!f.startsWith(`${folder}/`)) continue;
      const rest = f.slice(folder.length + 1);
      if (rest.includes('/')) entries.add(rest.slice(0, rest.indexOf('/')));
      else if (rest.endsWith('.yaml') && rest !== 'kustomization.yaml') entries.add(rest);
    }
    return [...entries].sort((a, b) => Number(!a.endsWith('.yaml')) - Number(!b.endsWith('.yaml')) || compareBytes(a, b));
  };
  if ([...files.keys()].some((f) => f.startsWith('kyverno/exceptions/'))) kustomization('kyverno/exceptions', inFolder('kyverno/exceptions'), ['PolicyExceptions (kyverno.io/v2): Kyverno must run with exceptions enabled (the default since 1.11).']);

  kustomization('kyverno', inFolder('kyverno'));
  kustomization('gatekeeper/templates', inFolder('gatekeeper/templates'));
  kustomization('vap/policies', inFolder('vap/policies'));
  kustomization('vap/bindings', inFolder('vap/bindings'));
  kustomization('vap', ['policies', 'bindings'], ['Native ValidatingAdmissionPolicies (admissionregistration.k8s.io/v1, Kubernetes 1.30 or newer) and their bindings.']);
  kustomization('kyverno-vpol', inFolder('kyverno-vpol'), ['Kyverno CEL ValidatingPolicies (policies.kyverno.io/v1, Kyverno 1.17 or newer): an alternative to kyverno/, not a complement.']);
  kustomization('gatekeeper/constraints', inFolder('gatekeeper/constraints'), [
    'Apply after the templates: Gatekeeper must have created each constraint CRD first.',
  ]);
  kustomization('gatekeeper', ['templates'], ['Templates only: apply ./constraints once the templates report status.created=true.']);
  kustomization('psa', namespaceFiles.map((f) => f.slice('psa/'.length)).sort(compareBytes));
  kustomization('network', networkFiles.map((f) => f.slice('network/'.length)).sort(compareBytes));
  kustomization('', ['psa', 'network'], [
    'Namespaces (PSA labels and scope labels) and network isolation. Install the policies of one engine',
    'separately: kubectl apply -k generated/kyverno, or generated/gatekeeper/templates then generated/gatekeeper/constraints.',
  ]);

  files.set(
    'index.json',
    `${JSON.stringify(
      {
        generator: 'kube-policy-compiler',
        pssVersion: model.pssVersion,
        pssVersionPin: model.pssVersionPin,
        psaSnapshot: PSA_SNAPSHOT,
        controls: index,
        exemptions: model.exemptions.map((e) => ({ name: e.name, index: e.index, reason: e.reason, expires: e.expires, controls: e.controls, target: e.target })),
        lossy: model.lossy,
        namespaces: model.namespaces.map((ns) => ({
          name: ns.name,
          level: ns.level,
          mode: ns.mode,
          enforce: ns.enforce,
          warn: ns.warn,
          audit: ns.audit,
          hardening: ns.hardening,
          networkIsolation: ns.networkIsolation,
          files: [`psa/${ns.name}.yaml`, ...networkFiles.filter((f) => f.startsWith(`network/${ns.name}-`))],
        })),
      },
      null,
      2,
    )}\n`,
  );
  return new Map([...files.entries()].sort(([a], [b]) => compareBytes(a, b)));
}

function indexEntry(control: ResolvedControl, model: BuildModel, files: Record<string, string[]>): Record<string, unknown> {
  return {
    id: control.id,
    title: control.title,
    level: control.level,
    pssCheck: control.pssCheck,
    levels: control.activeLevels,
    pssVersion: model.pssVersion,
    variantSince: control.variantSince,
    severity: control.severity,
    source: control.source,
    scope: control.scope,
    rules: control.rules.map((r) => r.name),
    parameters: Object.fromEntries(control.params.map((p) => [p.name, p.value])),
    rollout: control.rollout,
    files,
  };
}

/**
 * PSA exempts namespaces only through its admission configuration (exemptions.namespaces, an
 * apiserver file): namespaces exempted from every PSS control go there.
 */
function psaAdmissionConfiguration(model: BuildModel): Record<string, unknown> | null {
  const pss = model.controls.filter((c) => c.pssCheck).map((c) => c.id);
  const namespaces = new Set<string>();
  for (const e of model.exemptions) {
    if (e.target.kind === 'namespaces' && pss.every((id) => e.controls.includes(id))) for (const ns of e.target.namespaces) namespaces.add(ns);
  }
  if (namespaces.size === 0) return null;
  return {
    apiVersion: 'apiserver.config.k8s.io/v1',
    kind: 'AdmissionConfiguration',
    plugins: [
      {
        name: 'PodSecurity',
        configuration: {
          apiVersion: 'pod-security.admission.config.k8s.io/v1',
          kind: 'PodSecurityConfiguration',
          defaults: { enforce: 'privileged', 'enforce-version': 'latest', audit: 'privileged', 'audit-version': 'latest', warn: 'privileged', 'warn-version': 'latest' },
          exemptions: { usernames: [], runtimeClasses: [], namespaces: [...namespaces].sort(compareBytes) },
        },
      },
    ],
  };
}
