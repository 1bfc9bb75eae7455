import type { ResolvedExemption } from './exemptions.ts';
import type { BuildModel, LossyNote } from './model.ts';
import type { ResolvedRollout } from './rollout.ts';

/**
 * What each target cannot express of the exemptions and the rollout, and what it does instead.
 * An exemption a target cannot express is *not* applied there (never widened): the target stays
 * stricter, and the build says so.
 */
export function lossyNotes(model: Omit<BuildModel, 'lossy'>, rollout: ResolvedRollout): LossyNote[] {
  const notes: LossyNote[] = [];
  const pssControls = new Set(model.controls.filter((c) => c.pssCheck).map((c) => c.id));
  for (const exemption of model.exemptions) {
    const subject = `exemptions[${exemption.index}]`;
    const describe = describeExemption(exemption);
    const coversPss = exemption.controls.some((id) => pssControls.has(id));
    switch (exemption.target.kind) {
      case 'namespaces':
        if (coversPss && exemption.controls.length < model.controls.length) {
          notes.push({ target: 'psa', subject, message: `PSA exempts whole namespaces only: ${describe} is limited to some controls, so PSA still enforces every check of the namespaces' level there` });
        }
        break;
      case 'workload-name':
        if (coversPss) notes.push({ target: 'psa', subject, message: `PSA cannot exempt a workload: ${describe} is still held to its namespace's level by PSA` });
        notes.push({ target: 'gatekeeper', subject, message: `a Gatekeeper constraint cannot exclude one object by name: ${describe} is not exempted in Gatekeeper (use a label selector exemption)` });
        notes.push({ target: 'vap', subject, message: `a ValidatingAdmissionPolicyBinding cannot exclude one object by name: ${describe} is not exempted by the native policies` });
        notes.push({ target: 'kyverno-vpol', subject, message: `a ValidatingPolicy cannot exclude one object by name across autogen: ${describe} is not exempted by the Kyverno ValidatingPolicies` });
        notes.push({ target: 'kyverno', subject, message: `${describe} exempts that object (its autogen rules), not the Pods it creates, whose names Kyverno cannot predict; exempt them with a label selector` });
        break;
      case 'workload-selector': {
        if (coversPss) notes.push({ target: 'psa', subject, message: `PSA cannot exempt workloads: ${describe} is still held to its namespace's level by PSA` });
        const requirements = Object.keys(exemption.target.selector.matchLabels ?? {}).length + (exemption.target.selector.matchExpressions?.length ?? 0);
        if (exemption.target.namespace !== null || requirements !== 1) {
          for (const target of ['gatekeeper', 'vap'] as const) {
            notes.push({
              target,
              subject,
              message: `a single label selector excludes only an exemption with one requirement and no namespace: ${describe} is not exempted in ${target === 'vap' ? 'the native policies' : 'Gatekeeper'}`,
            });
          }
        }
        break;
      }
      case 'images':
        if (coversPss) notes.push({ target: 'psa', subject, message: `PSA cannot exempt images: ${describe} is still held to the namespace's level by PSA` });
        break;
    }
  }
  for (const [id, mode] of Object.entries(rollout.controls)) {
    if (mode !== 'enforce' && pssControls.has(id)) {
      const enforcing = model.namespaces.filter((ns) => ns.enforce.level !== 'privileged' && model.controls.find((c) => c.id === id)?.activeLevels.includes(ns.level as never));
      if (enforcing.length > 0) {
        notes.push({
          target: 'psa',
          subject: `rollout.controls.${id}`,
          message: `PSA enforces whole levels, not single checks: ${id} (${mode}) is still enforced by PSA in ${enforcing.map((ns) => ns.name).join(', ')}; set the namespaces' rollout mode to relax PSA`,
        });
      }
    }
  }
  for (const control of model.controls) {
    const modes = new Set([control.rollout.mode, ...Object.values(control.rollout.namespaces)]);
    if (modes.has('warn') && modes.has('audit')) {
      notes.push({
        target: 'kyverno',
        subject: `rollout (${control.id})`,
        message: `Kyverno has no per-namespace warn action: ${control.id} uses Audit with emitWarning, so its audit-mode namespaces also get warnings`,
      });
    }
  }
  return notes;
}

export function describeExemption(exemption: ResolvedExemption): string {
  const target = exemption.target;
  switch (target.kind) {
    case 'namespaces':
      return `the exemption of namespace(s) ${target.namespaces.join(', ')}`;
    case 'workload-name':
      return `the exemption of ${target.workloadKind} ${target.namespace}/${target.name}`;
    case 'workload-selector':
      return `the exemption of workloads selected by ${JSON.stringify(target.selector)}${target.namespace ? ` in ${target.namespace}` : ''}`;
    case 'images':
      return `the exemption of image(s) ${target.images.join(', ')}`;
  }
}
