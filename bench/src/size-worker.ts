/** Worker thread: glue sizes of one component, both tools; see measureSizes. */
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { measureSize } from './size.js';

const { file, name } = workerData as { file: string; name: string };
const bytes = new Uint8Array(readFileSync(file));
const jco = await measureSize('jco', bytes, name);
const weft = await measureSize('weft', bytes, name);
parentPort!.postMessage({ jco, weft });
