import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { transpile, type TranspileOptions } from '@weft/transpiler';
import { pairs, parseArgs, UsageError } from './args.js';

export const TRANSPILE_HELP = `Usage: weft transpile <component.wasm> -o <dir> [options]

Turns a WebAssembly component into core wasm files plus an ES module of glue.

Options:
  -o, --out-dir <dir>          where to write the output (required)
  -n, --name <name>            base name of the output files (default: the input's name)
  --instantiation <mode>       async | sync: export instantiate(getCoreModule, imports)
                               instead of instantiating on import, and write <name>.host.js
                               (imports(overrides) wired to the shims, loadCoreModule)
  --target <where>             universal (default) | browser | node: browser glue only
                               fetches its core modules (no node:fs branch for bundlers);
                               node glue reads file: URLs from disk
  --map <from=to>              remap an import specifier; '*' matches a suffix, '#name'
                               picks a named export (repeatable)
  --no-wasi-shim               do not map wasi:* imports to the @weft/wasi-* shims
  --base64-cutoff <bytes>      inline core modules smaller than this as base64 (default 0)
  --tla-compat                 no top-level await: export a $init promise instead
  --no-namespaced-exports      export interfaces only by their short name
  --minify                     minify the glue with esbuild
  --no-typescript              do not write a .d.ts file
  --js                         convert every core module to JavaScript with binaryen's
                               wasm2js: one .js file that runs without WebAssembly;
                               --instantiation exports instantiate(imports)
  --async-mode <mode>          sync (default) | jspi | asyncify: blocking WASI calls may
                               wait for promises and exports return promises. jspi uses
                               WebAssembly.Suspending; asyncify rewrites the core modules
                               with binaryen (any engine; slower; cached in ~/.cache/weft)
  --async-imports <name>       in an async mode, another import that may return a promise
                               (ns:pkg/iface#func or func; repeatable)
  --async-exports <name>       an export that returns a promise (every export does in an
                               async mode; repeatable)
  -q, --quiet                  print nothing on success
`;

const SPEC = {
  'out-dir': { type: 'string', short: 'o' },
  name: { type: 'string', short: 'n' },
  instantiation: { type: 'string' },
  target: { type: 'string' },
  map: { type: 'list' },
  'no-wasi-shim': { type: 'bool' },
  'base64-cutoff': { type: 'string' },
  'tla-compat': { type: 'bool' },
  'no-namespaced-exports': { type: 'bool' },
  minify: { type: 'bool' },
  'no-typescript': { type: 'bool' },
  js: { type: 'bool' },
  'async-mode': { type: 'string' },
  'async-imports': { type: 'list' },
  'async-exports': { type: 'list' },
  quiet: { type: 'bool', short: 'q' },
} as const;

export async function transpileCommand(argv: string[], log: (s: string) => void): Promise<number> {
  const { positional, flags } = parseArgs(argv, SPEC, 'weft transpile');
  if (positional.length !== 1) throw new UsageError('weft transpile: expected exactly one component file');
  const outDir = flags['out-dir'] as string | undefined;
  if (!outDir) throw new UsageError('weft transpile: missing -o <dir>');
  const input = positional[0]!;
  const opts: TranspileOptions = {
    name: (flags.name as string | undefined) ?? basename(input).replace(/(\.component)?\.wasm$/, ''),
    map: pairs(flags.map as string[] | undefined, 'map', 'weft transpile'),
    noWasiShim: !!flags['no-wasi-shim'],
    tlaCompat: !!flags['tla-compat'],
    noNamespacedExports: !!flags['no-namespaced-exports'],
    minify: !!flags.minify,
    noTypescript: !!flags['no-typescript'],
    js: !!flags.js,
  };
  const inst = flags.instantiation as string | undefined;
  if (inst !== undefined) {
    if (inst !== 'async' && inst !== 'sync') throw new UsageError(`weft transpile: --instantiation must be async or sync, got '${inst}'`);
    opts.instantiation = inst;
  }
  const target = flags.target as string | undefined;
  if (target !== undefined) {
    if (target !== 'universal' && target !== 'browser' && target !== 'node')
      throw new UsageError(`weft transpile: --target must be universal, browser or node, got '${target}'`);
    opts.target = target;
  }
  const cutoff = flags['base64-cutoff'] as string | undefined;
  if (cutoff !== undefined) {
    if (!/^\d+$/.test(cutoff)) throw new UsageError(`weft transpile: --base64-cutoff must be a number of bytes, got '${cutoff}'`);
    opts.base64Cutoff = Number(cutoff);
  }
  const mode = flags['async-mode'] as string | undefined;
  if (mode !== undefined) {
    if (mode !== 'sync' && mode !== 'jspi' && mode !== 'asyncify')
      throw new UsageError(`weft transpile: --async-mode must be sync, jspi or asyncify, got '${mode}'`);
    opts.asyncMode = mode;
  }
  if (flags['async-imports']) opts.asyncImports = flags['async-imports'] as string[];
  if (flags['async-exports']) opts.asyncExports = flags['async-exports'] as string[];

  const bytes = new Uint8Array(await readFile(input));
  const result = await transpile(bytes, opts);
  for (const [file, data] of Object.entries(result.files)) {
    const path = join(outDir, file);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, data);
    if (!flags.quiet) log(`  ${path}  ${formatSize(data.length)}`);
  }
  return 0;
}

function formatSize(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(2)} MiB`;
}
