/**
 * A small app for the bundler tests: a component imported eagerly, and again lazily by the
 * `?instantiate` query; one that is lazy by option (`files: { '**\/args.wasm': { lazy: true } }`)
 * run twice, a plain core `.wasm` imported beside them, and a worker that imports a component.
 * The page shows what each part printed as JSON in `#out`.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCFixture } from '@weft/e2e/fixtures';

/** (module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))) */
export const ADD_CORE_WASM = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x07, 0x01, 0x03, 0x61,
  0x64, 0x64, 0x00, 0x00, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b,
]);

const MAIN = `import { configure, ComponentExit } from '@weft/wasi-cli';
import { run } from './hello.wasm';
import { instantiate } from './args.wasm';
import { instantiate as helloAgain } from './hello.wasm?instantiate';
/*core*/import { add } from './add.wasm';

const decoder = new TextDecoder();
let text = '';
configure({ stdout: (b) => { text += decoder.decode(b); } });
const take = () => { const t = text; text = ''; return t; };
const result = {};
run.run();
result.hello = take();
(await helloAgain()).run.run();
result.helloAgain = take();
result.lazy = [];
for (const args of [['args', 'one'], ['args', 'two', 'three']]) {
  configure({ args });
  const instance = await instantiate();
  try { instance.run.run(); } catch (e) { if (!(e instanceof ComponentExit)) throw e; }
  result.lazy.push(take());
}
/*core*/result.add = add(2, 3);
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
result.worker = await new Promise((resolve, reject) => {
  worker.onmessage = (e) => resolve(e.data);
  worker.onerror = (e) => reject(new Error('worker failed: ' + e.message));
});
document.getElementById('out').textContent = JSON.stringify(result);
document.title = 'done';
`;

const WORKER = `import { configure } from '@weft/wasi-cli';
let text = '';
configure({ stdout: (b) => { text += new TextDecoder().decode(b); } });
const { run } = await import('./hello.wasm');
run.run();
postMessage(text);
`;

/** What the page shows; `add` comes from the core module. */
export const EXPECTED = {
  hello: 'Hello, weft!\n',
  helloAgain: 'Hello, weft!\n',
  lazy: ['argc=2\nargv[0]=args\nargv[1]=one\nGREETING=(unset)\n', 'argc=3\nargv[0]=args\nargv[1]=two\nargv[2]=three\nGREETING=(unset)\n'],
  add: 5,
  worker: 'Hello, weft!\n',
};

/** The plugin options the app needs. */
export const APP_OPTIONS = { files: { '**/args.wasm': { lazy: true } } };

/**
 * Writes the app's sources into `dir` (emptied first) and returns its src directory. Without
 * `coreWasm` the app leaves out the core `.wasm` import (Vite 7 has no direct `.wasm` imports).
 */
export async function writeApp(dir: string, { coreWasm = true } = {}): Promise<string> {
  rmSync(dir, { recursive: true, force: true });
  const src = join(dir, 'src');
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, 'hello.wasm'), await buildCFixture('hello'));
  writeFileSync(join(src, 'args.wasm'), await buildCFixture('args_env'));
  writeFileSync(join(src, 'add.wasm'), ADD_CORE_WASM);
  writeFileSync(
    join(src, 'main.js'),
    coreWasm
      ? MAIN.replaceAll('/*core*/', '')
      : MAIN.split('\n')
          .filter((l) => !l.startsWith('/*core*/'))
          .join('\n'),
  );
  writeFileSync(join(src, 'worker.js'), WORKER);
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html>\n<meta charset="utf-8">\n<title>app</title>\n<pre id="out"></pre>\n<script type="module" src="/src/main.js"></script>\n',
  );
  return src;
}
