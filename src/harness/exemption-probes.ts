import type { ResolvedExemption } from '../build/exemptions.ts';
import type { BuildModel } from '../build/model.ts';
import type { LabelSelector } from '../controls/config.ts';
import type { PodFixture } from './fixtures.ts';
import { managedNamespace, type NamespacePlan } from './namespaces.ts';
import { SECONDARY_VARIANTS } from './namespaces.ts';
import { scopeSelects } from './policy-reference.ts';
import type { HarnessNamespace, VariantKind } from './types.ts';

/**
 * Cases that exercise the project's exemptions, generated from the config (never hand-written): a
 * fail fixture of a covered control, changed so the exemption covers it — named and placed as the
 * exempt workload, labelled to match the exempt selector, or running the exempt image — and
 * replayed where the exemption applies. Each engine must exempt it, or keep judging it exactly as
 * the reference would without the exemption where the build declares that target lossy.
 */
export interface ProbeCase {
  readonly id: string;
  readonly fixture: PodFixture;
  readonly pod: Record<string, unknown>;
  readonly kind: VariantKind;
  readonly namespace: HarnessNamespace;
}

export interface ProbeGap {
  readonly id: string;
  readonly reason: string;
}

export function exemptionProbes(model: BuildModel, fixtures: readonly PodFixture[], plan: readonly NamespacePlan[]): { cases: ProbeCase[]; gaps: ProbeGap[] } {
  const cases: ProbeCase[] = [];
  const gaps: ProbeGap[] = [];
  const namespaceNamed = (name: string): HarnessNamespace => plan.find((p) => p.namespace.name === name)?.namespace ?? managedNamespace(model, name);
  for (const exemption of model.exemptions) {
    const subject = `exemptions[${exemption.index}]`;
    const fixture = fixtures.find((f) => f.expect === 'fail' && f.control !== undefined && exemption.controls.includes(f.control));
    if (!fixture) {
      gaps.push({ id: subject, reason: `no fail fixture of a control it covers (${exemption.controls.join(', ')})` });
      continue;
    }
    // Where the fixture's control applies: that is where an exemption shows.
    const applying = plan.map((p) => p.namespace).filter((ns) => model.controls.some((c) => c.id === fixture.control && scopeSelects(c, ns.labels)));
    const add = (pod: Record<string, unknown>, kinds: readonly VariantKind[], namespaces: readonly HarnessNamespace[]) => {
      for (const namespace of namespaces) for (const kind of kinds) cases.push({ id: `${subject}/${fixture.id}`, fixture, pod, kind, namespace });
    };
    const target = exemption.target;
    switch (target.kind) {
      case 'namespaces':
        add(fixture.pod, SECONDARY_VARIANTS, target.namespaces.map(namespaceNamed));
        break;
      case 'workload-name':
        add(renamed(fixture.pod, target.name), [target.workloadKind], [namespaceNamed(target.namespace)]);
        break;
      case 'workload-selector':
        add(labelled(fixture.pod, target.selector), SECONDARY_VARIANTS, target.namespace ? [namespaceNamed(target.namespace)] : applying);
        break;
      case 'images':
        add(withImage(fixture.pod, exemption), SECONDARY_VARIANTS, applying);
        break;
    }
  }
  return { cases, gaps };
}

function renamed(pod: Record<string, unknown>, name: string): Record<string, unknown> {
  return { ...pod, metadata: { ...metadataOf(pod), name } };
}

/** The pod with labels that satisfy the selector (for In, its first value; Exists: any value). */
function labelled(pod: Record<string, unknown>, selector: LabelSelector): Record<string, unknown> {
  const metadata = metadataOf(pod);
  const labels: Record<string, unknown> = { ...(isObject(metadata['labels']) ? metadata['labels'] : {}), ...(selector.matchLabels ?? {}) };
  for (const r of selector.matchExpressions ?? []) {
    if (r.operator === 'In') labels[r.key] = r.values?.[0] ?? '';
    else if (r.operator === 'Exists') labels[r.key] = 'probe';
    else delete labels[r.key]; // NotIn, DoesNotExist: hold when the label is absent
  }
  return { ...pod, metadata: { ...metadata, labels } };
}

/** The pod with every container running an image the exemption names (a prefix pattern gets a tag). */
function withImage(pod: Record<string, unknown>, exemption: ResolvedExemption): Record<string, unknown> {
  const pattern = exemption.target.kind === 'images' ? exemption.target.images[0]! : '';
  const image = pattern.endsWith('*') ? `${pattern.slice(0, -1)}1.0.0` : pattern;
  const spec = isObject(pod['spec']) ? { ...pod['spec'] } : {};
  for (const key of ['initContainers', 'containers', 'ephemeralContainers']) {
    const list = spec[key];
    if (Array.isArray(list)) spec[key] = list.map((c) => (isObject(c) ? { ...c, image } : c));
  }
  return { ...pod, spec };
}

function metadataOf(pod: Record<string, unknown>): Record<string, unknown> {
  return isObject(pod['metadata']) ? pod['metadata'] : {};
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
