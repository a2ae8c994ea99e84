/**
 * guest/api.js -> build/api.wasm (componentize-js; about a minute, skipped when up to date)
 * -> build/api.js + core modules (weft, JSPI: Chromium's Service Workers have it)
 * -> public/sw.js (src/sw.js bundled with the glue and the shims by esbuild; a Service
 * Worker resolves no bare specifiers) and public/api.core*.wasm.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { componentize } from '@bytecodealliance/componentize-js';
import { withWasiPackages } from '@weft/e2e/wasi-wit';
import { transpile } from '@weft/transpiler';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'build');
const component = join(out, 'api.wasm');
const inputs = [join(root, 'guest', 'api.js'), join(root, 'guest', 'api.wit'), fileURLToPath(import.meta.url)];
mkdirSync(out, { recursive: true });

if (!existsSync(component) || inputs.some((f) => statSync(f).mtimeMs > statSync(component).mtimeMs)) {
  const built = await componentize({
    sourcePath: inputs[0],
    // As text, with the WASI packages it uses inline: componentize-js reads it inside a
    // sandbox that cannot open host paths.
    witWorld: withWasiPackages(readFileSync(inputs[1], 'utf8'), { http: '0.2.10' }),
    worldName: 'api',
  });
  writeFileSync(component, built.component);
  console.log(`built ${component} (${(built.component.length / 1048576).toFixed(1)} MiB)`);
}

const { files } = await transpile(new Uint8Array(readFileSync(component)), {
  name: 'api',
  instantiation: 'async',
  asyncMode: 'jspi',
  target: 'browser',
  noTypescript: true,
});
for (const [name, bytes] of Object.entries(files)) writeFileSync(join(out, name), bytes);
for (const name of Object.keys(files).filter((n) => n.endsWith('.wasm'))) copyFileSync(join(out, name), join(root, 'public', name));

await build({
  entryPoints: [join(root, 'src', 'sw.js')],
  bundle: true,
  format: 'esm',
  outfile: join(root, 'public', 'sw.js'),
  logLevel: 'warning',
});
console.log('wrote public/sw.js and the core modules');
