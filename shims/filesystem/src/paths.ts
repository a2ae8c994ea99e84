import type { Datetime, ErrorCode } from './backend.js';

/**
 * A guest path split into the names to walk, relative to the directory descriptor it is
 * resolved against. Every descriptor is its own sandbox root: a path may climb with `..`
 * only back up to that directory, never above it, and may never be absolute. Those
 * attempts, and empty segments, are `not-permitted` (the capability model's EPERM).
 */
export interface SplitPath {
  /** Names from the descriptor's directory to the target; empty means the directory itself. */
  names: string[];
  /** The path ended with `/`, so the target must be a directory. */
  mustBeDirectory: boolean;
}

export function splitPath(path: string): SplitPath {
  if (typeof path !== 'string') throw new TypeError('path must be a string');
  if (path === '') throw 'no-entry' satisfies ErrorCode;
  if (path.startsWith('/')) throw 'not-permitted' satisfies ErrorCode;
  if (path.includes('\0')) throw 'invalid' satisfies ErrorCode;
  const mustBeDirectory = path.endsWith('/');
  const parts = (mustBeDirectory ? path.slice(0, -1) : path).split('/');
  const names: string[] = [];
  for (const part of parts) {
    if (part === '') throw 'not-permitted' satisfies ErrorCode;
    if (part === '.') continue;
    if (part === '..') {
      if (names.length === 0) throw 'not-permitted' satisfies ErrorCode;
      names.pop();
      continue;
    }
    names.push(part);
  }
  return { names, mustBeDirectory };
}

export function datetimeFromMs(ms: number): Datetime {
  const whole = Math.floor(ms);
  return { seconds: BigInt(Math.floor(whole / 1000)), nanoseconds: (whole % 1000) * 1_000_000 + Math.round((ms - whole) * 1e6) };
}

export function datetimeFromNs(ns: bigint): Datetime {
  return { seconds: ns / 1_000_000_000n, nanoseconds: Number(ns % 1_000_000_000n) };
}

export function checkDatetime(d: Datetime): Datetime {
  if (typeof d?.seconds !== 'bigint' || !Number.isInteger(d.nanoseconds) || d.nanoseconds < 0 || d.nanoseconds >= 1e9) {
    throw 'invalid' satisfies ErrorCode;
  }
  return d;
}

export function checkOffset(value: bigint, what: string): number {
  if (typeof value !== 'bigint') throw new TypeError(`${what} must be a bigint (u64)`);
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) throw 'file-too-large' satisfies ErrorCode;
  return Number(value);
}
