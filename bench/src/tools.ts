/**
 * The two tools under comparison behind one interface. `WEFT_ENGINE=jco` runs jco in the
 * weft column too: ratios near 1x then show the harness itself treats both sides alike.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { jcoBin, scratchDir, weftCliBin } from './paths.js';
import { elapsedNs } from './stats.js';

export type Tool = 'jco' | 'weft';
export const tools: readonly Tool[] = ['jco', 'weft'];

export interface TranspileOpts {
  name: string;
  instantiation?: 'async';
  minify?: boolean;
  base64Cutoff?: number;
  map?: Record<string, string> | undefined;
  /** weft only (the asyncify section). */
  asyncMode?: 'sync' | 'jspi' | 'asyncify';
  cacheDir?: false;
}

export type Files = Record<string, Uint8Array>;
/** Writes a transpile's files into a fresh folder of this run's scratch space; returns the folder. */
export function writeScratch(folder: string, files: Record<string, Uint8Array | string>): string {
  const dir = join(scratchDir, folder);
  rmSync(dir, { recursive: true, force: true });
  for (const [f, data] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), data);
  }
  return dir;
}

export type TranspileFn = (bytes: Uint8Array, opts: TranspileOpts) => Promise<{ files: Files }>;

export const weftEngine: 'weft' | 'jco' = process.env.WEFT_ENGINE === 'jco' ? 'jco' : 'weft';

function engineOf(tool: Tool): 'weft' | 'jco' {
  return tool === 'jco' ? 'jco' : weftEngine;
}

export function toolLabel(tool: Tool): string {
  return tool === 'weft' && weftEngine === 'jco' ? 'weft(=jco)' : tool;
}

const loaded = new Map<string, Promise<TranspileFn>>();

/** Rejects with a short reason when the tool cannot be loaded (e.g. weft not built yet). */
export function loadTranspiler(tool: Tool): Promise<TranspileFn> {
  const engine = engineOf(tool);
  let p = loaded.get(engine);
  if (!p) {
    p = engine === 'jco' ? loadJco() : loadWeft();
    loaded.set(engine, p);
  }
  return p;
}

async function loadJco(): Promise<TranspileFn> {
  const jco = await import('@bytecodealliance/jco');
  // jco's wrapper mutates its options object, so every call gets a fresh copy.
  return async (bytes, { asyncMode, cacheDir, ...opts }) => {
    if (asyncMode === 'asyncify') throw new Error('jco has no asyncify mode');
    void cacheDir;
    const { map, ...rest } = opts;
    return jco.transpile(bytes, { ...rest, ...(map ? { map: { ...map } } : {}) });
  };
}

async function loadWeft(): Promise<TranspileFn> {
  // A computed specifier keeps tsc from needing weft's .d.ts, so the bench builds even
  // while the transpiler does not.
  const spec = '@weft/transpiler';
  let mod: { transpile?: (bytes: Uint8Array, opts: Record<string, unknown>) => Promise<{ files: Files }> };
  try {
    mod = await import(spec);
  } catch (e) {
    throw new Error(`@weft/transpiler not built (${shortReason(e)})`);
  }
  const t = mod.transpile;
  if (typeof t !== 'function') throw new Error('@weft/transpiler has no transpile export');
  return (bytes, opts) => t(bytes, { ...opts });
}

/** The argv of a whole-process transpile: `node <bin> transpile <file> -o <dir> --name <n>`. */
export function cliCommand(tool: Tool, file: string, outDir: string, name: string): string[] {
  const bin = engineOf(tool) === 'jco' ? jcoBin : weftCliBin;
  return [process.execPath, bin, 'transpile', file, '-o', outDir, '--name', name];
}

export function cliAvailable(tool: Tool): string | undefined {
  if (engineOf(tool) === 'weft' && !existsSync(weftCliBin)) return 'weft CLI not built';
  return undefined;
}

export interface ProcessResult {
  ns: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs argv to completion; `ns` is wall time from spawn to exit. */
export function timeProcess(argv: readonly string[], cwd?: string): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(argv[0]!, argv.slice(1), { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ns = elapsedNs(t0);
      resolve({ ns, code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
  });
}

/** First meaningful line of an error, trimmed to fit a table cell. */
export function shortReason(e: unknown, max = 70): string {
  const raw = e instanceof Error ? e.message : String(e);
  const line =
    raw
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? 'unknown error';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
