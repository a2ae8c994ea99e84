import { shimTarget, type P3Package, type WasiPackage } from '@weft/wasi-manifest';
/**
 * A component loaded into the page: transpiled here with `instantiation: 'async'`, its
 * glue imported from a blob URL, its core modules compiled from the in-memory files, and
 * its `wasi:*` imports answered by weft's shims.
 */
import { inspect, transpile, type InspectResult } from '@weft/transpiler';
import * as cli from '@weft/wasi-cli';
import * as cliP3 from '@weft/wasi-cli/p3';
import * as clocks from '@weft/wasi-clocks';
import * as clocksP3 from '@weft/wasi-clocks/p3';
import * as filesystem from '@weft/wasi-filesystem';
import * as filesystemP3 from '@weft/wasi-filesystem/p3';
import * as http from '@weft/wasi-http';
import * as httpP3 from '@weft/wasi-http/p3';
import * as io from '@weft/wasi-io';
import * as random from '@weft/wasi-random';
import * as randomP3 from '@weft/wasi-random/p3';
import * as sockets from '@weft/wasi-sockets';
import * as socketsP3 from '@weft/wasi-sockets/p3';

// Typed by the manifest's package lists, so a shim added there must be added here.
const SHIMS: Record<`@weft/wasi-${WasiPackage}` | `@weft/wasi-${P3Package}/p3`, Record<string, unknown>> = {
  '@weft/wasi-cli': cli,
  '@weft/wasi-cli/p3': cliP3,
  '@weft/wasi-clocks': clocks,
  '@weft/wasi-clocks/p3': clocksP3,
  '@weft/wasi-filesystem': filesystem,
  '@weft/wasi-filesystem/p3': filesystemP3,
  '@weft/wasi-http': http,
  '@weft/wasi-http/p3': httpP3,
  '@weft/wasi-io': io,
  '@weft/wasi-random': random,
  '@weft/wasi-random/p3': randomP3,
  '@weft/wasi-sockets': sockets,
  '@weft/wasi-sockets/p3': socketsP3,
};

type Instance = Record<string, unknown>;

interface Glue {
  instantiate(getCoreModule: (file: string) => WebAssembly.Module, imports: Record<string, unknown>): Promise<Instance>;
}

export interface Loaded {
  fileName: string;
  size: number;
  info: InspectResult;
  /** The generated ES module. */
  glue: string;
  transpileMs: number;
  /** `wasi:*` imports the shims answer, and the imports nothing here can answer. */
  provided: string[];
  missing: string[];
  /** A fresh instance of the component. */
  instantiate(): Promise<Instance>;
}

export interface Output {
  stdout: string;
  stderr: string;
}

/** `wasi:cli/environment@0.2.3` -> the `environment` object of the shim for that version, if it has one. */
function shimFor(importName: string): unknown {
  const target = shimTarget(importName);
  if (!target) return undefined;
  const iface = target.iface.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return SHIMS[target.module as keyof typeof SHIMS]?.[iface];
}

/** Transpile and compile a component; throws `WeftError` for bytes that are not one. */
export async function loadComponent(bytes: Uint8Array, fileName: string): Promise<Loaded> {
  const info = inspect(bytes);
  const started = performance.now();
  const { files } = await transpile(bytes, { name: 'component', instantiation: 'async', noTypescript: true });
  const transpileMs = performance.now() - started;
  const glue = new TextDecoder().decode(files['component.js']);
  const wasm = Object.entries(files).filter(([f]) => f.endsWith('.wasm'));
  const modules = new Map(await Promise.all(wasm.map(async ([f, b]) => [f, await WebAssembly.compile(b as BufferSource)] as const)));

  const url = URL.createObjectURL(new Blob([glue], { type: 'text/javascript' }));
  let mod: Glue;
  try {
    mod = (await import(/* @vite-ignore */ url)) as Glue;
  } finally {
    URL.revokeObjectURL(url);
  }

  const imports: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const { name } of info.imports) {
    const shim = shimFor(name);
    if (shim) imports[name] = shim;
    else missing.push(name);
  }
  return {
    fileName,
    size: bytes.length,
    info,
    glue,
    transpileMs,
    provided: Object.keys(imports),
    missing,
    instantiate: () => mod.instantiate((f) => modules.get(f)!, imports),
  };
}

function decode(chunks: Uint8Array[]): string {
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return new TextDecoder().decode(all);
}

interface CliRun {
  args?: string[];
  env?: [string, string][];
  stdin?: string;
}

/** The last call queued: the cli shim's configuration is global to the page, so calls take turns. */
let turn: Promise<unknown> = Promise.resolve();

/**
 * Runs `body` with the command line given and the guest's stdout and stderr captured.
 * Errors, the configuration's too, come back in the result, so the queue goes on.
 */
export function withCli<T>(config: CliRun, body: () => Promise<T>): Promise<{ value?: T | undefined; error?: unknown; output: Output }> {
  const run = turn.then(() => captured(config, body));
  turn = run;
  return run;
}

async function captured<T>(config: CliRun, body: () => Promise<T>): Promise<{ value?: T | undefined; error?: unknown; output: Output }> {
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  let value: T | undefined;
  let error: unknown;
  try {
    cli.configure({
      args: config.args ?? [],
      env: config.env ?? [],
      stdin: config.stdin ?? 'none',
      stdout: (chunk) => out.push(chunk.slice()),
      stderr: (chunk) => err.push(chunk.slice()),
    });
    value = await body();
  } catch (e) {
    error = e;
  }
  cli.flushStdio();
  return { value, error, output: { stdout: decode(out), stderr: decode(err) } };
}

/** The error the glue throws for a `result::err` return, carrying the error value as `payload`. */
export function isComponentError(e: unknown): e is Error & { payload: unknown } {
  return e instanceof Error && Object.hasOwn(e, 'payload');
}

/** The name of the component's `wasi:cli/run` export, if it is a command. */
export function runExport(info: InspectResult): string | undefined {
  return info.exports.find((e) => e.kind === 'instance' && /^wasi:cli\/run@/.test(e.name))?.name;
}

export interface CommandResult extends Output {
  exitCode: number | null;
  /** What ended the run other than an exit: a trap, a missing import. */
  error?: string;
}

/** Runs a `wasi:cli/run` command in a fresh instance, as `argv[0] args...`. */
export async function runCommand(loaded: Loaded, opts: { args: string[]; env: [string, string][]; stdin: string }): Promise<CommandResult> {
  const run = runExport(loaded.info);
  if (!run) throw new Error(`${loaded.fileName} does not export wasi:cli/run`);
  const { error, output } = await withCli({ args: [loaded.fileName, ...opts.args], env: opts.env, stdin: opts.stdin }, async () => {
    const instance = await loaded.instantiate();
    await (instance[run] as { run(): unknown }).run();
  });
  if (error === undefined) return { ...output, exitCode: 0 };
  if (error instanceof cli.ComponentExit) return { ...output, exitCode: error.exitCode };
  // `run` returning `result::err` is thrown as the glue's ComponentError: exit status 1.
  if (isComponentError(error)) return { ...output, exitCode: 1 };
  return { ...output, exitCode: null, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
}
