/**
 * `kpc eval --psa <level>[:<version>]` rows: one per resource × check active at that level and
 * version. Pods are evaluated as Pods; workloads through their pod template (what PSA's warn and
 * audit modes evaluate); other kinds get `skip` rows.
 */
import { describeError, KpcError } from '../../util/errors.ts';
import type { EvalRow, LoadedObject, Verdict } from '../../util/eval-row.ts';
import { isPlainObject } from '../../util/yaml.ts';
import { decodePod } from './decode.ts';
import { evaluatePodView, type EvaluateOptions } from './evaluate.ts';
import { activeChecks } from './registry.ts';
import { levelVersionString, parseLevelVersion } from './version.ts';
import { extractPodSpec, podSpecResource, POD_SPEC_KINDS } from './workloads.ts';

export function psaEvalRows(levelAndVersion: string, resources: readonly LoadedObject[], options: Pick<EvaluateOptions, 'emulationVersion'> = {}): EvalRow[] {
  const lv = parseLevelVersion(levelAndVersion);
  const policy = levelVersionString(lv);
  const checks = activeChecks(lv.level, lv.version);
  const rows: EvalRow[] = [];
  for (const resource of resources) {
    const value = resource.value;
    const meta = isPlainObject(value['metadata']) ? value['metadata'] : {};
    const base = {
      file: resource.file,
      kind: typeof value['kind'] === 'string' ? value['kind'] : '',
      namespace: typeof meta['namespace'] === 'string' ? meta['namespace'] : null,
      name: typeof meta['name'] === 'string' ? meta['name'] : '',
      engine: 'psa',
      policy,
      control: null,
    };
    const row = (rule: string, verdict: Verdict, message: string): EvalRow => ({ ...base, rule, pssCheck: rule === '' ? null : rule, verdict, message });
    const everyCheck = (verdict: Verdict, message: string) => {
      if (checks.length === 0) rows.push(row('', verdict, message));
      else for (const check of checks) rows.push(row(check.id, verdict, message));
    };

    if (!podSpecResource(value)) {
      everyCheck('skip', `${base.kind || 'object'} has no pod spec PSA evaluates (only ${POD_SPEC_KINDS.join(', ')})`);
      continue;
    }
    let evaluation;
    try {
      const extracted = extractPodSpec(value);
      if (!extracted) {
        everyCheck('skip', `${base.kind} has no pod template to evaluate`);
        continue;
      }
      const view = decodePod(extracted.metadata, extracted.spec, extracted.defaulting, extracted.path);
      evaluation = evaluatePodView(lv.level, lv.version, view, options);
    } catch (error) {
      const located = error instanceof KpcError ? new KpcError(error.message, { file: resource.file, line: resource.line, field: error.field }) : error;
      everyCheck('error', describeError(located));
      continue;
    }
    if (evaluation.results.length === 0) {
      rows.push(row('', 'pass', `level ${lv.level} runs no checks`));
      continue;
    }
    for (const result of evaluation.results) {
      const message = result.allowed ? '' : result.forbiddenDetail === '' ? result.forbiddenReason : `${result.forbiddenReason} (${result.forbiddenDetail})`;
      rows.push(row(result.id, result.allowed ? 'pass' : 'fail', message));
    }
  }
  return rows;
}
