/**
 * One component transpiled by weft and by jco in `--instantiation async` mode, loaded once;
 * `instantiate` makes fresh instances of either (core modules are compiled once).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
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

export async function load(bytes: Uint8Array, engine: Engine): Promise<Loaded> {
  const { files } = await transpileWith(bytes, { name: 'component', instantiation: 'async', noTypescript: true }, engine);
  const key = createHash('sha256').update(files['component.js']!).digest('hex').slice(0, 20);
  const dir = join(outDir, engine, key);
  for (const [f, data] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), data);
  }
  const mod = await import(pathToFileURL(join(dir, 'component.js')).href);
  const compiled = new Map<string, Promise<WebAssembly.Module>>();
  const getCoreModule = (path: string) => {
    let m = compiled.get(path);
    if (!m) compiled.set(path, (m = WebAssembly.compile(files[path]!)));
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
  const file = join(outDir, `reject-${createHash('sha256').update(bytes).digest('hex').slice(0, 20)}.wasm`);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(file, bytes);
  const script = `import { transpile } from '@bytecodealliance/jco';
import { readFileSync } from 'node:fs';
try { await transpile(readFileSync(process.argv[1]), { name: 'component', instantiation: { tag: 'async' } }); }
catch (e) { process.stdout.write(String(e)); }`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, file], { cwd: packageDir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`jco child process failed: ${r.stderr}`);
  return r.stdout || undefined;
}
