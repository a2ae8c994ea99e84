/**
 * Browser-page entry of the Chromium mode (bundled by browser.ts): runs a script with
 * the runner in the page, so components are loaded and instantiated by the browser's
 * engine. Assembling, WIT printing and transpiling are Node's work, reached through
 * functions the host exposes on `window`; transpiled output is fetched from the host's
 * server on 127.0.0.1.
 */
import { loadedFromGlue, type RunnerEngine } from './engine-api.js';
import { runScript, type CommandResult } from './runner.js';

/** A host call's outcome; errors cross as data so the page can rebuild them faithfully. */
export type Wire<T> = { ok: true; value: T } | { ok: false; name: string; message: string; rejection: boolean };

export interface PageHost {
  weftAssemble(text: string): Promise<Wire<string>>;
  weftComponentWit(bytesBase64: string): Promise<Wire<string>>;
  /** Transpiles into the served cache; the value is the URL path of the output directory and main file. */
  weftTranspile(bytesBase64: string, name: string): Promise<Wire<{ dir: string; mainFile: string }>>;
  weftStart(index: number, line: number, text: string): Promise<void>;
  weftResult(index: number, result: CommandResult): Promise<void>;
}

export interface PageRunInput {
  source: string;
  engine: string;
  timeoutMs: number;
  resumeAt: number;
}

/** An error from the host, with the name and message Node saw. */
class HostError extends Error {
  constructor(
    name: string,
    message: string,
    readonly rejection: boolean,
  ) {
    super(message);
    this.name = name;
  }
}

function unwrap<T>(w: Wire<T>): T {
  if (w.ok) return w.value;
  throw new HostError(w.name, w.message, w.rejection);
}

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

const host = window as unknown as PageHost;

function pageEngine(name: string): RunnerEngine {
  return {
    name,
    assemble: async (text) => fromBase64(unwrap(await host.weftAssemble(text))),
    componentWit: async (bytes) => unwrap(await host.weftComponentWit(toBase64(bytes))),
    async load(bytes, outName) {
      const { dir, mainFile } = unwrap(await host.weftTranspile(toBase64(bytes), outName));
      const base = new URL(`/${dir}/`, location.origin);
      return loadedFromGlue(new URL(mainFile, base).href, mainFile, async (file) => {
        const response = await fetch(new URL(file, base));
        if (!response.ok) throw new Error(`glue asked for unknown core module ${file}`);
        return WebAssembly.compileStreaming(response);
      });
    },
    isRejection: (e) => e instanceof HostError && e.rejection,
  };
}

/** Runs the script; resolves with the results of the commands from `resumeAt` on. */
function run(input: PageRunInput): Promise<CommandResult[]> {
  return runScript(input.source, {
    engine: pageEngine(input.engine),
    timeoutMs: input.timeoutMs,
    resumeAt: input.resumeAt,
    onStart: (index, c) => void host.weftStart(index, c.line, c.text),
    onResult: (index, result) => void host.weftResult(index, result),
  });
}

(window as unknown as { weftRun: typeof run }).weftRun = run;
