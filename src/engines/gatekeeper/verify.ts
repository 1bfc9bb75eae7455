/**
 * `gator verify` (gatekeeper:pkg/gator/verify/runner.go): every Suite under the given paths, each
 * test's template and constraint added to a fresh client, each case's object (or AdmissionReview)
 * reviewed with its inventory and expansions, and every assertion checked. Each case is run once
 * per requested engine; a CEL run of a template without K8sNativeValidation code is skipped.
 *
 * Engines: `rego` registers only the Rego driver (gator --enable-k8s-native-validation=false);
 * `cel` registers only the K8sNativeValidation driver, so each CEL-capable template is checked
 * with CEL alone (gator's default prefers CEL and falls back to Rego for the others).
 */
import { dirname, join } from 'node:path';
import { describeError, KpcError } from '../../util/errors.ts';
import { collectFiles, displayPath } from '../../util/files.ts';
import { emptyReport, recordFailure, recordPass, recordSkip, type ConformanceReport } from '../../util/report.ts';
import { readTextFile } from '../../util/yaml.ts';
import { runAssertion } from './assertion.ts';
import { CelDriver } from './cel-driver.ts';
import { ConstraintClient, type Driver, type Violation } from './client.ts';
import { requireConstraintGroup } from './constraint.ts';
import { GatekeeperError } from './errors.ts';
import { decodeExpansionTemplate, ExpansionSystem, gatorExpansionNamespace } from './expansion.ts';
import { readGatorObject, readGatorObjects, type GatorDocument } from './gator-yaml.ts';
import { RegoDriver } from './rego-driver.ts';
import { reviewForAdmissionReview, reviewForObject } from './review.ts';
import { groupVersionOf, parseSuite, type Suite, type SuiteCase, type SuiteTest } from './suite.ts';
import { CEL_ENGINE, codeFor, loadTemplate, type ConstraintTemplate } from './template.ts';

export type GatorEngine = 'rego' | 'cel';

export interface VerifyOptions {
  readonly engines: readonly GatorEngine[];
}

/** Per-engine counts, added to the report under `engines`. */
export interface EngineCounts {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
}

export interface VerifyReport extends ConformanceReport {
  suites: number;
  engines: Partial<Record<GatorEngine, EngineCounts>>;
}

export function newDrivers(engine: GatorEngine): Driver[] {
  return engine === 'rego' ? [new RegoDriver()] : [new CelDriver()];
}

/** Runs every suite found under `paths`. Bad input is reported as failed cases; the run goes on. */
export function verifySuites(paths: readonly string[], options: VerifyOptions): VerifyReport {
  const report: VerifyReport = { ...emptyReport(), suites: 0, engines: {} };
  for (const engine of options.engines) report.engines[engine] = { total: 0, passed: 0, failed: 0, skipped: 0 };
  // a missing path is an input error naming it (exit 1), before anything runs
  const files = collectFiles(paths, { extensions: ['.yaml', '.yml'] });
  for (const file of files) {
    let suite: Suite | null;
    try {
      suite = parseSuite(readTextFile(file), file);
    } catch (error) {
      // ReadSuites fails on any YAML file it cannot parse; here only that file fails.
      fail(report, undefined, { id: displayPath(file), expected: 'a readable YAML file', actual: 'error', detail: describeError(error) });
      continue;
    }
    if (!suite) continue;
    report.suites++;
    for (const engine of options.engines) runSuite(report, suite, engine);
  }
  return report;
}

interface CaseOutcome {
  readonly id: string;
  readonly status: 'pass' | 'fail' | 'skip';
  readonly expected?: string;
  readonly actual?: string;
  readonly detail?: string;
}

function runSuite(report: VerifyReport, suite: Suite, engine: GatorEngine): void {
  const suiteDir = dirname(suite.file);
  for (const test of suite.tests) {
    const testId = `${displayPath(suite.file)}#${test.name}`;
    const caseIds = test.cases.map((c) => `${testId}/${c.name} [${engine}]`);
    if (suite.skip || test.skip) {
      const reason = suite.skip ? 'suite has skip: true' : 'test has skip: true';
      for (const id of caseIds.length > 0 ? caseIds : [`${testId} [${engine}]`]) record(report, engine, { id, status: 'skip', detail: reason });
      continue;
    }
    for (const outcome of runTest(suiteDir, test, engine, testId)) record(report, engine, outcome);
  }
}

function runTest(suiteDir: string, test: SuiteTest, engine: GatorEngine, testId: string): CaseOutcome[] {
  const caseId = (c: SuiteCase) => `${testId}/${c.name} [${engine}]`;
  const testLevelId = `${testId} [${engine}]`;
  const allCases = (status: 'fail' | 'skip', expected: string, actual: string, detail: string): CaseOutcome[] => {
    const ids = test.invalid || test.cases.length === 0 ? [testLevelId] : test.cases.map(caseId);
    return ids.map((id) => ({ id, status, expected, actual, detail }));
  };

  let template: ConstraintTemplate;
  let addError: unknown;
  try {
    if (test.template === '') throw new GatekeeperError('invalid-input', 'invalid Suite: missing template');
    template = readTemplateFile(join(suiteDir, test.template));
  } catch (error) {
    return test.invalid ? invalidOutcome(testLevelId, error) : allCases('fail', 'test set up', 'error', describeError(error));
  }
  if (engine === 'cel' && !codeFor(template, CEL_ENGINE)) {
    return allCases('skip', '', '', 'template has no K8sNativeValidation engine');
  }
  try {
    newTestClient(engine, template, suiteDir, test);
  } catch (error) {
    addError = error;
  }
  if (test.invalid) return invalidOutcome(testLevelId, addError);
  if (addError !== undefined) return allCases('fail', 'test set up', 'error', describeError(addError));

  let expansion: ExpansionSystem | undefined;
  try {
    expansion = readExpansion(suiteDir, test);
  } catch (error) {
    return allCases('fail', 'test set up', 'error', describeError(error));
  }
  if (test.cases.length === 0) return [{ id: testLevelId, status: 'pass' }];
  return test.cases.map((c): CaseOutcome => {
    if (c.skip) return { id: caseId(c), status: 'skip', detail: 'case has skip: true' };
    try {
      return checkCase(caseId(c), suiteDir, test, c, engine, template, expansion);
    } catch (error) {
      return { id: caseId(c), status: 'fail', expected: c.assertions.map((a) => describeViolations(a)).join('; ') || 'a valid case', actual: 'error', detail: describeError(error) };
    }
  });
}

/** `invalid: true`: adding the constraint must fail with ErrSchema. */
function invalidOutcome(id: string, error: unknown): CaseOutcome[] {
  if (error instanceof GatekeeperError && error.code === 'schema') return [{ id, status: 'pass' }];
  const got = error === undefined ? '<nil>' : describeError(error);
  return [{ id, status: 'fail', expected: 'constraint rejected by schema validation', actual: error === undefined ? 'constraint accepted' : 'other error', detail: `constraint should have failed schema validation: got error ${got} but want schema validation failed` }];
}

function describeViolations(assertion: SuiteCase['assertions'][number]): string {
  const v = assertion.violations === undefined ? 'yes' : String(assertion.violations.value);
  return assertion.message !== undefined ? `violations: ${v} matching ${JSON.stringify(assertion.message)}` : `violations: ${v}`;
}

function newTestClient(engine: GatorEngine, template: ConstraintTemplate, suiteDir: string, test: SuiteTest): ConstraintClient {
  const client = new ConstraintClient(newDrivers(engine));
  try {
    client.addTemplate(template);
  } catch (error) {
    throw prefixError('adding template', error);
  }
  if (test.constraint === '') throw new GatekeeperError('invalid-input', 'invalid Suite: missing constraint');
  const path = join(suiteDir, test.constraint);
  const doc = readObjectFile(path);
  requireConstraintGroup(doc.value, { file: path, line: doc.line });
  client.addConstraint(doc.value, { file: path, line: doc.line });
  return client;
}

/** gator's `fmt.Errorf("%w: %w", ErrAddingTemplate, err)`, keeping the error's code and position. */
function prefixError(prefix: string, error: unknown): unknown {
  if (!(error instanceof GatekeeperError)) return error;
  return new GatekeeperError(error.code, `${prefix}: ${error.message}`, { file: error.file, line: error.line, column: error.column, field: error.field });
}

function readExpansion(suiteDir: string, test: SuiteTest): ExpansionSystem | undefined {
  if (test.expansion === '') return undefined;
  const path = join(suiteDir, test.expansion);
  const docs = readObjectsFile(path);
  if (docs.length === 0) throw new GatekeeperError('invalid-input', `not an Expansion Template: ${JSON.stringify(path)}`, { file: path });
  const system = new ExpansionSystem();
  const templates = docs.map((doc) => decodeExpansionTemplate(doc.value, { file: path, line: doc.line }));
  for (const template of templates) system.upsert(template);
  return system;
}

function checkCase(
  id: string,
  suiteDir: string,
  test: SuiteTest,
  c: SuiteCase,
  engine: GatorEngine,
  template: ConstraintTemplate,
  expansion: ExpansionSystem | undefined,
): CaseOutcome {
  if (c.object === '') throw new GatekeeperError('invalid-input', 'invalid Case: must define object');
  if (c.assertions.length === 0) throw new GatekeeperError('invalid-input', 'invalid Case: assertions must be non-empty');
  const client = newTestClient(engine, template, suiteDir, test);
  const objectPath = join(suiteDir, c.object);
  const objects = readObjectsFile(objectPath);
  if (objects.length === 0) throw new GatekeeperError('invalid-input', `missing objects: path ${JSON.stringify(objectPath)} defines no YAML objects`, { file: objectPath });
  if (objects.length !== 1) {
    throw new GatekeeperError('invalid-input', `object file must contain exactly one object: ${JSON.stringify(objectPath)} defines ${objects.length} objects`, { file: objectPath });
  }
  const object = objects[0]!.value;
  for (const inventoryFile of c.inventory) {
    const inventoryPath = join(suiteDir, inventoryFile);
    const docs = readObjectsFile(inventoryPath);
    if (docs.length === 0) throw new GatekeeperError('invalid-input', `missing objects: path ${JSON.stringify(inventoryPath)} defines no YAML objects`, { file: inventoryPath });
    for (const doc of docs) client.addData(doc.value);
  }
  const results = reviewCaseObject(client, object, expansion);
  const messages = results.map((r) => r.msg);
  for (const assertion of c.assertions) {
    const outcome = runAssertion(assertion, messages);
    if (!outcome.ok) return { id, status: 'fail', expected: outcome.expected, actual: outcome.actual, detail: outcome.error };
  }
  return { id, status: 'pass' };
}

/** A suite case ready to review repeatedly (for benchmarks): its client, object and expansions. */
export interface PreparedCase {
  readonly id: string;
  readonly client: ConstraintClient;
  readonly object: GatorDocument['value'];
  readonly expansion: ExpansionSystem | undefined;
}

/**
 * Every runnable case of the suites under `paths` for one engine, set up as checkCase does
 * (template, constraint, inventory); cases that are skipped, invalid or fail to set up are left out.
 */
export function prepareSuiteCases(paths: readonly string[], engine: GatorEngine): PreparedCase[] {
  const out: PreparedCase[] = [];
  for (const file of collectFiles(paths, { extensions: ['.yaml', '.yml'] })) {
    let suite: Suite | null;
    try {
      suite = parseSuite(readTextFile(file), file);
    } catch {
      continue;
    }
    if (!suite || suite.skip) continue;
    const suiteDir = dirname(suite.file);
    for (const test of suite.tests) {
      if (test.skip || test.invalid) continue;
      for (const c of test.cases) {
        if (c.skip || c.object === '') continue;
        try {
          const template = readTemplateFile(join(suiteDir, test.template));
          if (engine === 'cel' && !codeFor(template, CEL_ENGINE)) continue;
          const client = newTestClient(engine, template, suiteDir, test);
          for (const inventoryFile of c.inventory) for (const doc of readObjectsFile(join(suiteDir, inventoryFile))) client.addData(doc.value);
          const objects = readObjectsFile(join(suiteDir, c.object));
          if (objects.length !== 1) continue;
          out.push({ id: `${displayPath(suite.file)}#${test.name}/${c.name}`, client, object: objects[0]!.value, expansion: readExpansion(suiteDir, test) });
        } catch {
          continue;
        }
      }
    }
  }
  return out;
}

/** runner.runReview after the client is ready: AdmissionReview or object (+ expansions). */
export function reviewCaseObject(client: ConstraintClient, object: GatorDocument['value'], expansion: ExpansionSystem | undefined): Violation[] {
  const [group] = groupVersionOf(object);
  if (object['kind'] === 'AdmissionReview' && group === 'admission.k8s.io') return client.review(reviewForAdmissionReview(object));
  const results = client.review(reviewForObject(object));
  if (!expansion) return results;
  for (const resultant of expansion.expand(object, gatorExpansionNamespace(object))) {
    const childResults = client.review(reviewForObject(resultant.object, { source: 'Generated' }));
    for (const child of childResults) {
      results.push({
        ...child,
        msg: `[Implied by ${resultant.templateName}] ${child.msg}`,
        enforcementAction: resultant.enforcementAction !== '' ? resultant.enforcementAction : child.enforcementAction,
      });
    }
  }
  return results;
}

function record(report: VerifyReport, engine: GatorEngine, outcome: CaseOutcome): void {
  const counts = report.engines[engine]!;
  counts.total++;
  if (outcome.status === 'pass') {
    counts.passed++;
    recordPass(report);
  } else if (outcome.status === 'skip') {
    counts.skipped++;
    recordSkip(report, { id: outcome.id, reason: outcome.detail ?? '' });
  } else {
    fail(report, counts, { id: outcome.id, expected: outcome.expected ?? '', actual: outcome.actual ?? '', detail: outcome.detail ?? '' });
  }
}

function fail(report: VerifyReport, counts: EngineCounts | undefined, failure: { id: string; expected: string; actual: string; detail: string }): void {
  if (counts) counts.failed++;
  recordFailure(report, failure);
}

// File reading, memoised per process: suites share templates and samples.
const templateCache = new Map<string, ConstraintTemplate | KpcError>();
const objectCache = new Map<string, GatorDocument | KpcError>();
const objectsCache = new Map<string, GatorDocument[] | KpcError>();

function memo<T>(cache: Map<string, T | KpcError>, key: string, load: () => T): T {
  let entry = cache.get(key);
  if (entry === undefined) {
    try {
      entry = load();
    } catch (error) {
      if (!(error instanceof KpcError)) throw error;
      entry = error;
    }
    cache.set(key, entry);
  }
  if (entry instanceof KpcError) throw entry;
  return entry;
}

/** reader.ReadTemplate + ToTemplate + AddTemplate's validation. */
export function readTemplateFile(path: string): ConstraintTemplate {
  return memo(templateCache, path, () => {
    const doc = readObjectFile(path);
    return loadTemplate(doc.value, { file: path, line: doc.line }, doc.blocks);
  });
}

export function readObjectFile(path: string): GatorDocument {
  return memo(objectCache, path, () => readGatorObject(readTextFile(path), path));
}

export function readObjectsFile(path: string): GatorDocument[] {
  return memo(objectsCache, path, () => readGatorObjects(readTextFile(path), path));
}
