// gator verify over the fixture suites in test/fixtures/gatekeeper/runner. The scenarios and their
// outcomes are ported from gatekeeper pkg/gator/verify/runner_test.go (TestRunner_Run,
// TestRunner_RunCase); each case (or test, when it has no cases) names its expected outcome:
//   "ok: …", "error <text from gator's error>: …", "skip: …", or per engine
//   "rego=<outcome>; cel=<outcome>: …".
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseSuite } from '../../../src/engines/gatekeeper/suite.ts';
import { verifySuites, type GatorEngine, type VerifyReport } from '../../../src/engines/gatekeeper/verify.ts';
import { displayPath } from '../../../src/util/files.ts';

const dir = resolve(import.meta.dirname, '../../fixtures/gatekeeper/runner');
const SUITES = ['suite-assertions.yaml', 'suite-setup.yaml', 'suite-match.yaml', 'suite-admission.yaml', 'suite-expansion.yaml', 'suite-bad-templates.yaml'];

type Outcome = { status: 'pass' } | { status: 'skip' } | { status: 'fail'; text: string };

/** The outcome a case id's name declares for an engine. */
function expected(id: string, engine: GatorEngine): Outcome {
  const name = /#(?:[^/]*\/)?(.*) \[(rego|cel)\]$/.exec(id)?.[1] ?? id;
  const perEngine = /^rego=(.*?); cel=(.*?): /.exec(name);
  return parseSpec(perEngine ? `${engine === 'rego' ? perEngine[1]! : perEngine[2]!}: -` : name);
}

function parseSpec(spec: string): Outcome {
  if (spec.startsWith('ok')) return { status: 'pass' };
  if (spec.startsWith('skip')) return { status: 'skip' };
  if (spec.startsWith('error ')) {
    // "error <text>: description" — the text is everything up to the last ": " before the description.
    const body = spec.slice('error '.length);
    const cut = body.lastIndexOf(': ');
    return { status: 'fail', text: cut >= 0 ? body.slice(0, cut) : body };
  }
  throw new Error(`test fixture name without an expected outcome: ${spec}`);
}

function outcomes(report: VerifyReport): Map<string, Outcome> {
  const out = new Map<string, Outcome>();
  for (const failure of report.failures) out.set(failure.id, { status: 'fail', text: failure.detail });
  for (const skip of report.skips) out.set(skip.id, { status: 'skip' });
  return out;
}

for (const engine of ['cel', 'rego'] as const) {
  const test = suite(`gator verify fixtures [${engine}]`);
  for (const file of SUITES) {
    test(file, () => {
      const report = verifySuites([resolve(dir, file)], { engines: [engine] });
      assert.is(report.suites, 1);
      const got = outcomes(report);
      const ids = [...got.keys()];
      // every case appears once: failures and skips are listed, passes are counted
      assert.is(report.total, report.passed + report.failed + report.skipped);
      const allIds = collectIds(report, file, engine);
      for (const id of allIds) {
        const want = expected(id, engine);
        const actual = got.get(id) ?? { status: 'pass' };
        if (want.status === 'fail') {
          assert.is(actual.status, 'fail', `${id}: expected a failure containing "${want.text}"`);
          assert.ok(actual.status === 'fail' && actual.text.includes(want.text), `${id}: expected "${want.text}" in: ${actual.status === 'fail' ? actual.text : ''}`);
        } else {
          assert.is(actual.status, want.status, `${id}: ${actual.status === 'fail' ? actual.text : actual.status}`);
        }
      }
      assert.ok(ids.every((id) => allIds.includes(id)), 'no unexpected ids');
    });
  }
  test.run();
}

/** Every id the run produced: listed failures and skips, plus passes reconstructed from the suite file. */
function collectIds(report: VerifyReport, file: string, engine: GatorEngine): string[] {
  const ids = new Set<string>([...report.failures.map((f) => f.id), ...report.skips.map((s) => s.id)]);
  // Passing ids are not listed in the report: take every id the suite file defines.
  for (const id of readSuiteIds(file, engine)) ids.add(id);
  assert.is(ids.size, report.total, `${file}: ${ids.size} ids vs total ${report.total}`);
  return [...ids];
}

function readSuiteIds(file: string, engine: GatorEngine): string[] {
  const path = resolve(dir, file);
  const parsed = parseSuite(readFileSync(path, 'utf8'), path)!;
  const ids: string[] = [];
  for (const t of parsed.tests) {
    const testId = `${displayPath(path)}#${t.name}`;
    if (t.invalid || t.cases.length === 0) ids.push(`${testId} [${engine}]`);
    else for (const c of t.cases) ids.push(`${testId}/${c.name} [${engine}]`);
  }
  return ids;
}
