import { describe, expect, it } from 'vitest';
import { Pollable } from '@weft/wasi-io';
import { monotonicClock, timezone, wallClock } from '../src/index.js';

describe('wasi:clocks/monotonic-clock', () => {
  it('now is a bigint of nanoseconds that never goes backwards', () => {
    let last = monotonicClock.now();
    expect(typeof last).toBe('bigint');
    for (let i = 0; i < 1000; i++) {
      const t = monotonicClock.now();
      expect(t >= last).toBe(true);
      last = t;
    }
  });

  it('resolution is a positive duration no coarser than a millisecond here', () => {
    const r = monotonicClock.resolution();
    expect(r > 0n).toBe(true);
    expect(r <= 1_000_000n).toBe(true);
  });

  it('subscribe-duration is a real timer behind a pollable', () => {
    const start = monotonicClock.now();
    const p = monotonicClock.subscribeDuration(20_000_000n);
    expect(p).toBeInstanceOf(Pollable);
    expect(p.ready()).toBe(false);
    p.block();
    expect(p.ready()).toBe(true);
    expect(monotonicClock.now() - start >= 20_000_000n).toBe(true);
  });

  it('subscribe-instant fires at the instant, at once for a past one', () => {
    expect(monotonicClock.subscribeInstant(0n).ready()).toBe(true);
    const when = monotonicClock.now() + 15_000_000n;
    const p = monotonicClock.subscribeInstant(when);
    expect(p.ready()).toBe(false);
    p.block();
    expect(monotonicClock.now() >= when).toBe(true);
  });

  it('rejects durations that are not u64 bigints', () => {
    expect(() => monotonicClock.subscribeDuration(5 as unknown as bigint)).toThrow(TypeError);
    expect(() => monotonicClock.subscribeDuration(-1n)).toThrow(RangeError);
    expect(() => monotonicClock.subscribeInstant(1n << 64n)).toThrow(RangeError);
  });
});

describe('wasi:clocks/wall-clock', () => {
  it('now agrees with Date.now and keeps nanoseconds in range', () => {
    const before = Date.now();
    const t = wallClock.now();
    const after = Date.now();
    expect(typeof t.seconds).toBe('bigint');
    expect(Number.isInteger(t.nanoseconds)).toBe(true);
    expect(t.nanoseconds).toBeGreaterThanOrEqual(0);
    expect(t.nanoseconds).toBeLessThan(1e9);
    const ms = Number(t.seconds) * 1000 + t.nanoseconds / 1e6;
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(after);
  });

  it('resolution is the millisecond of the system clock', () => {
    expect(wallClock.resolution()).toEqual({ seconds: 0n, nanoseconds: 1_000_000 });
  });
});

describe('wasi:clocks/timezone', () => {
  it('reports the offset Date reports, and the zone Intl names', () => {
    const now = wallClock.now();
    const d = timezone.display(now);
    expect(d.utcOffset).toBe(-new Date().getTimezoneOffset() * 60 || 0);
    expect(timezone.utcOffset(now)).toBe(d.utcOffset);
    expect(d.name).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(typeof d.inDaylightSavingTime).toBe('boolean');
  });

  it('rejects what is not a datetime', () => {
    expect(() => timezone.utcOffset({ seconds: 1, nanoseconds: 0 } as unknown as { seconds: bigint; nanoseconds: number })).toThrow(TypeError);
  });
});
