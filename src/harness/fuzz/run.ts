import fc from 'fast-check';
import { stringify } from 'yaml';
import type { CaseFailure } from '../../util/report.ts';
import type { CompiledBuild } from '../artifacts.ts';
import { divergingEngines, knownBugsFor, makeDivergence, Tally, unexplainedEngines, type Counts, type Divergence, type TallyData } from '../compare.ts';
import { KNOWN_BUGS } from '../known-bugs.ts';
import { startWorker, type FromWorker } from '../worker-pool.ts';
import { availableParallelism } from 'node:os';
import { namespacePlan } from '../namespaces.ts';
import { scopeSelects } from '../policy-reference.ts';
import { describeVerdict, NORMALIZATION_NOTE } from '../report.ts';
import { evaluateCase } from '../replay.ts';
import { BuildCache, type MutateFiles } from '../builds.ts';
import { ENGINES, VARIANT_KINDS, type EngineName, type HarnessNamespace, type ReplayCase } from '../types.ts';
import { admittedVariant } from '../variants.ts';
import { fuzzInput, type FuzzInput } from './arbitraries.ts';

/**
 * `kpc test --fuzz N --seed S`: N random objects through every engine and the reference, with
 * fast-check. The first divergence stops the run; fast-check shrinks it to a minimal object, which
 * is reported with the seed and the path that replay it.
 */

export { DEFAULT_FUZZ_SEED } from '../defaults.ts';


export interface FuzzOptions {
  readonly root: string;
  readonly count: number;
  readonly seed: number;
  /** Alters the generated files (tests; the run stays on this thread). */
  readonly mutate?: MutateFiles;
  /** Run the second shard on a worker thread (default: when there is a second core and no mutate hook). */
  readonly parallel?: boolean;
  readonly onProgress?: (phase: string, done: number, total: number) => void;
}

export interface FuzzReport {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
  failures: CaseFailure[];
  skips: { id: string; reason: string }[];
  seed: number;
  runs: number;
  pssVersion: string;
  normalization: string;
  engines: EngineName[];
  verdicts: Record<string, Partial<Record<EngineName, Counts>>>;
  divergences: Divergence[];
  /** The shrunk object that diverges, as admitted, and where: path is `<shard seed>:<fast-check path>`. */
  counterexample: { kind: string; namespace: string; object: Record<string, unknown>; path: string; shrinks: number } | null;
  /** Divergences traced to a known compiler or engine bug (they count as failures; the search went on). */
  knownBugDivergences: number;
  replay: string;
  seconds: number;
  verdictsEvaluated: number;
  verdictsPerSecond: number;
}

export interface FuzzResult {
  readonly report: FuzzReport;
}

/**
 * The run is split into a fixed number of shards (so a seed replays the same run on any machine),
 * each its own fast-check run: shard k checks ⌈N/2⌉ or ⌊N/2⌋ objects from seed S + k. With a second
 * core, a worker thread runs the second shard.
 */
export const FUZZ_SHARDS = 2;
/** Known-bug divergences kept in full per shard (all are counted). */
const KEPT_KNOWN = 20;

export interface FuzzShard {
  readonly index: number;
  readonly count: number;
  readonly seed: number;
}

export interface ShardResult {
  readonly shard: FuzzShard;
  readonly runs: number;
  /** Runs on which some control diverged (known bugs included). */
  readonly failedRuns: number;
  readonly tally: TallyData;
  readonly knownBugDivergences: number;
  /** The shrunk unknown divergence, if one was found. */
  readonly counterexample?: { readonly input: FuzzInput; readonly path: string; readonly shrinks: number };
}

export function fuzzShards(count: number, seed: number): FuzzShard[] {
  return Array.from({ length: FUZZ_SHARDS }, (_, index) => ({
    index,
    count: Math.floor(count / FUZZ_SHARDS) + (index < count % FUZZ_SHARDS ? 1 : 0),
    seed: (seed + index) | 0,
  })).filter((shard) => shard.count > 0);
}

/** The build and the namespaces every shard judges against (the same on every thread). */
async function fuzzSetup(root: string, mutate?: MutateFiles) {
  const { model, compiled } = await new BuildCache(root, mutate).get();
  // Every namespace of the harness plan, weighted by how many controls apply there.
  const namespaces = namespacePlan(model).map((p) => p.namespace);
  const weights = namespaces.map((ns) => 1 + model.controls.filter((c) => scopeSelects(c, ns.labels)).length);
  return { model, compiled, namespaces, weights };
}

/** One shard: fast-check runs the property; the first unknown divergence stops it and is shrunk. */
export async function runFuzzShard(root: string, shard: FuzzShard, mutate?: MutateFiles, onRun?: () => void): Promise<ShardResult> {
  const { compiled, namespaces, weights } = await fuzzSetup(root, mutate);
  const tally = new Tally();
  let runs = 0;
  let failedRuns = 0;
  let knownBugDivergences = 0;
  let failing = false;
  const property = fc.property(fuzzInput(VARIANT_KINDS, weights), (input) => {
    const replay = fuzzReplay(input, namespaces, failing ? 'shrink' : `fuzz#${shard.index}.${runs + 1}`);
    const { controls } = evaluateCase(compiled, replay);
    let diverges = false;
    let any = false;
    for (const { artifacts, verdicts } of controls) {
      if (failing) {
        // Shrinking: only ask whether the smaller object still diverges in a way no known bug explains.
        const engines = divergingEngines(replay, artifacts, compiled, verdicts);
        if (engines.length > 0 && engines.some((e) => !knownBugsFor(replay, artifacts.control.id, engines, verdicts, compiled)[e])) return false;
        continue;
      }
      // A divergence a known bug explains is counted, and the search goes on for unknown ones.
      const divergence = tally.record(replay, artifacts, compiled, verdicts, { countCoverage: false });
      if (!divergence) continue;
      any = true;
      if (unexplainedEngines(divergence).length > 0) diverges = true;
      else if (++knownBugDivergences > KEPT_KNOWN) tally.divergences.pop(); // counted, not kept
    }
    if (!failing) {
      runs++;
      if (any) failedRuns++;
      onRun?.();
    }
    if (diverges) failing = true;
    return !diverges;
  });
  const details = fc.check(property, { numRuns: shard.count, seed: shard.seed });
  if (details.failed && details.errorInstance && !details.counterexample) throw details.errorInstance;
  const [input] = details.counterexample ?? [];
  return {
    shard,
    runs,
    failedRuns,
    tally: tally.data(),
    knownBugDivergences,
    ...(details.failed && input ? { counterexample: { input, path: details.counterexamplePath ?? '', shrinks: details.numShrinks } } : {}),
  };
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzResult> {
  const started = performance.now();
  const { model, compiled, namespaces } = await fuzzSetup(options.root, options.mutate);
  const shards = fuzzShards(options.count, options.seed);
  let runs = 0;
  const onRun = () => {
    runs++;
    if (runs % 100 === 0 || runs === options.count) options.onProgress?.('fuzz', runs, options.count);
  };
  const parallel = (options.parallel ?? options.mutate === undefined) && shards.length > 1 && availableParallelism() > 1;
  const results: ShardResult[] = [];
  if (parallel) {
    const [here, ...elsewhere] = shards;
    const remote = elsewhere.map((shard) => runShardInWorker(options.root, shard, onRun));
    results.push(await runFuzzShard(options.root, here!, undefined, onRun));
    for (const [i, pending] of remote.entries()) results.push((await pending) ?? (await runFuzzShard(options.root, elsewhere[i]!, undefined, onRun)));
  } else {
    for (const shard of shards) results.push(await runFuzzShard(options.root, shard, options.mutate, onRun));
  }

  const tally = new Tally();
  for (const result of results) tally.merge(result.tally);
  const failures: CaseFailure[] = [];
  const divergences: Divergence[] = [];
  let counterexample: FuzzReport['counterexample'] = null;
  const replayCommand = `kpc test --fuzz ${options.count} --seed ${options.seed}`;
  const found = results.find((r) => r.counterexample);
  if (found?.counterexample) {
    const { input, path, shrinks } = found.counterexample;
    const where = `shard ${found.shard.index}: fast-check seed ${found.shard.seed}, path ${path}`;
    const replay = fuzzReplay(input, namespaces, `fuzz (${where})`);
    for (const { artifacts, verdicts } of evaluateCase(compiled, replay).controls) {
      const engines = divergingEngines(replay, artifacts, compiled, verdicts);
      if (engines.length > 0) divergences.push(makeDivergence(replay, artifacts.control.id, engines, verdicts, compiled));
    }
    counterexample = { kind: input.kind, namespace: replay.namespace.name, object: replay.object, path: `${found.shard.seed}:${path}`, shrinks };
    for (const d of divergences) failures.push(fuzzFailure(d, input, replay, replayCommand, where));
  }
  const knownBugDivergences = results.reduce((n, r) => n + r.knownBugDivergences, 0);
  const known = new Map<string, Divergence[]>();
  for (const d of tally.divergences) if (d.knownBug) known.set(d.knownBug, [...(known.get(d.knownBug) ?? []), d]);
  for (const [bug, list] of known) {
    const count = tally.knownBugsSeen.get(KNOWN_BUGS.find((b) => bug.includes(` ${b.id}:`))?.id ?? '') ?? list.length;
    failures.push({ id: 'fuzz:known-bug', expected: 'no divergence', actual: `${count} divergences traced to a known bug`, detail: `${bug}\ne.g. ${list.slice(0, 5).map((d) => d.id).join(', ')}` });
  }
  const verdicts: FuzzReport['verdicts'] = {};
  for (const [control, byEngine] of tally.matrix) verdicts[control] = Object.fromEntries(byEngine);
  const seconds = (performance.now() - started) / 1000;
  const total = results.reduce((n, r) => n + r.runs, 0);
  const failed = results.reduce((n, r) => n + r.failedRuns, 0);
  return {
    report: {
      total,
      passed: total - failed,
      failed,
      skipped: 0,
      failures,
      skips: [],
      seed: options.seed,
      runs: total,
      pssVersion: model.pssVersion,
      normalization: NORMALIZATION_NOTE,
      engines: [...ENGINES],
      verdicts,
      divergences,
      counterexample,
      knownBugDivergences,
      replay: replayCommand,
      seconds: Math.round(seconds * 100) / 100,
      verdictsEvaluated: tally.verdicts,
      verdictsPerSecond: Math.round(tally.verdicts / seconds),
    },
  };
}

/** A shard on a worker thread; undefined when the worker failed (the caller runs it itself). */
function runShardInWorker(root: string, shard: FuzzShard, onRun: () => void): Promise<ShardResult | undefined> {
  return new Promise((resolveShard) => {
    const worker = startWorker({ mode: 'fuzz', root, shard });
    let settled = false;
    const settle = (result: ShardResult | undefined) => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      resolveShard(result);
    };
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'run') onRun();
      else if (message.type === 'shard') settle(message.result);
      else if (message.type === 'error') settle(undefined);
    });
    worker.on('error', () => settle(undefined));
    worker.on('exit', () => settle(undefined));
  });
}

/** The case a fuzz input admits (normalized as admission does). */
export function fuzzReplay(input: FuzzInput, namespaces: readonly HarnessNamespace[], fixture: string): ReplayCase {
  const namespace = namespaces[input.namespace % namespaces.length]!;
  return { origin: { fixture, file: '<fuzz>', line: 0 }, variant: input.kind, namespace, ...admittedVariant(input.pod, input.kind, namespace.name) };
}

function fuzzFailure(d: Divergence, input: FuzzInput, replay: ReplayCase, command: string, where: string): CaseFailure {
  const lines = ENGINES.filter((e) => d.verdicts[e]).map((e) => `${e.padEnd(16)} ${describeVerdict(d.verdicts[e])}${d.verdicts[e]!.message ? `: ${d.verdicts[e]!.message}` : ''}`);
  return {
    id: `fuzz:${d.control}#${input.kind}@${replay.namespace.name}`,
    expected: `reference: ${describeVerdict(d.verdicts.reference)}`,
    actual: d.engines.map((e) => `${e}: ${describeVerdict(d.verdicts[e])}`).join('; '),
    detail: `${lines.join('\n')}\nminimal pod (replayed as ${input.kind} in ${replay.namespace.name}):\n${stringify(input.pod).trimEnd()}\nreplay: ${command} (${where})`,
  };
}

export function printFuzzSummary(result: FuzzResult, out: (line: string) => void): void {
  const r = result.report;
  out(`kpc test --fuzz: ${r.runs} random objects at ${r.pssVersion}, seed ${r.seed}`);
  out(`  ${r.normalization}`);
  const controls = Object.keys(r.verdicts).sort();
  const header = ['control', ...r.engines];
  const rows = controls.map((c) => [c, ...r.engines.map((e) => {
    const counts = r.verdicts[c]?.[e];
    return counts ? `${counts.pass}/${counts.fail}/${counts['not-applied']}/${counts.error}${counts.expected ? ` +${counts.expected}` : ''}` : '—';
  })]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  out('verdicts: pass/fail/not-applied/error (+ expected differences)');
  out(line(header));
  out(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) out(line(row));
  out(`${r.verdictsEvaluated} verdicts in ${r.seconds} s (${r.verdictsPerSecond}/s)`);
  for (const failure of r.failures) {
    out(`FAIL ${failure.id}`);
    out(`  expected: ${failure.expected}`);
    out(`  actual:   ${failure.actual}`);
    out(`  ${failure.detail.split('\n').join('\n  ')}`);
  }
  out(`${r.passed} passed, ${r.failed} failed`);
}

export function fuzzJunitXml(result: FuzzResult): string {
  const r = result.report;
  const failure = r.failures.map((f) => `${f.id}\n${f.expected}\n${f.actual}\n${f.detail}`).join('\n\n');
  const escape = (t: string) => t.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const testcase = failure
    ? `    <testcase classname="kpc.fuzz" name="seed ${r.seed}, ${r.runs} objects"><failure message="${escape(r.failures[0]!.id)}">${escape(failure)}</failure></testcase>`
    : `    <testcase classname="kpc.fuzz" name="seed ${r.seed}, ${r.runs} objects"/>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="kpc test --fuzz" tests="1" failures="${r.failed}" time="${r.seconds}">\n  <testsuite name="fuzz" tests="1" failures="${r.failed}">\n${testcase}\n  </testsuite>\n</testsuites>\n`;
}

export type { CompiledBuild };
