/**
 * Builds src/summary.wasm from guest/summary.js with componentize-js (SpiderMonkey inside the
 * component; about a minute). Skips the build when the output is newer than its inputs.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { componentize } from '@bytecodealliance/componentize-js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'src', 'summary.wasm');
const inputs = [join(root, 'guest', 'summary.js'), join(root, 'guest', 'summary.wit'), fileURLToPath(import.meta.url)];

if (!existsSync(out) || inputs.some((f) => statSync(f).mtimeMs > statSync(out).mtimeMs)) {
  const { component } = await componentize({
    sourcePath: inputs[0],
    // As text: componentize-js reads it inside a sandbox that cannot open host paths.
    witWorld: readFileSync(inputs[1], 'utf8'),
    worldName: 'summary',
    // No incoming-handler export: the component only makes requests.
    disableFeatures: ['fetch-event'],
  });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, component);
  console.log(`built ${out} (${(component.length / 1048576).toFixed(1)} MiB)`);
}
