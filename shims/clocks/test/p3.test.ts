import { describe, expect, it } from 'vitest';
import * as p3 from '../src/p3/index.js';
import { timezone as timezone02, wallClock } from '../src/index.js';

const { monotonicClock, systemClock, timezone, types } = p3;

describe('wasi:clocks@0.3.0', () => {
  it('exports every 0.3 interface under its camelCase name', () => {
    expect(
      Object.keys(p3)
        .filter((k) => /^[a-z]/.test(k))
        .sort(),
    ).toEqual(['monotonicClock', 'systemClock', 'timezone', 'types']);
    expect(types).toEqual({});
  });

  it('monotonic now never goes backwards and has a positive resolution', () => {
    let last = monotonicClock.now();
    for (let i = 0; i < 1000; i++) {
      const t = monotonicClock.now();
      expect(t >= last).toBe(true);
      last = t;
    }
    expect(monotonicClock.getResolution() > 0n).toBe(true);
  });

  it('wait-for resolves no earlier than the duration, on a timer (other work runs meanwhile)', async () => {
    const start = monotonicClock.now();
    let ticked = false;
    setTimeout(() => (ticked = true), 0);
    const p = monotonicClock.waitFor(15_000_000n);
    expect(p).toBeInstanceOf(Promise);
    await p;
    expect(ticked).toBe(true);
    expect(monotonicClock.now() - start >= 15_000_000n).toBe(true);
  });

  it('wait-until resolves once the mark has passed, and at once for a mark in the past', async () => {
    const until = monotonicClock.now() + 10_000_000n;
    await monotonicClock.waitUntil(until);
    expect(monotonicClock.now() >= until).toBe(true);
    await monotonicClock.waitUntil(0n);
  });

  it('a duration that is not a u64 is a TypeError or RangeError naming the function', () => {
    expect(() => monotonicClock.waitFor(5 as unknown as bigint)).toThrow(/wasi:clocks\/monotonic-clock#wait-for: how-long must be a bigint/);
    expect(() => monotonicClock.waitUntil(-1n)).toThrow(RangeError);
  });

  it('the system clock reads the wall clock, with a resolution in nanoseconds', () => {
    const before = wallClock.now();
    const now = systemClock.now();
    expect(now.seconds >= before.seconds).toBe(true);
    expect(now.nanoseconds).toBeGreaterThanOrEqual(0);
    expect(now.nanoseconds).toBeLessThan(1e9);
    expect(systemClock.getResolution()).toBe(1_000_000n);
  });

  it('timezone: the offset in nanoseconds agrees with 0.2 in seconds, and the zone has a name', () => {
    const when = { seconds: 1_700_000_000n, nanoseconds: 0 };
    expect(timezone.utcOffset(when)).toBe(BigInt(timezone02.utcOffset(when)) * 1_000_000_000n);
    expect(timezone.ianaId()).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(timezone.toDebugString()).toBe(timezone.ianaId());
  });
});
