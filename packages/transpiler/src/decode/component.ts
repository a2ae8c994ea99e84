import type { Canon, CanonOptions, ComponentAst, Definition, ValTypeRef } from './ast.js';
import { readCoreModule } from './core-module.js';
import { Reader, hex } from './reader.js';
import { alias, coreSort, coreType, coreValType, externName, externType, sort, typeDef, valType } from './types.js';

const COMPONENT_VERSION = 0x0d;

/** A component being decoded: its reader and what has been read of it so far. */
interface Frame {
  r: Reader;
  ast: ComponentAst;
  /** Offset of the section that holds this component in its parent. */
  sectionAt: number;
}

/**
 * Decodes a component binary into its AST. Throws `WeftError` with the offending byte offset.
 *
 * Nested components are decoded with an explicit stack of frames instead of recursion, so
 * input nested thousands of levels deep costs heap, not native stack.
 */
export function decodeComponent(bytes: Uint8Array): ComponentAst {
  const r = new Reader(bytes);
  const root = header(r);
  const stack: Frame[] = [{ r, ast: root, sectionAt: 0 }];
  for (let top = stack[0]; top; top = stack[stack.length - 1]) {
    const nested = sections(top.r, top.ast);
    if (nested) {
      stack.push({ r: nested.r, ast: header(nested.r), sectionAt: nested.at });
      continue;
    }
    stack.pop();
    stack[stack.length - 1]?.ast.definitions.push({ kind: 'component', offset: top.sectionAt, component: top.ast });
  }
  if (!r.done) r.fail('end of input after the component');
  return root;
}

function header(r: Reader): ComponentAst {
  const offset = r.pos;
  const magic = r.bytesN(4, 'the magic number \\0asm');
  if (magic[0] !== 0 || magic[1] !== 0x61 || magic[2] !== 0x73 || magic[3] !== 0x6d) {
    r.fail(`the magic number \\0asm, found ${[...magic].map(hex).join(' ')}`, offset);
  }
  const vAt = r.pos;
  const version = r.u8('a version') | (r.u8('a version') << 8);
  const layer = r.u8('a layer') | (r.u8('a layer') << 8);
  if (layer === 0) r.fail('a component (layer 1), found a core module (layer 0)', vAt + 2);
  if (layer !== 1) r.fail(`layer 1, found ${layer}`, vAt + 2);
  if (version !== COMPONENT_VERSION) r.fail(`component version 0x${hex(COMPONENT_VERSION)}, found 0x${version.toString(16)}`, vAt);
  return { offset, definitions: [], customSections: [] };
}

/**
 * Reads sections into `ast` until the component ends, or until a nested component section,
 * whose reader it returns (the caller decodes it, then calls again to read on).
 */
function sections(r: Reader, ast: ComponentAst): { r: Reader; at: number } | undefined {
  const defs = ast.definitions;
  while (!r.done) {
    const idAt = r.pos;
    const id = r.u8('a section id');
    const size = r.u32('a section size');
    const body = r.pos;
    if (body + size > r.end) r.fail(`a section of ${size} bytes, but only ${r.end - body} remain`, body);
    const s = new Reader(r.bytes, body, body + size);
    r.pos = body + size;
    switch (id) {
      case 0: {
        const name = s.name('a custom section name');
        ast.customSections.push({ name, offset: idAt, bytes: s.bytesN(s.end - s.pos, 'custom section contents') });
        break;
      }
      case 1: {
        const info = readCoreModule(s);
        defs.push({ kind: 'core-module', offset: idAt, bytes: r.bytes.subarray(body, body + size), info });
        break;
      }
      case 2:
        s.vec((s) => defs.push(coreInstance(s)), 'a core instance count');
        break;
      case 3:
        s.vec((s) => defs.push({ kind: 'core-type', offset: s.pos, type: coreType(s) }), 'a core type count');
        break;
      // A nested component fills its whole section, so there is nothing left to check here.
      case 4:
        return { r: s, at: idAt };
      case 5:
        s.vec((s) => defs.push(instance(s)), 'an instance count');
        break;
      case 6:
        s.vec((s) => defs.push({ kind: 'alias', offset: s.pos, alias: alias(s) }), 'an alias count');
        break;
      case 7:
        s.vec((s) => defs.push({ kind: 'type', offset: s.pos, type: typeDef(s) }), 'a type count');
        break;
      case 8:
        s.vec((s) => defs.push({ kind: 'canon', offset: s.pos, canon: canon(s) }), 'a canon count');
        break;
      case 9: {
        const offset = s.pos;
        const func = s.u32('a start function index');
        const args = s.vec((s) => s.u32('a value index'), 'a start argument count');
        defs.push({ kind: 'start', offset, func, args, results: s.u32('a start result count') });
        break;
      }
      case 10:
        s.vec((s) => defs.push({ kind: 'import', offset: s.pos, ...externName(s), type: externType(s) }), 'an import count');
        break;
      case 11:
        s.vec((s) => defs.push(exportDef(s)), 'an export count');
        break;
      case 12:
        return r.fail('a supported section (value definitions are not supported)', idAt);
      default:
        r.fail(`a section id (0-12), found ${id}`, idAt);
    }
    if (!s.done) s.fail(`end of section ${id} (${s.end - s.pos} unread bytes)`);
  }
  return undefined;
}

function coreInstance(r: Reader): Definition {
  const offset = r.pos;
  const tag = r.u8('a core instance expression');
  if (tag === 0x00) {
    const module = r.u32('a core module index');
    const args = r.vec((r) => {
      const name = r.name('an instantiation argument name');
      const at = r.pos;
      if (r.u8('an instance sort') !== 0x12) r.fail('0x12 (instance) in a core instantiation argument', at);
      return { name, instance: r.u32('a core instance index') };
    }, 'an argument count');
    return { kind: 'core-instance', offset, expr: { kind: 'instantiate', module, args } };
  }
  if (tag === 0x01) {
    const exports = r.vec((r) => ({ name: r.name('an export name'), sort: coreSort(r), index: r.u32('an index') }), 'an export count');
    return { kind: 'core-instance', offset, expr: { kind: 'exports', exports } };
  }
  return r.fail(`a core instance expression (0x00 or 0x01), found 0x${hex(tag)}`, offset);
}

function instance(r: Reader): Definition {
  const offset = r.pos;
  const tag = r.u8('an instance expression');
  if (tag === 0x00) {
    const component = r.u32('a component index');
    const args = r.vec((r) => ({ name: r.name('an instantiation argument name'), item: { sort: sort(r), index: r.u32('an index') } }), 'an argument count');
    return { kind: 'instance', offset, expr: { kind: 'instantiate', component, args } };
  }
  if (tag === 0x01) {
    const exports = r.vec((r) => ({ ...externName(r), item: { sort: sort(r), index: r.u32('an index') } }), 'an export count');
    return { kind: 'instance', offset, expr: { kind: 'exports', exports } };
  }
  return r.fail(`an instance expression (0x00 or 0x01), found 0x${hex(tag)}`, offset);
}

function exportDef(r: Reader): Definition {
  const offset = r.pos;
  const name = externName(r);
  const item = { sort: sort(r), index: r.u32('an index') };
  const type = r.optional(externType, 'an export type ascription');
  return type ? { kind: 'export', offset, ...name, item, type } : { kind: 'export', offset, ...name, item };
}

function canonOptions(r: Reader): CanonOptions {
  const opts: CanonOptions = {};
  r.vec((r) => {
    const at = r.pos;
    const b = r.u8('a canonical option');
    const dup = (k: keyof CanonOptions) => {
      if (opts[k] !== undefined) r.fail(`no duplicate or conflicting canonical option (${k} given twice)`, at);
    };
    switch (b) {
      case 0x00:
        dup('stringEncoding');
        opts.stringEncoding = 'utf8';
        break;
      case 0x01:
        dup('stringEncoding');
        opts.stringEncoding = 'utf16';
        break;
      case 0x02:
        dup('stringEncoding');
        opts.stringEncoding = 'latin1+utf16';
        break;
      case 0x03:
        dup('memory');
        opts.memory = r.u32('a core memory index');
        break;
      case 0x04:
        dup('realloc');
        opts.realloc = r.u32('a core function index');
        break;
      case 0x05:
        dup('postReturn');
        opts.postReturn = r.u32('a core function index');
        break;
      case 0x06:
        dup('async');
        opts.async = true;
        break;
      case 0x07:
        dup('callback');
        opts.callback = r.u32('a core function index');
        break;
      default:
        r.fail(`a canonical option (0x00-0x07), found 0x${hex(b)}`, at);
    }
  }, 'an option count');
  return opts;
}

/** A boolean immediate (`async?`, `cancellable?`): exactly 0x00 or 0x01. */
function flagValue(r: Reader): boolean {
  const at = r.pos;
  const b = r.u8('a boolean immediate');
  if (b > 1) r.fail(`a boolean immediate (0x00 or 0x01), found 0x${hex(b)}`, at);
  return b === 1;
}

type BuiltinIndices = Omit<Extract<Canon, { kind: 'builtin' }>, 'kind' | 'name'>;

const flag = (r: Reader): BuiltinIndices => ({ flag: flagValue(r) });

/** Built-ins by opcode: their name and a reader of their immediates, returning the indices among them. */
const typed = (r: Reader) => ({ typeIndex: r.u32('a type index') });
const BUILTINS: Record<number, [string, (r: Reader) => BuiltinIndices]> = {
  0x05: ['task.cancel', () => ({})],
  0x06: ['subtask.cancel', flag],
  0x0c: ['thread.yield', flag],
  0x0d: ['subtask.drop', () => ({})],
  0x0e: ['stream.new', typed],
  0x0f: ['stream.read', (r) => ({ ...typed(r), options: canonOptions(r) })],
  0x10: ['stream.write', (r) => ({ ...typed(r), options: canonOptions(r) })],
  0x11: ['stream.cancel-read', (r) => ({ ...typed(r), ...flag(r) })],
  0x12: ['stream.cancel-write', (r) => ({ ...typed(r), ...flag(r) })],
  0x13: ['stream.drop-readable', typed],
  0x14: ['stream.drop-writable', typed],
  0x15: ['future.new', typed],
  0x16: ['future.read', (r) => ({ ...typed(r), options: canonOptions(r) })],
  0x17: ['future.write', (r) => ({ ...typed(r), options: canonOptions(r) })],
  0x18: ['future.cancel-read', (r) => ({ ...typed(r), ...flag(r) })],
  0x19: ['future.cancel-write', (r) => ({ ...typed(r), ...flag(r) })],
  0x1a: ['future.drop-readable', typed],
  0x1b: ['future.drop-writable', typed],
  0x1c: ['error-context.new', (r) => ({ options: canonOptions(r) })],
  0x1d: ['error-context.debug-message', (r) => ({ options: canonOptions(r) })],
  0x1e: ['error-context.drop', () => ({})],
  0x1f: ['waitable-set.new', () => ({})],
  0x20: ['waitable-set.wait', (r) => ({ ...flag(r), memoryIndex: r.u32('a core memory index') })],
  0x21: ['waitable-set.poll', (r) => ({ ...flag(r), memoryIndex: r.u32('a core memory index') })],
  0x22: ['waitable-set.drop', () => ({})],
  0x23: ['waitable.join', () => ({})],
  0x24: ['backpressure.inc', () => ({})],
  0x25: ['backpressure.dec', () => ({})],
  0x26: ['thread.index', () => ({})],
  0x27: ['thread.new-indirect', (r) => ({ coreTypeIndex: r.u32('a core type index'), tableIndex: r.u32('a table index') })],
  0x28: ['thread.resume-later', () => ({})],
  0x29: ['thread.suspend', flag],
  0x2a: ['thread.suspend-then-resume', flag],
  0x2b: ['thread.yield-then-resume', flag],
  0x2c: ['thread.suspend-then-promote', flag],
  0x2d: ['thread.yield-then-promote', flag],
  0x40: ['thread.spawn-ref', (r) => ({ coreTypeIndex: r.u32('a core type index') })],
  0x41: ['thread.spawn-indirect', (r) => ({ coreTypeIndex: r.u32('a core type index'), tableIndex: r.u32('a table index') })],
  0x42: ['thread.available-parallelism', () => ({})],
};

function resultList(r: Reader): ValTypeRef | undefined {
  const at = r.pos;
  const tag = r.u8('a result list');
  if (tag === 0x00) return valType(r);
  if (tag === 0x01 && r.u8('an empty result list') === 0) return undefined;
  return r.fail('a result list', at);
}

function canon(r: Reader): Canon {
  const at = r.pos;
  const op = r.u8('a canonical function opcode');
  switch (op) {
    case 0x00: {
      const s = r.pos;
      if (r.u8('core func sort') !== 0x00) r.fail('0x00 (core func) after canon lift', s);
      const coreFunc = r.u32('a core function index');
      const options = canonOptions(r);
      return { kind: 'lift', coreFunc, options, typeIndex: r.u32('a function type index') };
    }
    case 0x01: {
      const s = r.pos;
      if (r.u8('func sort') !== 0x00) r.fail('0x00 (func) after canon lower', s);
      return { kind: 'lower', func: r.u32('a function index'), options: canonOptions(r) };
    }
    case 0x02:
      return { kind: 'resource.new', typeIndex: r.u32('a resource type index') };
    case 0x03:
      return { kind: 'resource.drop', typeIndex: r.u32('a resource type index') };
    case 0x04:
      return { kind: 'resource.rep', typeIndex: r.u32('a resource type index') };
    case 0x09: {
      const result = resultList(r);
      const options = canonOptions(r);
      return result ? { kind: 'builtin', name: 'task.return', result, options } : { kind: 'builtin', name: 'task.return', options };
    }
    case 0x0a:
    case 0x0b: {
      const t = r.pos;
      if (coreValType(r) !== 'i32') r.fail('i32 as the context value type', t);
      return { kind: 'builtin', name: op === 0x0a ? 'context.get' : 'context.set', index: r.u32('a context slot index') };
    }
  }
  const builtin = BUILTINS[op];
  if (!builtin) return r.fail(`a canonical function opcode, found 0x${hex(op)}`, at);
  return { kind: 'builtin', name: builtin[0], ...builtin[1](r) };
}
