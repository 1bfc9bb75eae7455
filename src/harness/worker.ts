import { parentPort, workerData } from 'node:worker_threads';
import { describeError } from '../util/errors.ts';
import { Tally } from './compare.ts';
import { runFuzzShard } from './fuzz/run.ts';
import { VerdictCache } from './replay.ts';
import { prepareRun, runTask } from './tasks.ts';
import type { FromWorker, ToWorker, WorkerData } from './worker-pool.ts';

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
      if (message.type === 'finish') {
        post({ type: 'result', tally: tally.data(), cache: { hits: cache.hits, misses: cache.misses } });
        port.close();
        return;
      }
      runTask(context, message.task, tally, cache).then(
        (corpus) => post(corpus ? { type: 'done', corpus } : { type: 'done' }),
        (error: unknown) => post({ type: 'error', message: describeError(error) }),
      );
    });
    post({ type: 'ready' });
  }
} catch (error) {
  post({ type: 'error', message: describeError(error) });
}
