import type { CoreModuleInfo, CoreSort } from './ast.js';
import { Reader, hex } from './reader.js';
import { coreExternDesc } from './types.js';

const EXPORT_KINDS: Record<number, CoreSort> = { 0: 'func', 1: 'table', 2: 'memory', 3: 'global', 4: 'tag' };

/**
 * Reads only what linking needs from a core module — its import and export names and
 * kinds. Everything else is validated later by the engine that compiles the module.
 */
export function readCoreModule(r: Reader): CoreModuleInfo {
  const start = r.pos;
  const magic = r.bytesN(4, 'core module magic');
  if (magic[0] !== 0 || magic[1] !== 0x61 || magic[2] !== 0x73 || magic[3] !== 0x6d) r.fail('core module magic \\0asm', start);
  const vAt = r.pos;
  const version = r.bytesN(4, 'core module version');
  if (version[0] !== 1 || version[1] !== 0 || version[2] !== 0 || version[3] !== 0) r.fail('core module version 1 (01 00 00 00)', vAt);
  const info: CoreModuleInfo = { imports: [], exports: [] };
  while (!r.done) {
    const id = r.u8('a core section id');
    const size = r.u32('a core section size');
    const body = r.pos;
    if (body + size > r.end) r.fail(`a core section of ${size} bytes within the module`, body);
    const s = new Reader(r.bytes, body, body + size);
    if (id === 2) {
      s.vec((s) => {
        const module = s.name('an import module name');
        const name = s.name('an import name');
        info.imports.push({ module, name, kind: coreExternDesc(s).kind });
      }, 'an import count');
    } else if (id === 7) {
      s.vec((s) => {
        const name = s.name('an export name');
        const at = s.pos;
        const k = s.u8('an export kind');
        const kind = EXPORT_KINDS[k] ?? s.fail(`a core export kind (0x00-0x04), found 0x${hex(k)}`, at);
        s.u32('an export index');
        info.exports.push({ name, kind });
      }, 'an export count');
    } else if (id > 13) {
      r.fail(`a core section id (0-13), found ${id}`, body - 1 - uLebLen(size));
    }
    r.pos = body + size;
  }
  return info;
}

function uLebLen(n: number): number {
  let len = 1;
  while (n >= 0x80) { n >>>= 7; len++; }
  return len;
}
