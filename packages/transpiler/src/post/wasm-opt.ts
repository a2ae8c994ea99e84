import { WeftError } from '../error.js';

/**
 * A native binaryen `wasm-opt`: it runs a pass over a module's functions on every core,
 * where binaryen.js runs in one thread. Found as `$WEFT_WASM_OPT`, else `wasm-opt` on PATH;
 * `WEFT_WASM_OPT=none` keeps binaryen.js.
 */
export interface WasmOpt {
  path: string;
  /** binaryen's release number, from `wasm-opt --version`. */
  version: number;
}

/** The oldest release whose asyncify reads its lists from files as weft passes them. */
const MIN_VERSION = 108;

let found: Promise<WasmOpt | undefined> | undefined;

/** The native `wasm-opt` to use, or undefined (none, too old, or not in Node). */
export function nativeWasmOpt(): Promise<WasmOpt | undefined> {
  found ??= find();
  return found;
}

async function find(): Promise<WasmOpt | undefined> {
  if (typeof process !== 'object' || !process.versions?.node) return undefined;
  const path = process.env.WEFT_WASM_OPT || 'wasm-opt';
  if (path === 'none') return undefined;
  const { execFile } = await import('node:child_process');
  const out = await new Promise<string | undefined>((resolve) =>
    execFile(path, ['--version'], { timeout: 10_000 }, (err, stdout) => resolve(err ? undefined : stdout)),
  );
  const version = Number(/version (\d+)/.exec(out ?? '')?.[1]);
  return version >= MIN_VERSION ? { path, version } : undefined;
}

/**
 * Runs `wasm-opt` over `input` with `args` (`{in}`, `{out}` and the keys of `files` stand
 * for the paths of files written beside it) and returns the module it writes.
 */
export async function runWasmOpt(tool: WasmOpt, input: Uint8Array, args: string[], files: Record<string, string>, what: string): Promise<Uint8Array> {
  const fs = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const { execFile } = await import('node:child_process');
  const dir = await fs.mkdtemp(join(tmpdir(), 'weft-wasm-opt-'));
  try {
    const paths: Record<string, string> = { '{in}': join(dir, 'in.wasm'), '{out}': join(dir, 'out.wasm') };
    await fs.writeFile(paths['{in}']!, input);
    for (const [key, text] of Object.entries(files)) {
      paths[key] = join(dir, `${Object.keys(paths).length}.txt`);
      await fs.writeFile(paths[key]!, text);
    }
    const argv = args.map((a) => Object.entries(paths).reduce((s, [k, p]) => s.replaceAll(k, p), a));
    await new Promise<void>((resolve, reject) =>
      execFile(tool.path, argv, { maxBuffer: 64 << 20 }, (err, _stdout, stderr) => {
        if (!err) resolve();
        else reject(new WeftError(`asyncMode 'asyncify': ${tool.path} failed on ${what}: ${stderr.trim().split('\n').slice(-3).join(' / ') || err.message}`));
      }),
    );
    return new Uint8Array(await fs.readFile(paths['{out}']!));
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
