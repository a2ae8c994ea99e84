import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const file = process.argv[2],
  until = Number(process.argv[3]),
  call = process.argv[4];
const jco = await import('@bytecodealliance/jco');
const weft = await import('@weft/transpiler');
const text = readFileSync(file, 'utf8')
  .split('\n')
  .slice(0, until - 1)
  .join('\n');
const bytes = await jco.parse(text);
const { files } = await weft.transpile(bytes, {
  name: 'c',
  instantiation: 'async',
  noTypescript: true,
  asyncMode: process.env.MODE ?? 'asyncify',
  cacheDir: false,
});
const dir = '/tmp/dbg/out' + Date.now();
mkdirSync(dir);
for (const [f, d] of Object.entries(files)) writeFileSync(`${dir}/${f}`, d);
const { instantiate } = await import(pathToFileURL(`${dir}/c.js`).href);
const exp = await instantiate((f) => WebAssembly.compile(files[f]), {});
try {
  console.log('result', await exp[call]());
} catch (e) {
  console.log(e.stack);
}
console.log(dir);
