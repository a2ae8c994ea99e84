/**
 * Builds JS-guest components with componentize-js, cached under `.cache/componentize/`
 * by a hash of the JS and WIT sources: a build takes tens of seconds.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const cacheDir = join(here, '..', '.cache', 'componentize');

/**
 * componentize-js ships alongside jco; it is ESM-only and not a direct dependency, so locate
 * it beside jco's package. The 0.19 line is used because later releases load a native lzma
 * binding at import time that is only installed on Node >= 22.
 */
async function loadComponentize(): Promise<(opts: Record<string, unknown>) => Promise<{ component: Uint8Array }>> {
  const jcoDir = realpathSync(join(here, '..', 'node_modules', '@bytecodealliance', 'jco'));
  const entry = join(jcoDir, '..', 'componentize-js-0-19-3', 'src', 'componentize.js');
  if (!existsSync(entry)) throw new Error(`componentize-js not found beside jco at ${entry}`);
  const mod = await import(pathToFileURL(entry).href);
  return mod.componentize;
}

/** Every WASI feature componentize-js lets a guest leave out, so its imports stay small. */
export const allFeaturesDisabled = ['stdio', 'random', 'clocks', 'http', 'fetch-event'];

export async function componentizeCached(jsPath: string, witPath: string, worldName: string): Promise<Uint8Array> {
  const js = readFileSync(jsPath);
  const wit = readFileSync(witPath);
  const key = createHash('sha256')
    .update(js)
    .update('\0')
    .update(wit)
    .update('\0')
    .update(worldName)
    .update(allFeaturesDisabled.join(','))
    .digest('hex')
    .slice(0, 24);
  const file = join(cacheDir, `${key}.wasm`);
  if (existsSync(file)) return new Uint8Array(readFileSync(file));
  const componentize = await loadComponentize();
  const { component } = await componentize({
    sourcePath: jsPath,
    witWorld: wit.toString('utf8'),
    worldName,
    disableFeatures: allFeaturesDisabled,
  });
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(file, component);
  return component;
}
