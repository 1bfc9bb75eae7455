import type { RolloutMode } from '../controls/config.ts';
import { describeExemption } from './lossy.ts';
import type { BuildModel, ResolvedControl, ResolvedNamespace } from './model.ts';

/** The rollout plan `kpc build` prints: per namespace, which controls run in which mode, and where. */

const MODES: readonly RolloutMode[] = ['enforce', 'warn', 'audit'];

export function controlsIn(model: BuildModel, ns: ResolvedNamespace): ResolvedControl[] {
  return model.controls.filter((c) => (c.level === 'hardening' ? ns.hardening.includes(c.id) : ns.level !== 'privileged' && c.activeLevels.includes(ns.level)));
}

export function modeIn(control: ResolvedControl, namespace: string): RolloutMode {
  return control.rollout.namespaces[namespace] ?? control.rollout.mode;
}

export function renderPlan(model: BuildModel): string {
  const rows: string[][] = [['namespace', 'level', 'PSA enforce / warn / audit', 'enforce', 'warn', 'audit']];
  for (const ns of model.namespaces) {
    const exempt = new Set(model.exemptions.filter((e) => e.target.kind === 'namespaces' && e.target.namespaces.includes(ns.name)).flatMap((e) => e.controls));
    const controls = controlsIn(model, ns).filter((c) => !exempt.has(c.id));
    const byMode = (mode: RolloutMode) => controls.filter((c) => modeIn(c, ns.name) === mode);
    const cell = (mode: RolloutMode) => {
      const list = byMode(mode);
      if (list.length === 0) return '—';
      return list.length > 3 ? `${list.length} controls` : list.map((c) => c.id).join(', ');
    };
    rows.push([ns.name, ns.level, `${ns.enforce.level} / ${ns.warn.level} / ${ns.audit.level}`, ...MODES.map(cell)]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = [`Rollout plan at PSS ${model.pssVersion} (${model.controls.length} controls):`];
  for (const [i, row] of rows.entries()) {
    lines.push(`  ${row.map((cell, j) => cell.padEnd(widths[j]!)).join('  ').trimEnd()}`);
    if (i === 0) lines.push(`  ${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  }
  const others = model.controls.filter((c) => c.rollout.mode !== 'enforce');
  if (others.length > 0) lines.push(`  other namespaces selected by label: ${others.map((c) => `${c.id} ${c.rollout.mode}`).join(', ')}; everything else enforce`);
  if (model.exemptions.length > 0) {
    lines.push('Exemptions:');
    for (const e of model.exemptions) {
      const scope = e.controls.length === model.controls.length ? 'all controls' : e.controls.join(', ');
      lines.push(`  exemptions[${e.index}] ${describeExemption(e).replace(/^the exemption of /, '')} — ${scope}${e.expires ? ` — until ${e.expires}` : ''} — ${e.reason}`);
    }
  }
  if (model.lossy.length > 0) {
    lines.push('Not expressible in some targets (applied there as written, without the exemption or relaxation):');
    for (const note of model.lossy) lines.push(`  ${note.target} ${note.subject}: ${note.message}`);
  }
  return `${lines.join('\n')}\n`;
}
