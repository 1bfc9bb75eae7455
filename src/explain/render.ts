import type { ExplainedControl, ExplainedWorkload } from './explain.ts';
import type { AppliedEdit } from './fix.ts';

/** `kpc explain` as text: per workload, each failing control with its offending fields and fixes, then the controls that pass. */
export function renderExplanation(workloads: readonly ExplainedWorkload[], options: { verbose?: boolean } = {}): string {
  if (workloads.length === 0) return 'no workload (Pod or pod controller) in the file\n';
  const lines: string[] = [];
  for (const w of workloads) {
    lines.push(`${w.kind} ${w.namespace}/${w.name}  (${w.file}:${w.line}; namespace ${w.namespace}: ${w.level ?? 'not managed by the project config — no control applies; see --level'})`);
    const failing = w.controls.filter((c) => c.verdict === 'fail');
    for (const control of failing) lines.push(...renderControl(control));
    const passing = w.controls.filter((c) => c.verdict !== 'fail');
    if (options.verbose) {
      for (const c of passing) lines.push(`  ${c.verdict.toUpperCase()} ${c.control} (${c.mode})${describeSkip(c)}`);
    } else if (passing.length > 0) {
      const pass = passing.filter((c) => c.verdict === 'pass').map((c) => c.control);
      const skip = passing.filter((c) => c.verdict === 'skip').map((c) => c.control);
      if (pass.length > 0) lines.push(`  PASS ${pass.join(', ')}`);
      if (skip.length > 0) lines.push(`  SKIP ${skip.join(', ')} (not applied: exempt)`);
    }
    if (w.controls.length === 0) lines.push('  no control applies here');
    lines.push('');
  }
  return `${lines.join('\n')}`;
}

function renderControl(c: ExplainedControl): string[] {
  const status = c.enforced ? 'FAIL' : 'WARN';
  const engines = Object.entries(c.verdicts).map(([engine, v]) => `${engine} ${v!.verdict}`).join(', ');
  const lines = [`  ${status} ${c.control}${c.pssCheck && c.pssCheck !== c.control ? ` (PSS ${c.pssCheck})` : ''} — ${c.title} [rollout ${c.mode}]`, `       ${engines}`];
  for (const rule of c.rules) {
    lines.push(`       ${rule.message}`);
    for (const finding of rule.findings) {
      lines.push(`       - ${finding.path} (line ${finding.line})`);
      for (const fix of finding.fixes) lines.push(`         → ${fix}`);
    }
  }
  if (c.note) lines.push(`       note: ${c.note}`);
  return lines;
}

function describeSkip(c: ExplainedControl): string {
  const message = Object.values(c.verdicts).find((v) => v?.message)?.message;
  return message ? `: ${message}` : '';
}

/** What --fix changed, and what it could not fix. */
export function renderFixSummary(applied: readonly AppliedEdit[], after: readonly ExplainedWorkload[]): string {
  const lines: string[] = [];
  if (applied.length === 0) lines.push('no change: nothing to fix, or nothing kpc can fix by itself');
  for (const a of applied) lines.push(`fixed ${a.control} in ${a.workload}: ${a.description}`);
  for (const w of after) {
    for (const c of w.controls.filter((c) => c.verdict === 'fail')) {
      lines.push(`${c.enforced ? 'still failing (enforced)' : 'still failing'}: ${c.control} in ${w.kind} ${w.namespace}/${w.name} — ${c.rules[0]?.message ?? c.note ?? ''}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
