/**
 * One call-benchmark contender (a tool's glue or the baseline) in its own worker thread:
 * its own heap, garbage collector and JIT state, so contenders cannot disturb each other.
 * The main thread decides who runs when (see calls.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { batch, calibrate, callSpecs, compileRunner, inputs, loadBaseline, loadGlue, type Instantiate, type Runner } from './call-rows.js';
import { shortReason } from './tools.js';

export type WorkerInit = { kind: 'glue'; entry: string } | { kind: 'baseline'; coreWasm: string };
export type Request = { op: 'prepare'; row: string; warmNs: number; batchNs: number } | { op: 'batch' };
export type Reply = { ok: true } | { rate: number } | { error: string };

const init = workerData as WorkerInit;
const port = parentPort!;
const d = inputs();
let instantiate: Instantiate | undefined;
let loadError: string | undefined;
try {
  instantiate = init.kind === 'glue' ? await loadGlue(init.entry) : loadBaseline(init.coreWasm);
} catch (e) {
  loadError = shortReason(e);
}
let current: { run: Runner; n: number } | undefined;

async function handle(req: Request): Promise<Reply> {
  if (req.op === 'prepare') {
    current = undefined;
    if (!instantiate) return { error: loadError ?? 'not loaded' };
    const spec = callSpecs.find((s) => s.id === req.row);
    if (!spec) return { error: `unknown row ${req.row}` };
    const api = await instantiate();
    spec.check(api, d);
    const run = compileRunner(spec, api, d);
    current = { run, n: calibrate(run, req.warmNs, req.batchNs) };
    return { ok: true };
  }
  if (!current) return { error: 'batch before prepare' };
  return { rate: batch(current.run, current.n) };
}

port.on('message', (req: Request) => {
  handle(req).then(
    (r) => port.postMessage(r),
    (e: unknown) => port.postMessage({ error: shortReason(e) }),
  );
});
