/**
 * JS guests -> components with componentize-js (SpiderMonkey inside the component). A
 * build takes tens of seconds, so results are cached under .cache/components keyed by a
 * hash of the fixture folder, the build options and the componentize-js version, and
 * concurrent test files wait for one build instead of each running their own.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cacheDir, e2eRoot } from './paths.js';
import { writeFileAtomic } from './fs-util.js';
import { withWasiPackages } from './wasi-wit.js';

export const jsFixturesDir = join(e2eRoot, 'fixtures', 'js');

export type ComponentizeFeature = 'stdio' | 'random' | 'clocks' | 'http' | 'fetch-event';

export interface JsFixtureOptions {
  /** World in the fixture's `guest.wit`. */
  world: string;
  /** WASI features of the guest runtime to leave out, as componentize-js names them. */
  disableFeatures?: ComponentizeFeature[];
  /**
   * `guest.wit` uses WASI packages: append them (see withWasiPackages), with these
   * versions where the guest runtime names other ones.
   */
  wasiVersions?: Partial<Record<string, string>>;
}

/**
 * The HTTP handler guest (`addEventListener('fetch', …)`). componentize-js 0.21's
 * StarlingMonkey exports incoming-handler and imports wasi:http/types at 0.2.10, so its
 * world must name that version.
 */
export const SERVE_GUEST: { name: string } & JsFixtureOptions = {
  name: 'serve-guest',
  world: 'serve-guest',
  wasiVersions: { http: '0.2.10' },
};

/**
 * The HTTP guest: fetch() goes through wasi:http/outgoing-handler. `fetch-event` is left
 * out so the guest does not also export an incoming handler; stdio stays so a guest
 * exception still reaches stderr.
 */
export const HTTP_GUEST: { name: string } & JsFixtureOptions = {
  name: 'http-guest',
  world: 'http-guest',
  disableFeatures: ['fetch-event'],
};

/**
 * A JS engine that waits: timers suspend the guest at wasi:io/poll, and stdout is written
 * from a callback the engine calls indirectly. http is left out, stdio and clocks stay.
 */
export const WAIT_GUEST: { name: string } & JsFixtureOptions = {
  name: 'wait-guest',
  world: 'wait-guest',
  disableFeatures: ['http', 'fetch-event'],
};

/** A stale lock (a build that died) is taken over after this long. */
const LOCK_STALE_MS = 10 * 60_000;

function componentizeVersion(): string {
  const pkgJson = join(e2eRoot, 'node_modules', '@bytecodealliance', 'componentize-js', 'package.json');
  return (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
}

function hashFolder(dir: string, h: ReturnType<typeof createHash>, prefix = ''): void {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) hashFolder(p, h, `${prefix}${name}/`);
    else h.update(`${prefix}${name}\0`).update(readFileSync(p)).update('\0');
  }
}

async function withBuildLock<T>(lock: string, ready: () => boolean, build: () => Promise<T>): Promise<T | undefined> {
  for (;;) {
    try {
      mkdirSync(lock, { recursive: false });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (ready()) return undefined;
      let age = 0;
      try {
        age = Date.now() - statSync(lock).mtimeMs;
      } catch {
        continue;
      }
      if (age > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true });
      else await sleep(250);
    }
  }
  try {
    if (ready()) return undefined;
    return await build();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Componentize `fixtures/js/<name>/guest.js` against `fixtures/js/<name>/guest.wit`. */
export async function buildJsFixture(name: string, opts: JsFixtureOptions): Promise<Uint8Array> {
  const dir = join(jsFixturesDir, name);
  const sourcePath = join(dir, 'guest.js');
  const witPath = join(dir, 'guest.wit');
  for (const f of [sourcePath, witPath]) {
    if (!existsSync(f)) throw new Error(`JS fixture ${name}: ${f} does not exist`);
  }
  const disableFeatures = [...(opts.disableFeatures ?? [])].sort();
  const version = componentizeVersion();
  const witWorld = opts.wasiVersions ? withWasiPackages(readFileSync(witPath, 'utf8'), opts.wasiVersions) : readFileSync(witPath, 'utf8');
  const h = createHash('sha256');
  hashFolder(dir, h);
  // The appended WASI packages come from jco's WIT, outside the folder.
  if (opts.wasiVersions) h.update(witWorld);
  const key = h
    .update(JSON.stringify({ world: opts.world, disableFeatures, componentize: version }))
    .digest('hex')
    .slice(0, 20);
  const out = join(cacheDir, 'components', `js-${name}-${key}.wasm`);
  mkdirSync(join(cacheDir, 'components'), { recursive: true });

  const built = await withBuildLock(
    `${out}.lock`,
    () => existsSync(out),
    async () => {
      const { componentize } = await import('@bytecodealliance/componentize-js');
      let component: Uint8Array;
      // The WIT goes in as text: componentize-js parses it inside a WASI sandbox that cannot
      // open an absolute host path.
      const options = { sourcePath, witWorld, worldName: opts.world, disableFeatures };
      try {
        ({ component } = await componentize(options));
      } catch (err) {
        throw new Error(`componentize-js ${version} failed on ${name}: ${(err as Error).message ?? String(err)}`);
      }
      writeFileAtomic(out, component);
      return component;
    },
  );
  return built ?? new Uint8Array(readFileSync(out));
}
