/**
 * Runs a directory of .wast scripts, each in its own worker thread so that a guest
 * stuck in a synchronous loop can be stopped, and reports per-file results.
 */
import { readFile, readdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import { Worker } from 'node:worker_threads';
import { startChromiumHost, type ChromiumHost, type Session } from './browser.js';
import type { EngineName } from './engine.js';
import { TRANSPILE_TIMEOUT_MS, type CommandResult } from './runner.js';
import { parseScript } from './script.js';
import type { WorkerInput, WorkerMessage } from './worker.js';

export interface FileResult {
  /** Path relative to the test root, e.g. `values/strings.wast`. */
  file: string;
  status: 'pass' | 'fail' | 'nyi';
  passed: number;
  total: number;
  commands: CommandResult[];
  /** Set when the file could not run to its end (reader error, hang, worker crash). */
  error?: string | undefined;
}

export interface FileRunOptions {
  engine: EngineName;
  /** Per-command limit. */
  timeoutMs: number;
  /** Run in pages of this Chromium instead of worker threads. */
  chromium?: ChromiumHost | undefined;
}

/** How many times one file may hang before the rest of it is given up. */
const MAX_RESTARTS = 3;

type Planned = { line: number; text: string; kind: string };

/** Starts running a file from `input.resumeAt`, reporting like the worker does. */
type Starter = (input: WorkerInput, onMessage: (m: WorkerMessage) => void) => Session;

/** Runs a file in a worker thread of this process. */
const startWorker: Starter = (input, onMessage) => {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: input, stdout: true, stderr: true });
  worker.stdout.resume();
  worker.stderr.resume();
  worker.on('message', onMessage);
  worker.on('error', (e) => onMessage({ type: 'error', message: `worker crashed: ${e.message}` }));
  worker.on('exit', (code) => onMessage(code === 0 ? { type: 'done', total: -1 } : { type: 'error', message: `worker exited with code ${code}` }));
  return {
    stop: () =>
      worker.terminate().then(
        () => {},
        () => {},
      ),
  };
};

/**
 * Runs the commands of one file from `resumeAt` in a fresh worker (or page). Resolves
 * with the index of a command that hung (the worker is then stopped), or undefined
 * when the worker ran to its end; a worker failure is returned as `error`.
 */
function runWorker(
  path: string,
  planned: Planned[],
  results: (CommandResult | undefined)[],
  opts: FileRunOptions,
  resumeAt: number,
): Promise<{ hung?: number; error?: string }> {
  return new Promise((resolve) => {
    const input: WorkerInput = { file: path, engine: opts.engine, timeoutMs: opts.timeoutMs, resumeAt };
    let watchdog: NodeJS.Timeout | undefined;
    let finished = false;
    // Messages come from events, never during `start`, so the session exists by then.
    let session: Session | undefined;
    const finish = (r: { hung?: number; error?: string }) => {
      if (finished) return;
      finished = true;
      clearTimeout(watchdog);
      void session!.stop().then(() => resolve(r));
    };
    const onMessage = (m: WorkerMessage) => {
      if (finished) return;
      if (m.type === 'start') {
        const index = m.index;
        const c = planned[index];
        // Commands that build a component may also spend the transpile limit.
        const builds = !['invoke', 'assert_return', 'register', 'instance'].includes(c?.kind ?? '');
        const limit = opts.timeoutMs * 2 + (builds ? TRANSPILE_TIMEOUT_MS : 0) + 5_000;
        clearTimeout(watchdog);
        watchdog = setTimeout(() => {
          results[index] = {
            line: c?.line ?? 0,
            kind: c?.kind ?? '?',
            text: c?.text ?? '',
            ok: false,
            detail: `timed out after ${limit} ms (the guest or glue blocked the thread)`,
          };
          finish({ hung: index });
        }, limit);
      } else if (m.type === 'result') {
        results[m.index] = m.result;
      } else if (m.type === 'done') {
        finish({});
      } else {
        finish({ error: `runner error: ${m.message}` });
      }
    };
    session = (opts.chromium ? opts.chromium.start.bind(opts.chromium) : startWorker)(input, onMessage);
  });
}

/**
 * Runs one .wast file in a worker thread. A command that blocks the thread past its
 * limit is failed and the worker stopped; a new worker rebuilds the file's components
 * and instances (their state from earlier calls is lost) and goes on after it.
 */
export async function runFileIsolated(path: string, name: string, opts: FileRunOptions): Promise<Omit<FileResult, 'status'> & { ok: boolean }> {
  const source = await readFile(path, 'utf8');
  let planned: Planned[];
  try {
    planned = parseScript(source).map((c) => ({ line: c.line, text: c.text, kind: c.command.kind === 'unknown' ? c.command.name : c.command.kind }));
  } catch (e) {
    const error = `cannot read script: ${e instanceof Error ? e.message : String(e)}`;
    return { file: name, ok: false, passed: 0, total: 1, commands: [{ line: 1, kind: 'script', text: name, ok: false, detail: error }], error };
  }
  const results: (CommandResult | undefined)[] = new Array(planned.length).fill(undefined);
  const notes: string[] = [];
  let error: string | undefined;
  let resumeAt = 0;
  for (let restarts = 0; ; restarts++) {
    const r = await runWorker(path, planned, results, opts, resumeAt);
    if (r.error) error = r.error;
    if (r.hung === undefined) break;
    notes.push(`hang at line ${planned[r.hung]?.line}`);
    if (restarts === MAX_RESTARTS) {
      error = `gave up after ${restarts + 1} hangs`;
      break;
    }
    resumeAt = r.hung + 1;
  }
  const commands = planned.map(
    (c, i) => results[i] ?? { line: c.line, kind: c.kind, text: c.text, ok: false, detail: `not run: ${error ?? 'the worker stopped early'}` },
  );
  const passed = commands.filter((c) => c.ok).length;
  const summary = [...notes, ...(error ? [error] : [])].join('; ') || undefined;
  return { file: name, ok: passed === commands.length && !error, passed, total: commands.length, commands, error: summary };
}

async function findWast(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const ent of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, ent.name);
    if (ent.isDirectory()) out.push(...(await findWast(p)));
    else if (ent.name.endsWith('.wast')) out.push(p);
  }
  return out.sort();
}

export interface SpecOptions extends FileRunOptions {
  filter?: string;
  /** Run every file in headless Chromium instead of Node (see browser.ts). */
  browser?: boolean;
  jobs?: number;
  /** Called as each file finishes, in completion order. */
  onFile?(r: FileResult): void;
}

export interface SpecReport {
  main: FileResult[];
  async: FileResult[];
}

/** Runs `<checkout>/test/**\/*.wast`; `test/async` is reported separately. */
export async function runSpec(checkout: string, opts: SpecOptions): Promise<SpecReport> {
  const testDir = join(checkout, 'test');
  const nyiText = await readFile(join(testDir, 'nyi.txt'), 'utf8').catch(() => '');
  const nyi = new Set(
    nyiText
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.replace(/^\.\//, '')),
  );
  const files = (await findWast(testDir)).map((p) => ({ path: p, name: relative(testDir, p) })).filter((f) => !opts.filter || f.name.includes(opts.filter));
  const results = new Map<string, FileResult>();
  const queue = [...files];
  const jobs = Math.max(1, opts.jobs ?? availableParallelism());
  const chromium = opts.browser && !opts.chromium && files.length > 0 ? await startChromiumHost(opts.engine) : undefined;
  const fileOpts: FileRunOptions = { engine: opts.engine, timeoutMs: opts.timeoutMs, chromium: opts.chromium ?? chromium };
  try {
    await Promise.all(
      Array.from({ length: Math.min(jobs, queue.length) }, async () => {
        for (let f = queue.shift(); f; f = queue.shift()) {
          const r = await runFileIsolated(f.path, f.name, fileOpts);
          const status = nyi.has(f.name) ? 'nyi' : r.ok ? 'pass' : 'fail';
          const { ok: _ok, ...rest } = r;
          const fr: FileResult = { ...rest, status };
          results.set(f.name, fr);
          opts.onFile?.(fr);
        }
      }),
    );
  } finally {
    await chromium?.close();
  }
  const ordered = files.map((f) => results.get(f.name)!);
  return { main: ordered.filter((r) => !r.file.startsWith('async/')), async: ordered.filter((r) => r.file.startsWith('async/')) };
}

/** Counts files that pass and fail; nyi files are left out. */
export function summarize(files: FileResult[]): { passed: number; failed: number; nyi: number } {
  return {
    passed: files.filter((f) => f.status === 'pass').length,
    failed: files.filter((f) => f.status === 'fail').length,
    nyi: files.filter((f) => f.status === 'nyi').length,
  };
}
