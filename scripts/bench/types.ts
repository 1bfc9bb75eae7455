/** One figure printed by `npm run bench` (and recorded in docs/benchmarks.md). */
export interface BenchFigure {
  /** What was measured, e.g. "PSA: pods/s over the upstream corpus". */
  readonly name: string;
  readonly value: number;
  /** e.g. "pods/s", "ms", "MiB". */
  readonly unit: string;
  /** Workload size or other context, e.g. "4537 pods × 5 rounds". */
  readonly detail?: string;
}

/** A benchmark module in scripts/bench/: returns its figures, or [] with a printed reason when its data is absent. */
export type Bench = () => Promise<BenchFigure[]>;
