import { isWasi03, MAY_WAIT } from '@weft/wasi-manifest';
import { type Builtin, isThreadSwitch, type Lowering } from '../link/plan.js';
import { unversioned } from '../js/names.js';

/**
 * Decides which imported functions may return a promise: the shim calls that may wait and the
 * user's `asyncImports` (`ns:pkg/iface#func`, versioned or not, or a bare world-level `func`).
 */
export function suspendingImports(extra: string[] = []): (importName: string, exportName?: string) => boolean {
  const user = extra.map((e) => (e.includes('#') ? `${unversioned(e.slice(0, e.indexOf('#')))}${e.slice(e.indexOf('#'))}` : e));
  const matches = (patterns: readonly string[], full: string) => patterns.some((p) => (p.endsWith('*') ? full.startsWith(p.slice(0, -1)) : p === full));
  return (importName, exportName) => {
    const full = exportName === undefined ? unversioned(importName) : `${unversioned(importName)}#${exportName}`;
    return matches(user, full) || (!isWasi03(importName) && matches(MAY_WAIT, full));
  };
}

/** May this lowering suspend? A call into another component's lifted code always may. */
export function suspendingLowerings(extra: string[] = []): (l: Lowering) => boolean {
  const byName = suspendingImports(extra);
  return (l) => l.callee.kind === 'lifted' || byName(l.callee.ref.importName, l.callee.ref.exportName);
}

/**
 * Preview 3: may a synchronous call of this lowering wait on its caller's stack? A call of a
 * lifted function may (the callee can wait inside), and so may a call of an async host
 * function (it may answer with a promise). An async lowering never does: it hands back a
 * subtask instead.
 */
export function loweringBlocks(l: Lowering): boolean {
  return !l.opts.async && (l.callee.kind === 'lifted' || !!l.type.async);
}

/** Preview 3: may this built-in wait on its caller's stack (its synchronous form)? */
export function builtinBlocks(b: Builtin): boolean {
  if (isThreadSwitch(b.name)) return true;
  switch (b.name) {
    case 'waitable-set.wait':
    case 'thread.yield':
      return true;
    case 'stream.read':
    case 'stream.write':
    case 'future.read':
    case 'future.write':
      return !b.opts.async;
    case 'subtask.cancel':
    case 'stream.cancel-read':
    case 'stream.cancel-write':
    case 'future.cancel-read':
    case 'future.cancel-write':
      return !b.flag;
    default:
      return false;
  }
}
