import { stringify } from 'yaml';
import { kyvernoPolicy } from '../backends/kyverno/policy.ts';
import { constraint, constraintTemplate } from '../backends/gatekeeper/template.ts';
import { labelArguments, namespaceManifest } from '../backends/psa/namespaces.ts';
import { allowDnsPolicy, defaultDenyPolicy } from '../backends/network/policies.ts';
import { fileStem } from '../backends/common.ts';
import { compareBytes } from '../util/files.ts';
import type { BuildModel, ResolvedControl } from './model.ts';
import { renderTemplate } from './templates.ts';

/** Phase 3: every backend's output as files (path under generated/ → content), deterministic. */

export type OutputFiles = Map<string, string>;

/** The PSA snapshot the PSS controls follow (kubernetes/pod-security-admission). */
export const PSA_SNAPSHOT = 'kubernetes/pod-security-admission@8f84a87c7f617f64a4ddc1aea24aeeb7a2e07cb8';

const YAML_OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false } as const;

export function emit(model: BuildModel): OutputFiles {
  const files: OutputFiles = new Map();
  const index: Record<string, unknown>[] = [];

  for (const control of model.controls) {
    const stem = fileStem(control);
    const header = (subject: string) => renderTemplate('header.hbs', { control, pssVersion: model.pssVersion, subject });
    const emitted = {
      kyverno: [`kyverno/${stem}.yaml`],
      gatekeeper: [`gatekeeper/templates/${stem}.yaml`, `gatekeeper/constraints/${stem}.yaml`],
    };
    files.set(emitted.kyverno[0]!, header('Kyverno ClusterPolicy') + stringify(kyvernoPolicy(control), YAML_OPTIONS));
    files.set(emitted.gatekeeper[0]!, header('Gatekeeper ConstraintTemplate (Rego and CEL engines)') + stringify(constraintTemplate(control), YAML_OPTIONS));
    files.set(emitted.gatekeeper[1]!, header('Gatekeeper Constraint') + stringify(constraint(control), YAML_OPTIONS));
    index.push(indexEntry(control, model, emitted));
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

  const inFolder = (folder: string) => [...files.keys()].filter((f) => f.startsWith(`${folder}/`) && f.endsWith('.yaml')).map((f) => f.slice(folder.length + 1)).sort(compareBytes);
  const kustomization = (folder: string, resources: string[], notes: string[] = []) =>
    files.set(folder ? `${folder}/kustomization.yaml` : 'kustomization.yaml', renderTemplate('kustomization.yaml.hbs', { resources, notes }));

  kustomization('kyverno', inFolder('kyverno'));
  kustomization('gatekeeper/templates', inFolder('gatekeeper/templates'));
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
        namespaces: model.namespaces.map((ns) => ({
          name: ns.name,
          level: ns.level,
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

function indexEntry(control: ResolvedControl, model: BuildModel, files: { kyverno: string[]; gatekeeper: string[] }): Record<string, unknown> {
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
    files,
  };
}
