import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inspect, transpile, WeftError, type TranspileOptions } from '@weft/transpiler';
import { pairs, UsageError, type Parsed } from './args.js';

/** The options `weft run` and `weft serve` share: what the component sees of the host. */
export const HOST_SPEC = {
  env: { type: 'list' },
  'inherit-env': { type: 'bool' },
  cwd: { type: 'string' },
  dir: { type: 'list' },
} as const;

export const HOST_HELP = `  --env <KEY=VALUE>   set an environment variable for the component (repeatable)
  --inherit-env       pass weft's whole environment to the component
  --cwd <dir>         what the component sees as its initial working directory
  --dir <HOST[::GUEST]>
                      give the component the host directory HOST, seen at GUEST
                      (default: the same path); nothing outside it is reachable
                      (repeatable)
`;

/** `HOST[::GUEST]` pairs, same spelling as wasmtime's `--dir`. */
function preopenSpecs(list: string[] | undefined, command: string): [string, string][] {
  return (list ?? []).map((spec) => {
    const sep = spec.indexOf('::');
    const hostDir = sep < 0 ? spec : spec.slice(0, sep);
    const guest = sep < 0 ? spec : spec.slice(sep + 2);
    if (hostDir === '' || guest === '') throw new UsageError(`${command}: --dir expects HOST[::GUEST], got '${spec}'`);
    return [hostDir, guest];
  });
}

type Glue = {
  instantiate(
    getCoreModule: (file: string) => WebAssembly.Module | Promise<WebAssembly.Module>,
    imports: Record<string, unknown>,
  ): Promise<Record<string, unknown>>;
};

export interface LoadedComponent {
  /** A fresh instance's exports, wired to weft's WASI shims. */
  instantiate(): Promise<Record<string, unknown>>;
  /** The shims' `wasi:cli` package, for exit codes and flushing stdio. */
  cli: typeof import('@weft/wasi-cli');
}

/**
 * Apply the shared host options (preopens, environment, cwd, args, stdio) to the shims,
 * then transpile `file` and import its glue: every instance made from the result sees
 * that host.
 */
export async function loadComponent(
  file: string,
  flags: Parsed['flags'],
  command: string,
  host: { args: readonly string[]; stdin: 'inherit' | '' },
  options: Pick<TranspileOptions, 'asyncMode'> = {},
): Promise<LoadedComponent> {
  const dirs = preopenSpecs(flags.dir as string[] | undefined, command);
  const env = {
    ...(flags['inherit-env'] ? (process.env as Record<string, string>) : {}),
    ...pairs(flags.env as string[] | undefined, 'env', command),
  };
  // The shims load only for commands that run components, keeping `transpile` and `inspect` start-up small.
  const { cli, wasiImports } = await import('./wasi-imports.js');
  const { setPreopens } = await import('@weft/wasi-filesystem');
  const { openNodeDirectory } = await import('@weft/wasi-filesystem/node');
  setPreopens(
    dirs.map(([hostDir, guest]) => {
      try {
        return [openNodeDirectory(hostDir), guest] as const;
      } catch (e) {
        throw new WeftError(`${command}: --dir: ${(e as Error).message}`);
      }
    }),
  );
  const bytes = new Uint8Array(await readFile(file));
  const info = inspect(bytes);
  // A Preview 3 component's threads may wait on their own stacks (a sync-style guest):
  // asyncify lets them in any Node, and changes nothing for a guest that never does.
  const asyncMode = options.asyncMode ?? (info.async ? 'asyncify' : undefined);
  const { files } = await transpile(bytes, { name: 'component', instantiation: 'async', noTypescript: true, ...(asyncMode ? { asyncMode } : {}) });
  // The glue is imported from a real file so that stack traces through it stay readable.
  const dir = await mkdtemp(join(tmpdir(), 'weft-run-'));
  let glue: Glue;
  try {
    await writeFile(join(dir, 'component.js'), files['component.js']!);
    glue = await import(pathToFileURL(join(dir, 'component.js')).href);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  cli.configure({
    args: [basename(file), ...host.args],
    env,
    ...(flags.cwd ? { cwd: flags.cwd as string } : {}),
    stdin: host.stdin,
    stdout: 'inherit',
    stderr: 'inherit',
  });
  const modules = new Map<string, Promise<WebAssembly.Module>>();
  const compile = (f: string) => {
    let m = modules.get(f);
    if (!m) modules.set(f, (m = WebAssembly.compile(files[f] as Uint8Array<ArrayBuffer>)));
    return m;
  };
  const imports = wasiImports(info.imports.map((i) => i.name));
  return { instantiate: () => glue.instantiate(compile, imports), cli };
}
