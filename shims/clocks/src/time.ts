/** The clocks both WASI versions read: the platform's monotonic and wall clocks and local time zone. */

/** A wall-clock time since the Unix epoch (0.2's `datetime`, 0.3's `instant`). */
export interface Datetime {
  seconds: bigint;
  nanoseconds: number;
}

/** Nanoseconds on the monotonic clock, which counts from `performance.timeOrigin`. */
export function monotonicNow(): bigint {
  return msToNs(performance.now());
}

export function msToNs(ms: number): bigint {
  return BigInt(Math.round(ms * 1e6));
}

export function nsToMs(ns: bigint): number {
  return Number(ns) / 1e6;
}

export function u64(value: bigint, what: string): bigint {
  if (typeof value !== 'bigint') throw new TypeError(`${what} must be a bigint (u64), got ${typeof value}`);
  if (value < 0n || value > 0xffffffffffffffffn) throw new RangeError(`${what}: ${value} is not a u64`);
  return value;
}

let measuredResolution: bigint | undefined;

/**
 * Smallest step `performance.now()` takes here, measured once: browsers coarsen it
 * (to 5-100 us depending on cross-origin isolation), Node does not.
 */
export function monotonicResolution(): bigint {
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

/**
 * The wall clock follows the system clock (`Date.now`), adjustments included, as a wall
 * clock should; `performance.timeOrigin + performance.now()` drifts away from it in
 * long-running processes. That makes its resolution one millisecond.
 */
export function wallNow(): Datetime {
  const ms = Date.now();
  const seconds = Math.floor(ms / 1000);
  return { seconds: BigInt(seconds), nanoseconds: (ms - seconds * 1000) * 1_000_000 };
}

/** The wall clock's resolution in nanoseconds. */
export const WALL_RESOLUTION_NS = 1_000_000;

export function datetimeMs(when: Datetime, what: string): number {
  if (!when || typeof when.seconds !== 'bigint' || !Number.isInteger(when.nanoseconds)) {
    throw new TypeError(`${what}: expected a datetime { seconds: bigint, nanoseconds: number }`);
  }
  return Number(when.seconds) * 1000 + Math.floor(when.nanoseconds / 1e6);
}

/** Seconds east of UTC in the host's local time zone at `ms`. */
export function offsetAt(ms: number): number {
  const minutesWest = new Date(ms).getTimezoneOffset();
  return minutesWest === 0 ? 0 : -minutesWest * 60;
}

/** The IANA name of the host's zone, when the platform knows it. */
export function ianaZone(): string | undefined {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
}
