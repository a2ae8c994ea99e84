/** Statistics over timing samples. Every figure the bench reports is a median. */

export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('median of no samples');
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Linear-interpolated quantile, q in [0, 1]. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) throw new RangeError('quantile of no samples');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile ${q} is outside [0, 1]`);
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export interface Summary {
  median: number;
  p25: number;
  p75: number;
  n: number;
}

export function summarize(xs: readonly number[]): Summary {
  return { median: median(xs), p25: quantile(xs, 0.25), p75: quantile(xs, 0.75), n: xs.length };
}

/** Nanoseconds elapsed since `t0` (a `process.hrtime.bigint()` reading), as a number. */
export function elapsedNs(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0);
}
