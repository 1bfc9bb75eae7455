/**
 * Running a PSA fixture tree laid out as kubernetes/pod-security-admission test/testdata:
 * `<level>/<version>/<pass|fail>/<checkid-lowercase><n>.yaml`, one Pod per file. A pass fixture
 * must be allowed; a fail fixture must be forbidden with the substring its generator expects
 * (test/fixtures_*.go expectErrorSubstring, defaulting to the check id) in the aggregate message.
 */
import { trimEnd } from '../../util/text.ts';
import { relative, sep } from 'node:path';
import { describeError } from '../../util/errors.ts';
import { collectFiles } from '../../util/files.ts';
import { emptyReport, recordFailure, recordPass, type ConformanceReport } from '../../util/report.ts';
import { readYamlObjects } from '../../util/yaml.ts';
import { evaluatePod, type PodEvaluation } from './evaluate.ts';
import { CHECK_IDS } from './registry.ts';
import { PSA_UPSTREAM } from './upstream.ts';
import { isLevel, parseVersionLenient } from './version.ts';
import type { CheckId } from './checks/types.ts';

/** The substring each check's fixture generator expects in the error of its fail fixtures. */
export const EXPECTED_ERROR_SUBSTRING: Readonly<Record<CheckId, string>> = Object.freeze({
  allowPrivilegeEscalation: 'allowPrivilegeEscalation',
  appArmorProfile: 'forbidden AppArmor profile',
  capabilities_baseline: 'capabilities',
  capabilities_restricted: 'unrestricted capabilities',
  hostNamespaces: 'host namespaces',
  hostPathVolumes: 'hostPath',
  hostPorts: 'hostPort',
  hostProbesAndHostLifecycle: 'probe or lifecycle host',
  privileged: 'privileged',
  procMount: 'procMount',
  procMount_restricted: 'procMount',
  restrictedVolumes: 'restricted volume types',
  runAsNonRoot: 'runAsNonRoot',
  runAsUser: 'runAsUser',
  seLinuxOptions: 'seLinuxOptions',
  seccompProfile_baseline: 'seccompProfile',
  seccompProfile_restricted: 'seccompProfile',
  sysctls: 'forbidden sysctl',
  windowsHostProcess: 'hostProcess',
});

/** The check a fail fixture targets, from its file name (`runasnonroot0.yaml` → runAsNonRoot). */
export function checkOfFixture(fileName: string): CheckId | undefined {
  const prefix = trimEnd(fileName.replace(/\.ya?ml$/, ''), '0123456789');
  return CHECK_IDS.find((id) => id.toLowerCase() === prefix);
}

export interface ConformanceOptions {
  /** Called after each case (for a progress line). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** One fixture's outcome: null when it passed, else why it failed. */
interface CaseOutcome {
  readonly expected: string;
  readonly actual: string;
  readonly detail: string;
}

export function runPsaConformance(dir: string, options: ConformanceOptions = {}): ConformanceReport {
  const report = emptyReport();
  report['upstream'] = { ...PSA_UPSTREAM };
  const files = collectFiles([dir], { extensions: ['.yaml', '.yml'] });
  files.forEach((file, i) => {
    const id = relative(dir, file).split(sep).join('/');
    const outcome = runCase(file, id);
    if (outcome) recordFailure(report, { id, ...outcome });
    else recordPass(report);
    options.onProgress?.(i + 1, files.length);
  });
  return report;
}

function runCase(file: string, id: string): CaseOutcome | null {
  const parts = id.split('/');
  if (parts.length !== 4) {
    return bad('a fixture at <level>/<version>/<pass|fail>/<file>', `a file at depth ${parts.length}`, `${id}: not laid out as <level>/<version>/<pass|fail>/<file>.yaml`);
  }
  const [level, version, expectation, fileName] = parts as [string, string, string, string];
  if (!isLevel(level)) return bad('a level folder (privileged, baseline, restricted)', level, `${id}: unknown level folder "${level}"`);
  if (parseVersionLenient(version).error) return bad('a version folder (latest or v1.<n>)', version, `${id}: unknown version folder "${version}"`);
  if (expectation !== 'pass' && expectation !== 'fail') return bad('a pass or fail folder', expectation, `${id}: unknown expectation folder "${expectation}"`);

  let substring = '';
  if (expectation === 'fail') {
    const check = checkOfFixture(fileName);
    if (!check) return bad('a fail fixture named <checkid><n>.yaml', fileName, `${id}: the file name names no PSA check, so the expected error is unknown`);
    substring = EXPECTED_ERROR_SUBSTRING[check];
  }
  const expected = expectation === 'pass' ? 'allowed' : `forbidden, message containing "${substring}"`;

  let evaluation: PodEvaluation;
  try {
    const docs = readYamlObjects(file);
    if (docs.length !== 1) return bad(expected, `${docs.length} documents`, `${file}: expected exactly one Pod document`);
    const pod = docs[0]!.value;
    if (pod['apiVersion'] !== 'v1' || pod['kind'] !== 'Pod') {
      return bad(expected, `${String(pod['apiVersion'])}/${String(pod['kind'])}`, `${file}:${docs[0]!.line}: not a Pod: found apiVersion ${String(pod['apiVersion'])}, kind ${String(pod['kind'])} (expected v1 Pod)`);
    }
    evaluation = evaluatePod(level, version, { metadata: pod['metadata'], spec: pod['spec'] });
  } catch (error) {
    return bad(expected, 'error', describeError(error));
  }

  const actual = evaluation.allowed ? 'allowed' : `forbidden: ${evaluation.message}`;
  if (expectation === 'pass') {
    return evaluation.allowed ? null : bad(expected, actual, `violates PodSecurity "${level}:${version}"`);
  }
  if (evaluation.allowed) return bad(expected, actual, 'the pod was allowed');
  if (!evaluation.message.includes(substring)) return bad(expected, actual, `forbidden for another reason: the message lacks "${substring}"`);
  return null;
}

function bad(expected: string, actual: string, detail: string): CaseOutcome {
  return { expected, actual, detail };
}
