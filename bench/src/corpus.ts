/**
 * The components measured. Each is built from source on first use and cached under
 * `.cache/corpus/` by a hash of every input that shapes its bytes.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, writeFileSync, mkdtempSync, rmSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cacheDir, corpusDir, fixturesDir, jcoDir, jcoVersion } from './paths.js';
import { shortReason } from './tools.js';

export type Origin = 'bench' | 'fixture' | 'c' | 'js';

export interface Component {
  /** Short unique name used in tables. */
  id: string;
  /** `id` made safe as an output base name (`<name>.js`). */
  name: string;
  origin: Origin;
  /** The cached component binary. */
  file: string;
  bytes: Uint8Array;
}

export interface Corpus {
  components: Component[];
  /** Inputs that could not be built, with the reason: shown under the tables. */
  skipped: { id: string; reason: string }[];
}

export interface CorpusOptions {
  /** Restrict to these ids (prefix match, so `fixture` selects every fixture). */
  only?: readonly string[] | undefined;
  log?: (msg: string) => void;
}

const corpusCache = join(cacheDir, 'corpus');

function hashOf(...parts: (string | Uint8Array)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 24);
}

async function cached(id: string, key: string, build: () => Promise<Uint8Array>): Promise<Component['file']> {
  const file = join(corpusCache, `${id}-${key}.wasm`);
  if (existsSync(file)) return file;
  const bytes = await build();
  mkdirSync(corpusCache, { recursive: true });
  // A concurrent or interrupted run must never see a half-written component.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
  return file;
}

export async function assembleWat(text: string): Promise<Uint8Array> {
  const { parse } = await import('@bytecodealliance/jco');
  return parse(text);
}

type Built = Omit<Component, 'name'>;

async function watComponent(id: string, origin: Origin, path: string): Promise<Built> {
  const text = readFileSync(path, 'utf8');
  const file = await cached(id, hashOf('wat', jcoVersion, text), () => assembleWat(text));
  return { id, origin, file, bytes: new Uint8Array(readFileSync(file)) };
}

/** The C corpus program, compiled with wasi-libc and wrapped as a WASI P2 command. */
async function cComponent(id: string, src: string): Promise<Built> {
  const source = readFileSync(src);
  const clang = execFileSync('clang', ['--version'], { encoding: 'utf8' });
  const adapterPath = fileURLToPath((await import('@bytecodealliance/jco')).preview1AdapterCommandPath());
  const adapter = readFileSync(adapterPath);
  const file = await cached(id, hashOf('c', source, clang, adapter, jcoVersion), async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-bench-c-'));
    try {
      const out = join(dir, 'core.wasm');
      execFileSync('clang', ['--target=wasm32-wasi', '-O2', src, '-o', out], { stdio: ['ignore', 'ignore', 'pipe'] });
      const { componentNew } = await import('@bytecodealliance/jco');
      return componentNew(new Uint8Array(readFileSync(out)), [['wasi_snapshot_preview1', new Uint8Array(adapter)]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  return { id, origin: 'c', file, bytes: new Uint8Array(readFileSync(file)) };
}

/** jco depends on it under an alias whose `exports` only answer `import`: find it on disk. */
function componentizeDir(): string {
  const dir = join(dirname(jcoDir), 'componentize-js-0-19-3');
  if (!existsSync(join(dir, 'package.json'))) throw new Error(`componentize-js 0.19.3 not found beside jco at ${dir}`);
  return realpathSync(dir);
}

/**
 * componentize-js 0.19.3, the release jco bundles that runs on Node 20 (0.22's native
 * lzma binding needs Node 22). Its splicer reads the WIT through the Node WASI shim,
 * which grants no filesystem access unless a preopen is added first.
 */
async function loadComponentize(): Promise<{ version: string; componentize: (o: Record<string, unknown>) => Promise<{ component: Uint8Array }> }> {
  const dir = componentizeDir();
  const version: string = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
  const splicer = join(dir, 'lib', 'spidermonkey-embedding-splicer.js');
  const shimFs = createRequire(splicer).resolve('@bytecodealliance/preview2-shim/filesystem');
  const fsShim = await import(pathToFileURL(shimFs).href);
  if (!fsShim._getPreopens().some(([, path]: [unknown, string]) => path === '/')) fsShim._addPreopen('/', '/');
  const mod = await import(pathToFileURL(join(dir, 'src', 'componentize.js')).href);
  return { version, componentize: mod.componentize };
}

/** Every WASI feature componentize-js lets a guest leave out. */
const ALL_FEATURES = ['stdio', 'random', 'clocks', 'http', 'fetch-event'];

async function jsComponent(id: string, dir: string, world: string, log: (m: string) => void, disableFeatures = ALL_FEATURES): Promise<Built> {
  const jsPath = join(dir, 'guest.js');
  const witPath = join(dir, 'guest.wit');
  const czPkg = readFileSync(join(componentizeDir(), 'package.json'));
  const key = hashOf('js', readFileSync(jsPath), readFileSync(witPath), world, czPkg, disableFeatures.join());
  const file = await cached(id, key, async () => {
    log(`building ${id} with componentize-js (about 30 s, cached afterwards)`);
    const { componentize } = await loadComponentize();
    const { component } = await componentize({ sourcePath: jsPath, witPath, worldName: world, disableFeatures });
    return component;
  });
  return { id, origin: 'js', file, bytes: new Uint8Array(readFileSync(file)) };
}

interface Source {
  id: string;
  build: () => Promise<Built>;
}

export function listSources(log: (m: string) => void): Source[] {
  const sources: Source[] = [{ id: 'bench', build: () => watComponent('bench', 'bench', join(corpusDir, 'bench.wat')) }];
  if (existsSync(fixturesDir)) {
    for (const f of readdirSync(fixturesDir)
      .filter((n) => n.endsWith('.wat'))
      .sort()) {
      const id = `fixture/${basename(f, '.wat')}`;
      sources.push({ id, build: () => watComponent(id.replace('/', '-'), 'fixture', join(fixturesDir, f)) });
    }
  }
  const p3Dir = join(corpusDir, 'p3');
  for (const f of readdirSync(p3Dir)
    .filter((n) => n.endsWith('.wat'))
    .sort()) {
    const id = `p3/${basename(f, '.wat')}`;
    sources.push({ id, build: () => watComponent(id.replace('/', '-'), 'bench', join(p3Dir, f)) });
  }
  sources.push({ id: 'c-wordfreq', build: () => cComponent('c-wordfreq', join(corpusDir, 'c', 'wordfreq.c')) });
  sources.push({ id: 'js-guest', build: () => jsComponent('js-guest', join(corpusDir, 'js-guest'), 'big', log) });
  // Timers on: its setTimeout waits on wasi:io/poll, what asyncify has to unwind.
  sources.push({ id: 'js-wait', build: () => jsComponent('js-wait', join(corpusDir, 'js-wait'), 'wait', log, ['http', 'fetch-event']) });
  return sources;
}

export async function buildCorpus(opts: CorpusOptions = {}): Promise<Corpus> {
  const log = opts.log ?? (() => {});
  const corpus: Corpus = { components: [], skipped: [] };
  for (const src of listSources(log)) {
    if (opts.only && !opts.only.some((o) => src.id === o || src.id.startsWith(`${o}/`))) continue;
    try {
      const c = await src.build();
      corpus.components.push({ ...c, id: src.id, name: src.id.replace(/[^A-Za-z0-9]+/g, '-') });
    } catch (e) {
      corpus.skipped.push({ id: src.id, reason: shortReason(e, 160) });
    }
  }
  return corpus;
}
