/** `wasi:clocks@0.3.0`: the 0.2 clocks, with waiting as `async func`s on timers. */
import { datetimeMs, ianaZone, monotonicNow, monotonicResolution, msToNs, nsToMs, offsetAt, u64, WALL_RESOLUTION_NS, wallNow, type Datetime } from '../time.js';

/** `wasi:clocks/system-clock#instant`. */
export type Instant = Datetime;

/** `wasi:clocks/types` declares only the duration type; a guest imports it for that. */
export const types = {};

/** A timer cannot wait longer than this many milliseconds at once. */
const MAX_TIMER_MS = 0x7fffffff;

/** Resolves once the monotonic clock reads `deadline` (milliseconds, `performance.now()`'s scale) or later. */
async function sleepUntil(deadline: number): Promise<void> {
  for (;;) {
    const left = deadline - performance.now();
    if (left <= 0) return;
    await new Promise((resolve) => setTimeout(resolve, Math.min(Math.ceil(left), MAX_TIMER_MS)));
  }
}

export const monotonicClock = {
  now: monotonicNow,
  getResolution: monotonicResolution,
  waitUntil(when: bigint): Promise<void> {
    return sleepUntil(nsToMs(u64(when, 'wasi:clocks/monotonic-clock#wait-until: when')));
  },
  waitFor(howLong: bigint): Promise<void> {
    const ns = u64(howLong, 'wasi:clocks/monotonic-clock#wait-for: how-long');
    return sleepUntil(performance.now() + nsToMs(ns));
  },
};

export const systemClock = {
  now: wallNow,
  getResolution(): bigint {
    return BigInt(WALL_RESOLUTION_NS);
  },
};

/** `wasi:clocks/timezone` (unstable): the host's local zone, as the platform's `Date` and `Intl` see it. */
export const timezone = {
  ianaId: ianaZone,
  /** Nanoseconds to add to UTC for local time at `when`. */
  utcOffset(when: Instant): bigint | undefined {
    return msToNs(offsetAt(datetimeMs(when, 'wasi:clocks/timezone#utc-offset: when')) * 1000);
  },
  toDebugString(): string {
    return ianaZone() ?? 'UTC';
  },
};
