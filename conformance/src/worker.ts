/** Worker-thread entry: runs one .wast file and streams per-command progress to the parent. */
import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { getEngine, type EngineName } from './engine.js';
import { runScript } from './runner.js';

export interface WorkerInput {
  file: string;
  engine: EngineName;
  timeoutMs: number;
  /** Index of the first command to report; earlier ones only rebuild state. */
  resumeAt: number;
}

export type WorkerMessage =
  | { type: 'start'; index: number; line: number; text: string }
  | { type: 'result'; index: number; result: import('./runner.js').CommandResult }
  | { type: 'done'; total: number }
  | { type: 'error'; message: string };

const port = parentPort!;
const input = workerData as WorkerInput;
const post = (m: WorkerMessage) => port.postMessage(m);

try {
  const source = await readFile(input.file, 'utf8');
  const engine = await getEngine(input.engine);
  const results = await runScript(source, {
    engine,
    timeoutMs: input.timeoutMs,
    resumeAt: input.resumeAt,
    onStart: (index, c) => post({ type: 'start', index, line: c.line, text: c.text }),
    onResult: (index, result) => post({ type: 'result', index, result }),
  });
  post({ type: 'done', total: results.length });
} catch (e) {
  post({ type: 'error', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
}
