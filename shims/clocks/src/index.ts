import { type Pollable, timerPollable } from '@weft/wasi-io';
import { datetimeMs, ianaZone, monotonicNow, monotonicResolution, nsToMs, offsetAt, u64, WALL_RESOLUTION_NS, wallNow, type Datetime } from './time.js';

export type { Datetime } from './time.js';

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

export const wallClock = {
  now: wallNow,
  resolution(): Datetime {
    return { seconds: 0n, nanoseconds: WALL_RESOLUTION_NS };
  },
};

export interface TimezoneDisplay {
  utcOffset: number;
  name: string;
  inDaylightSavingTime: boolean;
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
    const name = ianaZone() ?? 'UTC';
    return { utcOffset, name, inDaylightSavingTime: utcOffset > standard };
  },
  utcOffset(when: Datetime): number {
    return offsetAt(datetimeMs(when, 'timezone.utc-offset'));
  },
};
