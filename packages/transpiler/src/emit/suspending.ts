import type { Lowering } from '../link/plan.js';
import { unversioned } from '../js/names.js';

/**
 * The WASI calls that wait, and so may suspend the guest in the async modes. A trailing `*`
 * matches any function name.
 */
const BLOCKING = [
  'wasi:io/poll#poll',
  'wasi:io/poll#[method]pollable.block',
  'wasi:io/streams#[method]input-stream.blocking-read',
  'wasi:io/streams#[method]input-stream.blocking-skip',
  'wasi:io/streams#[method]output-stream.blocking-write-and-flush',
  'wasi:io/streams#[method]output-stream.blocking-flush',
  'wasi:io/streams#[method]output-stream.blocking-write-zeroes-and-flush',
  'wasi:io/streams#[method]output-stream.blocking-splice',
  'wasi:filesystem/types#[method]descriptor.*',
  'wasi:filesystem/types#[method]directory-entry-stream.*',
];

/**
 * Decides which imported functions may return a promise: the blocking WASI calls and the
 * user's `asyncImports` (`ns:pkg/iface#func`, versioned or not, or a bare world-level `func`).
 */
export function suspendingImports(extra: string[] = []): (importName: string, exportName?: string) => boolean {
  const patterns = [...BLOCKING, ...extra.map((e) => (e.includes('#') ? `${unversioned(e.slice(0, e.indexOf('#')))}${e.slice(e.indexOf('#'))}` : e))];
  return (importName, exportName) => {
    const full = exportName === undefined ? unversioned(importName) : `${unversioned(importName)}#${exportName}`;
    return patterns.some((p) => (p.endsWith('*') ? full.startsWith(p.slice(0, -1)) : p === full));
  };
}

/** May this lowering suspend? A call into another component's lifted code always may. */
export function suspendingLowerings(extra: string[] = []): (l: Lowering) => boolean {
  const byName = suspendingImports(extra);
  return (l) => l.callee.kind === 'lifted' || byName(l.callee.ref.importName, l.callee.ref.exportName);
}
