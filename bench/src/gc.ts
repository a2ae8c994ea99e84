import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A forced full garbage collection, so a timed sample does not pay for garbage an earlier
 * one left. V8 hands out `gc` to contexts created after the flag is set, so a new context
 * supplies it even when node was started without --expose-gc.
 */
export const collectGarbage: () => void = (() => {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();
