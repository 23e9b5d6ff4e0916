/**
 * Inside a sweep worker thread: runs each task the pool posts and posts back its summary, or the error's
 * name and message (errors do not cross threads as MandateErrors).
 */
import { parentPort } from 'node:worker_threads';
import { runSweepTask, type SweepTask } from './sweep-task.js';

if (parentPort === null) throw new Error('sweep-worker-main.ts runs only as a worker thread.');
const port = parentPort;

port.on('message', ({ id, task }: { id: number; task: SweepTask }) => {
  runSweepTask(task).then(
    (summary) => port.postMessage({ id, summary }),
    (error: unknown) =>
      port.postMessage({
        id,
        error: { name: error instanceof Error ? error.name : 'Error', message: error instanceof Error ? error.message : String(error) },
      }),
  );
});
port.postMessage({ ready: true });
