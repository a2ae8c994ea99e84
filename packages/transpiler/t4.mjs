import binaryen from 'binaryen';
import { readFileSync } from 'node:fs';
const m0 = binaryen.parseText(readFileSync(process.argv[2], 'utf8'));
m0.setFeatures(binaryen.Features.All);
const bin = m0.emitBinary();
m0.dispose();
const m = binaryen.readBinaryWithFeatures(bin, binaryen.Features.All);
console.log(JSON.stringify(m.getMemoryInfo()));
for (let i = 0; i < m.getNumTables(); i++) console.log(JSON.stringify(binaryen.getTableInfo(m.getTableByIndex(i))));
for (let i = 0; i < m.getNumFunctions(); i++) { const f = binaryen.getFunctionInfo(m.getFunctionByIndex(i)); console.log(f.name, f.module, f.base); }
if (m.hasMemory()) m.addMemoryImport('0', 'w', 'mem');
for (let i = 0; i < m.getNumTables(); i++) { const t = binaryen.getTableInfo(m.getTableByIndex(i)); m.addTableImport(t.name, 'w', 'tab' + i); }
let k = 0;
for (let i = 0; i < m.getNumFunctions(); i++) { const f = binaryen.getFunctionInfo(m.getFunctionByIndex(i)); if (f.module) m.addFunctionImport(f.name, 'w', 'f' + k++, f.params, f.results); }
console.log(m.emitText());
binaryen.setOptimizeLevel(2);
try { console.log(m.emitAsmjs()); } catch (e) { console.log('ERR', e); }
