import { parentPort, workerData } from 'node:worker_threads';
import { describeError } from '../util/errors.ts';
import { Tally } from './compare.ts';
import { runFuzzShard } from './fuzz/run.ts';
import { VerdictCache } from './replay.ts';
import { prepareRun, runTask } from './tasks.ts';
import { CLAIMED_BY_HELPER, UNCLAIMED, type FromWorker, type ToWorker, type WorkerData } from './worker-pool.ts';

/** The worker thread's side of worker-pool.ts. */
const port = parentPort!;
const post = (message: FromWorker) => port.postMessage(message);
const data = workerData as WorkerData;

try {
  if (data.mode === 'fuzz') {
    const result = await runFuzzShard(data.root, data.shard, undefined, () => post({ type: 'run' }));
    post({ type: 'shard', result });
    port.close();
  } else {
    const context = await prepareRun(data);
    const tally = new Tally();
    const cache = new VerdictCache();
    port.on('message', (message: ToWorker) => {
      // Only the same task list can be shared: otherwise claim nothing (the main thread runs it all).
      if (JSON.stringify(context.tasks) !== message.tasks) {
        post({ type: 'error', message: 'the worker prepared another task list than the main thread' });
        port.close();
        return;
      }
      const claims = new Int32Array(message.claims);
      void (async () => {
        for (let index = 0; index < context.tasks.length && Atomics.compareExchange(claims, index, UNCLAIMED, CLAIMED_BY_HELPER) === UNCLAIMED; index++) {
          const corpus = await runTask(context, context.tasks[index]!, tally, cache);
          post(corpus ? { type: 'done', index, corpus } : { type: 'done', index });
        }
        post({ type: 'result', tally: tally.data(), cache: { hits: cache.hits, misses: cache.misses } });
        port.close();
      })().catch((error: unknown) => post({ type: 'error', message: describeError(error) }));
    });
    post({ type: 'ready' });
  }
} catch (error) {
  post({ type: 'error', message: describeError(error) });
}
