/**
 * One component transpiled by weft and by jco in `--instantiation async` mode, loaded once;
 * `instantiate` makes fresh instances of either (core modules are compiled once). jco's
 * output is cached by component and jco version (it takes seconds for a large guest); weft's
 * is made afresh on every run, as it is what is under test.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Engine } from '../harness.js';
import { transpileWith } from '../engine-transpile.js';

export const engines: readonly Engine[] = ['weft', 'jco'];

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = join(packageDir, '.cache', 'differential');

export interface Loaded {
  instantiate(imports: Record<string, unknown>): Promise<any>;
}

const jcoVersion: string = JSON.parse(readFileSync(join(packageDir, 'node_modules', '@bytecodealliance', 'jco', 'package.json'), 'utf8')).version;

const hash = (...parts: (string | Uint8Array)[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 20);
};

/**
 * Writes the module and its core wasm under `dir` (type declarations, which jco writes into
 * subfolders whatever its options, are not needed), the module last: its presence marks a
 * complete output.
 */
function writeOutput(dir: string, files: Record<string, Uint8Array>): void {
  mkdirSync(dir, { recursive: true });
  for (const [f, data] of Object.entries(files)) if (f.endsWith('.wasm')) writeFileSync(join(dir, f), data);
  writeFileSync(join(dir, 'component.js'), files['component.js']!);
}

async function transpiled(bytes: Uint8Array, engine: Engine): Promise<{ dir: string; files: Record<string, Uint8Array> }> {
  const opts = { name: 'component', instantiation: 'async', noTypescript: true } as const;
  if (engine === 'jco') {
    const dir = join(outDir, 'jco', hash(bytes, jcoVersion));
    if (!existsSync(join(dir, 'component.js'))) writeOutput(dir, (await transpileWith(bytes, opts, 'jco')).files);
    return { dir, files: Object.fromEntries(readdirSync(dir).map((f) => [f, new Uint8Array(readFileSync(join(dir, f)))])) };
  }
  const { files } = await transpileWith(bytes, opts, 'weft');
  const dir = join(outDir, 'weft', hash(files['component.js']!));
  writeOutput(dir, files);
  return { dir, files };
}

export async function load(bytes: Uint8Array, engine: Engine): Promise<Loaded> {
  const { dir, files } = await transpiled(bytes, engine);
  const mod = await import(pathToFileURL(join(dir, 'component.js')).href);
  const compiled = new Map<string, Promise<WebAssembly.Module>>();
  const getCoreModule = (path: string) => {
    let m = compiled.get(path);
    if (!m) compiled.set(path, (m = WebAssembly.compile(files[path]!.slice())));
    return m;
  };
  return { instantiate: (imports) => mod.instantiate(getCoreModule, imports) };
}

/**
 * Tries jco on a component it is expected to reject, in a child process: jco's transpiler is
 * itself a component, and a trap inside it leaves it unusable for the rest of the process.
 * Returns jco's error, or undefined if it transpiled the component after all.
 */
export function jcoRejects(bytes: Uint8Array): string | undefined {
  const file = join(outDir, `reject-${hash(bytes)}.wasm`);
  const answer = join(outDir, `reject-${hash(bytes, jcoVersion)}.txt`);
  if (existsSync(answer)) return readFileSync(answer, 'utf8') || undefined;
  mkdirSync(outDir, { recursive: true });
  writeFileSync(file, bytes);
  const script = `import { transpile } from '@bytecodealliance/jco';
import { readFileSync } from 'node:fs';
try { await transpile(readFileSync(process.argv[1]), { name: 'component', instantiation: { tag: 'async' } }); }
catch (e) { process.stdout.write(String(e)); }`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, file], { cwd: packageDir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`jco child process failed: ${r.stderr}`);
  writeFileSync(answer, r.stdout);
  return r.stdout || undefined;
}
