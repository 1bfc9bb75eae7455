import { Worker } from 'node:worker_threads';
import type { TallyData } from './compare.ts';
import type { FuzzShard, ShardResult } from './fuzz/run.ts';
import type { RunSettings } from './defaults.ts';
import type { CorpusOutcome } from './tasks.ts';

/**
 * The worker thread `kpc test` uses on a second core: for the harness run it prepares the same run
 * from the same settings and claims tasks from the front of the shared task list; for fuzzing it
 * runs one shard.
 */
export type WorkerData = ({ readonly mode: 'harness' } & RunSettings) | { readonly mode: 'fuzz'; readonly root: string; readonly shard: FuzzShard };

/**
 * `open`: the main thread's task list (JSON, which the worker's own must equal) and the claims
 * array both threads take tasks with (Atomics.compareExchange, 0 = unclaimed).
 */
/** What a slot of the claims array holds: which thread runs that task. */
export const UNCLAIMED = 0;
export const CLAIMED_HERE = 1;
export const CLAIMED_BY_HELPER = 2;

export type ToWorker = { readonly type: 'open'; readonly tasks: string; readonly claims: SharedArrayBuffer };

export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly index: number; readonly corpus?: CorpusOutcome }
  | { readonly type: 'result'; readonly tally: TallyData; readonly cache: { readonly hits: number; readonly misses: number } }
  | { readonly type: 'run' }
  | { readonly type: 'shard'; readonly result: ShardResult }
  | { readonly type: 'error'; readonly message: string };

export function startWorker(data: WorkerData): Worker {
  // The worker registers tsx itself: bin/kpc.mjs registers it on the main thread only, and under
  // `node --import tsx` the inherited flag is dropped (execArgv: []) so it is not registered twice.
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./worker.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, workerData: data, execArgv: [] });
}
