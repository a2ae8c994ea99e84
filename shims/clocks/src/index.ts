import { Pollable, timerPollable } from '@weft/wasi-io';

/** Nanoseconds on the monotonic clock, which counts from `performance.timeOrigin`. */
function monotonicNow(): bigint {
  return msToNs(performance.now());
}

function msToNs(ms: number): bigint {
  return BigInt(Math.round(ms * 1e6));
}

function nsToMs(ns: bigint): number {
  return Number(ns) / 1e6;
}

function u64(value: bigint, what: string): bigint {
  if (typeof value !== 'bigint') throw new TypeError(`${what} must be a bigint (u64), got ${typeof value}`);
  if (value < 0n || value > 0xffffffffffffffffn) throw new RangeError(`${what}: ${value} is not a u64`);
  return value;
}

let measuredResolution: bigint | undefined;

/**
 * Smallest step `performance.now()` takes here, measured once: browsers coarsen it
 * (to 5-100 us depending on cross-origin isolation), Node does not.
 */
function monotonicResolution(): bigint {
  if (measuredResolution !== undefined) return measuredResolution;
  let smallest = Infinity;
  const start = performance.now();
  let last = start;
  for (let steps = 0; steps < 16 && performance.now() - start < 5; ) {
    const t = performance.now();
    if (t > last) {
      smallest = Math.min(smallest, t - last);
      last = t;
      steps++;
    }
  }
  measuredResolution = smallest === Infinity ? 1_000_000n : msToNs(smallest) || 1n;
  return measuredResolution;
}

export const monotonicClock = {
  now: monotonicNow,
  resolution: monotonicResolution,
  subscribeInstant(when: bigint): Pollable {
    return timerPollable(nsToMs(u64(when, 'monotonic-clock.subscribe-instant')));
  },
  subscribeDuration(when: bigint): Pollable {
    return timerPollable(performance.now() + nsToMs(u64(when, 'monotonic-clock.subscribe-duration')));
  },
};

export interface Datetime {
  seconds: bigint;
  nanoseconds: number;
}

/**
 * The wall clock follows the system clock (`Date.now`), adjustments included, as a wall
 * clock should; `performance.timeOrigin + performance.now()` drifts away from it in
 * long-running processes. That makes its resolution one millisecond.
 */
export const wallClock = {
  now(): Datetime {
    const ms = Date.now();
    const seconds = Math.floor(ms / 1000);
    return { seconds: BigInt(seconds), nanoseconds: (ms - seconds * 1000) * 1_000_000 };
  },
  resolution(): Datetime {
    return { seconds: 0n, nanoseconds: 1_000_000 };
  },
};

export interface TimezoneDisplay {
  utcOffset: number;
  name: string;
  inDaylightSavingTime: boolean;
}

function datetimeMs(when: Datetime, what: string): number {
  if (!when || typeof when.seconds !== 'bigint' || !Number.isInteger(when.nanoseconds)) {
    throw new TypeError(`${what}: expected a datetime { seconds: bigint, nanoseconds: number }`);
  }
  return Number(when.seconds) * 1000 + Math.floor(when.nanoseconds / 1e6);
}

/** Seconds east of UTC in the host's local time zone at `ms`. */
function offsetAt(ms: number): number {
  const minutesWest = new Date(ms).getTimezoneOffset();
  return minutesWest === 0 ? 0 : -minutesWest * 60;
}

/**
 * `wasi:clocks/timezone` (unstable in 0.2): the host's local zone, as the platform's
 * `Date` and `Intl` see it.
 */
export const timezone = {
  display(when: Datetime): TimezoneDisplay {
    const ms = datetimeMs(when, 'timezone.display');
    const utcOffset = offsetAt(ms);
    const year = new Date(ms).getUTCFullYear();
    const standard = Math.min(offsetAt(Date.UTC(year, 0, 1)), offsetAt(Date.UTC(year, 6, 1)));
    const name = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
    return { utcOffset, name, inDaylightSavingTime: utcOffset > standard };
  },
  utcOffset(when: Datetime): number {
    return offsetAt(datetimeMs(when, 'timezone.utc-offset'));
  },
};
