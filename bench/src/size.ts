/** Glue size: bytes of the generated JS, plain, minified, and minified + gzip -9. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import { benchRoot } from './paths.js';
import type { Component } from './corpus.js';
import { formatBytes, formatRatio, markdownTable } from './format.js';
import { atMost, errorCell, isError, statusCell, weftOverJco, type Outcome, type Status } from './result.js';
import { loadTranspiler, shortReason, toolLabel, type Files, type Tool } from './tools.js';

export interface SizeFigures {
  plain: number;
  minified: number;
  gzip: number;
}

export interface SizeRow {
  component: string;
  componentBytes: number;
  jco: Outcome<SizeFigures>;
  weft: Outcome<SizeFigures>;
}

const sizeWorker = join(benchRoot, 'dist', 'size-worker.js');

/** Goal: weft's minified glue is at most a tenth of jco's. */
export const sizeGoal = 0.1;

function jsFiles(files: Files): Uint8Array[] {
  const js = Object.entries(files).filter(([n]) => n.endsWith('.js') || n.endsWith('.mjs'));
  if (js.length === 0) throw new Error('no .js file in the output');
  return js.map(([, b]) => b);
}

const total = (bs: Uint8Array[]) => bs.reduce((n, b) => n + b.byteLength, 0);

export async function measureSize(tool: Tool, bytes: Uint8Array, name: string): Promise<Outcome<SizeFigures>> {
  try {
    const transpile = await loadTranspiler(tool);
    // Core modules stay in their own files (no base64 inlining), so only glue is counted.
    const opts = { name, base64Cutoff: 0 };
    const plain = jsFiles((await transpile(bytes, opts)).files);
    const min = jsFiles((await transpile(bytes, { ...opts, minify: true })).files);
    const gz = min.map((b) => gzipSync(b, { level: 9 }));
    return { plain: total(plain), minified: total(min), gzip: total(gz) };
  } catch (e) {
    return { error: shortReason(e) };
  }
}

/**
 * Each component is measured in its own worker thread: jco's transpiler is itself a wasm
 * component, and one input that makes it trap poisons it for every later call in that
 * thread.
 */
function measureInWorker(c: Component): Promise<Pick<SizeRow, 'jco' | 'weft'>> {
  if (!existsSync(sizeWorker)) throw new Error(`${sizeWorker} missing: build @weft/bench first`);
  return new Promise((resolve) => {
    const w = new Worker(sizeWorker, { workerData: { file: c.file, name: c.name }, stderr: true });
    let stderr = '';
    w.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let done = false;
    w.once('message', (m: Pick<SizeRow, 'jco' | 'weft'>) => {
      done = true;
      resolve(m);
      void w.terminate();
    });
    w.once('error', (e) => {
      const error = shortReason(e);
      resolve({ jco: { error }, weft: { error } });
    });
    w.once('exit', (code) => {
      if (done) return;
      const error = `size worker exited with ${code}: ${shortReason(stderr)}`;
      resolve({ jco: { error }, weft: { error } });
    });
  });
}

export async function measureSizes(components: readonly Component[]): Promise<SizeRow[]> {
  const rows: SizeRow[] = [];
  for (const c of components) {
    rows.push({ component: c.id, componentBytes: c.bytes.byteLength, ...(await measureInWorker(c)) });
  }
  return rows;
}

export function sizeRatio(r: SizeRow): number | undefined {
  return weftOverJco(r.jco, r.weft, (s) => s.minified);
}

export function sizeStatus(r: SizeRow): Status {
  return atMost(sizeRatio(r), sizeGoal);
}

export function sizeTable(rows: readonly SizeRow[]): string {
  const j = toolLabel('jco');
  const w = toolLabel('weft');
  const headers = ['component', 'wasm', `${j} js`, `${w} js`, `${j} min`, `${w} min`, `${j} min+gz`, `${w} min+gz`, 'min ratio', `goal ≤${sizeGoal}x`];
  // A failed tool states its reason once, in its first column.
  const cells = (o: Outcome<SizeFigures>, k: keyof SizeFigures) => (isError(o) ? (k === 'plain' ? errorCell(o) : '–') : formatBytes(o[k]));
  const body = rows.map((r) => {
    const ratio = sizeRatio(r);
    return [
      r.component,
      formatBytes(r.componentBytes),
      cells(r.jco, 'plain'),
      cells(r.weft, 'plain'),
      cells(r.jco, 'minified'),
      cells(r.weft, 'minified'),
      cells(r.jco, 'gzip'),
      cells(r.weft, 'gzip'),
      ratio === undefined ? 'n/a' : formatRatio(ratio),
      statusCell(sizeStatus(r)),
    ];
  });
  return markdownTable(headers, body);
}
