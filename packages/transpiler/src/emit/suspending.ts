import { isWasi03, MAY_WAIT } from '@weft/wasi-manifest';
import type { Lowering } from '../link/plan.js';
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
