import type { CoreFuncSig, CoreItemType, CoreModuleInfo, CoreSort } from './ast.js';
import { Reader, hex } from './reader.js';
import { coreExternDesc, coreValType, globalType, memoryType, tableType } from './types.js';

const EXPORT_KINDS: Record<number, CoreSort> = { 0: 'func', 1: 'table', 2: 'memory', 3: 'global', 4: 'tag' };

/**
 * Reads only what linking and validation need from a core module — its import and export
 * names, kinds and function signatures. Everything else is validated later by the engine
 * that compiles the module.
 */
export function readCoreModule(r: Reader): CoreModuleInfo {
  const start = r.pos;
  const magic = r.bytesN(4, 'core module magic');
  if (magic[0] !== 0 || magic[1] !== 0x61 || magic[2] !== 0x73 || magic[3] !== 0x6d) r.fail('core module magic \\0asm', start);
  const vAt = r.pos;
  const version = r.bytesN(4, 'core module version');
  if (version[0] !== 1 || version[1] !== 0 || version[2] !== 0 || version[3] !== 0) r.fail('core module version 1 (01 00 00 00)', vAt);
  const info: CoreModuleInfo = { imports: [], exports: [], memories: 0 };
  /** Function types by type index; a GC type (or anything after one) is left unknown. */
  const types: (CoreFuncSig | undefined)[] = [];
  const funcTypes: (CoreFuncSig | undefined)[] = [];
  /** Table, memory and global types by index, imported ones first; unknown past an initializer weft cannot skip. */
  const items: Record<'table' | 'memory' | 'global', (CoreItemType | undefined)[]> = { table: [], memory: [], global: [] };
  while (!r.done) {
    const id = r.u8('a core section id');
    const size = r.u32('a core section size');
    const body = r.pos;
    if (body + size > r.end) r.fail(`a core section of ${size} bytes within the module`, body);
    const s = new Reader(r.bytes, body, body + size);
    if (id === 1) {
      const n = s.u32('a type count');
      for (let i = 0; i < n && s.bytes[s.pos] === 0x60; i++) {
        s.pos++;
        types.push({ params: s.vec(coreValType, 'a parameter count'), results: s.vec(coreValType, 'a result count') });
      }
    } else if (id === 2) {
      s.vec((s) => {
        const module = s.name('an import module name');
        const name = s.name('an import name');
        const desc = coreExternDesc(s);
        if (desc.kind === 'func') {
          const type = types[desc.typeIndex];
          funcTypes.push(type);
          info.imports.push(type ? { module, name, kind: 'func', type } : { module, name, kind: 'func' });
        } else if (desc.kind === 'tag') info.imports.push({ module, name, kind: desc.kind });
        else {
          items[desc.kind].push(desc);
          info.imports.push({ module, name, kind: desc.kind, item: desc });
        }
      }, 'an import count');
    } else if (id === 3) {
      s.vec((s) => funcTypes.push(types[s.u32('a function type index')]), 'a function count');
    } else if (id === 4) {
      const n = s.u32('a table count');
      for (let i = 0; i < n; i++) {
        // A table with an initializer: 0x40 0x00, its type, then a constant expression.
        const init = s.peek() === 0x40;
        if (init) s.pos += 2;
        items.table.push(tableType(s));
        if (init && !skipConstExpr(s)) break;
      }
    } else if (id === 5) {
      info.memories = s.u32('a memory count');
      for (let i = 0; i < info.memories; i++) items.memory.push(memoryType(s));
    } else if (id === 6) {
      const n = s.u32('a global count');
      for (let i = 0; i < n; i++) {
        items.global.push(globalType(s));
        if (!skipConstExpr(s)) break;
      }
    } else if (id === 7) {
      s.vec((s) => {
        const name = s.name('an export name');
        const at = s.pos;
        const k = s.u8('an export kind');
        const kind = EXPORT_KINDS[k] ?? s.fail(`a core export kind (0x00-0x04), found 0x${hex(k)}`, at);
        const index = s.u32('an export index');
        const type = kind === 'func' ? funcTypes[index] : undefined;
        const item = kind === 'table' || kind === 'memory' || kind === 'global' ? items[kind][index] : undefined;
        info.exports.push(type ? { name, kind, type } : item ? { name, kind, item } : { name, kind });
      }, 'an export count');
    } else if (id > 13) {
      r.fail(`a core section id (0-13), found ${id}`, body - 1 - uLebLen(size));
    }
    r.pos = body + size;
  }
  return info;
}

/**
 * Steps over a constant expression made of the instructions of the constant-expression and
 * extended-const proposals; returns false at any other instruction (left to the engine).
 */
function skipConstExpr(r: Reader): boolean {
  for (;;) {
    const op = r.u8('a constant expression');
    switch (op) {
      case 0x0b:
        return true;
      case 0x41:
        r.s33('an i32 constant');
        break;
      case 0x42:
        r.s64('an i64 constant');
        break;
      case 0x43:
        r.bytesN(4, 'an f32 constant');
        break;
      case 0x44:
        r.bytesN(8, 'an f64 constant');
        break;
      case 0x23:
      case 0xd2:
        r.u32('an index');
        break;
      case 0xd0:
        r.s33('a heap type');
        break;
      case 0x6a:
      case 0x6b:
      case 0x6c:
      case 0x7c:
      case 0x7d:
      case 0x7e:
        break;
      default:
        return false;
    }
  }
}

function uLebLen(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n >>>= 7;
    len++;
  }
  return len;
}
