import { str } from '../js/names.js';

/** Where the glue runs: `browser` fetches, `node` reads `file:` URLs from disk, `universal` decides at run time. */
export type Target = 'browser' | 'node' | 'universal';

export const TARGETS: readonly Target[] = ['browser', 'node', 'universal'];

/** The default URL expression of a core module: a literal bundlers recognise as an asset. */
export function defaultCoreModuleUrl(file: string): string {
  return `new URL(${str('./' + file)}, import.meta.url)`;
}

/**
 * Writes `$files` and `$load(file)`, which compiles a core module from its source: bytes
 * (inlined), or a URL (or URL string) fetched — or, on Node, read from disk. A string is
 * resolved against the page, not `import.meta.url`: bundlers treat `new URL(x, import.meta.url)`
 * with a non-literal `x` as a request for every file nearby.
 */
export function writeLoader(moduleFiles: string[], sources: string[], target: Target): string {
  if (!sources.length) return `const $load = () => { throw new Error('no core modules'); };`;
  const disk = `if (url.protocol === 'file:') {
    const fs = await import('node:fs/promises');
    return WebAssembly.compile(await fs.readFile(url));
  }`;
  const node =
    target === 'node'
      ? `\n  ${disk}`
      : target === 'universal'
        ? `\n  if (typeof process === 'object' && process.versions && process.versions.node) {\n    ${disk.replace(/\n/g, '\n  ')}\n  }`
        : '';
  // A server that answers a missing file with an HTML page, or serves wasm under another
  // content type, must not surface as a bad magic number or a streaming-compile TypeError
  // (engines stream only under exactly `application/wasm`, without parameters).
  return `const $files = [${sources.join(', ')}];
const $load = async (f) => {
  const i = ${JSON.stringify(moduleFiles)}.indexOf(f);
  if (i < 0) throw new Error(\`no core module named \${f}\`);
  const src = $files[i];
  if (ArrayBuffer.isView(src)) return WebAssembly.compile(src);
  const url = src instanceof URL ? src : new URL(src, globalThis.location?.href);${node}
  const res = await fetch(url);
  if (!res.ok) throw new Error(\`could not load core module \${f} from \${url}: HTTP \${res.status} \${res.statusText}\`);
  if (!/^application\\/wasm$/i.test((res.headers.get('content-type') || '').trim())) return WebAssembly.compile(await res.arrayBuffer());
  return WebAssembly.compileStreaming(res);
};`;
}
