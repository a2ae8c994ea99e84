import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inspect, transpile, WeftError } from '@weft/transpiler';
import { pairs, parseArgs, UsageError } from './args.js';

export const RUN_HELP = `Usage: weft run <component.wasm> [options] [-- args...]

Runs a wasi:cli/command component in Node with weft's WASI shims: stdin, stdout and
stderr are the process's; the component's exit code becomes weft's.

Options:
  --env <KEY=VALUE>   set an environment variable for the component (repeatable)
  --inherit-env       pass weft's whole environment to the component
  --cwd <dir>         what the component sees as its initial working directory
  --dir <HOST[::GUEST]>
                      give the component the host directory HOST, seen at GUEST
                      (default: the same path); nothing outside it is reachable
                      (repeatable)
`;

const SPEC = {
  env: { type: 'list' },
  'inherit-env': { type: 'bool' },
  cwd: { type: 'string' },
  dir: { type: 'list' },
} as const;

/** `HOST[::GUEST]` pairs, same spelling as wasmtime's `--dir`. */
function preopenSpecs(list: string[] | undefined): [string, string][] {
  return (list ?? []).map((spec) => {
    const sep = spec.indexOf('::');
    const hostDir = sep < 0 ? spec : spec.slice(0, sep);
    const guest = sep < 0 ? spec : spec.slice(sep + 2);
    if (hostDir === '' || guest === '') throw new UsageError(`weft run: --dir expects HOST[::GUEST], got '${spec}'`);
    return [hostDir, guest];
  });
}

export async function runCommand(argv: string[]): Promise<number> {
  const { positional, flags, rest } = parseArgs(argv, SPEC, 'weft run');
  if (positional.length < 1) throw new UsageError('weft run: expected a component file');
  const [file, ...more] = positional;
  const dirs = preopenSpecs(flags.dir as string[] | undefined);
  const env = {
    ...(flags['inherit-env'] ? (process.env as Record<string, string>) : {}),
    ...pairs(flags.env as string[] | undefined, 'env', 'weft run'),
  };
  // The shims load only for `run`, keeping `transpile` and `inspect` start-up small.
  const { cli, wasiImports } = await import('./wasi-imports.js');
  const { setPreopens } = await import('@weft/wasi-filesystem');
  const { openNodeDirectory } = await import('@weft/wasi-filesystem/node');
  setPreopens(
    dirs.map(([hostDir, guest]) => {
      try {
        return [openNodeDirectory(hostDir), guest] as const;
      } catch (e) {
        throw new WeftError(`weft run: --dir: ${(e as Error).message}`);
      }
    }),
  );
  const bytes = new Uint8Array(await readFile(file!));
  const { files } = await transpile(bytes, { name: 'component', instantiation: 'async', noTypescript: true });
  // The glue is imported from a real file so that stack traces through it stay readable.
  const dir = await mkdtemp(join(tmpdir(), 'weft-run-'));
  let mod: {
    instantiate(getCoreModule: (file: string) => Promise<WebAssembly.Module>, imports: Record<string, unknown>): Promise<{ run?: { run?: unknown } }>;
  };
  try {
    await writeFile(join(dir, 'component.js'), files['component.js']!);
    mod = await import(pathToFileURL(join(dir, 'component.js')).href);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  cli.configure({
    args: [basename(file!), ...more, ...rest],
    env,
    ...(flags.cwd ? { cwd: flags.cwd as string } : {}),
    stdin: 'inherit',
    stdout: 'inherit',
    stderr: 'inherit',
  });
  const exports = await mod.instantiate(
    (f: string) => WebAssembly.compile(files[f] as Uint8Array<ArrayBuffer>),
    wasiImports(inspect(bytes).imports.map((i) => i.name)),
  );
  const run = exports.run?.run;
  if (typeof run !== 'function') throw new WeftError(`${file} is not a command component: it does not export wasi:cli/run`);
  try {
    await run();
    return 0;
  } catch (e) {
    if (e instanceof cli.ComponentExit) return e.exitCode;
    // `run` returning `err` surfaces as a thrown ComponentError; that is exit status 1.
    if (e && typeof e === 'object' && 'payload' in e) return 1;
    throw e;
  } finally {
    cli.flushStdio();
  }
}
