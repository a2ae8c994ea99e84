// Transpiles the bundled component with weft, imports the generated ES module and calls it.
// `--check` also verifies hello.wasm is what hello.wat assembles to, and the results.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { transpile } from '@weft/transpiler';

const here = dirname(fileURLToPath(import.meta.url));
const check = process.argv.includes('--check');
const component = new Uint8Array(await readFile(join(here, 'hello.wasm')));

if (check) {
  const { parse } = await import('@bytecodealliance/jco');
  const assembled = await parse(await readFile(join(here, 'hello.wat'), 'utf8'));
  if (Buffer.compare(Buffer.from(assembled), Buffer.from(component)) !== 0) {
    throw new Error('hello.wasm is stale: reassemble it from hello.wat');
  }
}

const { files } = await transpile(component, { name: 'hello' });
const out = join(here, 'out');
await mkdir(out, { recursive: true });
for (const [name, data] of Object.entries(files)) await writeFile(join(out, name), data);
console.log(
  `transpiled hello.wasm (${component.length} bytes) -> ${Object.keys(files)
    .map((f) => `out/${f}`)
    .join(', ')}`,
);
console.log(`glue: ${files['hello.js'].length} bytes`);

const hello = await import(pathToFileURL(join(out, 'hello.js')).href);
const sum = hello.add(40, 2);
const greeting = hello.greeter.greet('weft');
const summary = hello.greeter.summarize(new Float64Array([1.5, 2.5, 3.5]));
console.log(`add(40, 2) = ${sum}`);
console.log(`greeter.greet('weft') = ${JSON.stringify(greeting)}`);
console.log(`greeter.summarize([1.5, 2.5, 3.5]) = ${JSON.stringify(summary)}`);

if (check) {
  const ok = sum === 42 && greeting === 'Hello, weft!' && summary.count === 3 && summary.mean === 2.5 && hello['example:hello/greeter'] === hello.greeter;
  if (!ok) throw new Error('the example returned unexpected results');
  console.log('example check passed');
}
