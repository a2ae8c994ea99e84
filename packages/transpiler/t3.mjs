import binaryen from 'binaryen';
import { readFileSync } from 'node:fs';
const m = binaryen.parseText(readFileSync(process.argv[2], 'utf8'));
m.setFeatures(binaryen.Features.All);
binaryen.setOptimizeLevel(Number(process.argv[3] ?? 0));
try { console.log(m.emitAsmjs()); } catch (e) { console.log('ERR', e); }
