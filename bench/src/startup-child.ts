/**
 * One start-up sample, run in a fresh process: import the generated ES module (which
 * compiles and instantiates its core modules) and make the first call.
 * argv: <module file> <export path, e.g. `add` or `api.add`>. Prints `{ ns, result }`.
 */
import { pathToFileURL } from 'node:url';

const [file, path] = process.argv.slice(2);
if (!file || !path) {
  process.stderr.write('usage: startup-child <module.js> <export.path>\n');
  process.exit(2);
}
const url = pathToFileURL(file).href;
const t0 = process.hrtime.bigint();
const mod = await import(url);
let target: any = mod;
for (const key of path.split('.')) target = target?.[key];
if (typeof target !== 'function') throw new Error(`${path} is not an exported function`);
const result = target(1, 2);
const ns = Number(process.hrtime.bigint() - t0);
process.stdout.write(JSON.stringify({ ns, result }));
