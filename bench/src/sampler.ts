/**
 * Interleaved sampling: contenders take turns, and the one going first alternates every
 * round, so slow drift (thermal, GC pressure, page cache) falls on all of them alike.
 */
import { elapsedNs, summarize, type Summary } from './stats.js';
import { shortReason } from './tools.js';
import type { Outcome } from './result.js';

export interface SamplePlan {
  warmup: number;
  minSamples: number;
  maxSamples: number;
  /** Stop adding rounds once this much time has gone by (and minSamples are in). */
  budgetNs: number;
}

/** One sample: resolves to the measured nanoseconds (or any per-sample figure). */
export type Sampler = () => Promise<number>;

export async function interleave<K extends string>(contenders: Record<K, Sampler | { error: string }>, plan: SamplePlan): Promise<Record<K, Outcome<Summary>>> {
  const keys = Object.keys(contenders) as K[];
  const result = {} as Record<K, Outcome<Summary>>;
  const live: K[] = [];
  const samples = {} as Record<K, number[]>;
  for (const k of keys) {
    const c = contenders[k];
    if (typeof c !== 'function') {
      result[k] = c as { error: string };
      continue;
    }
    try {
      for (let i = 0; i < Math.max(1, plan.warmup); i++) await c();
      live.push(k);
      samples[k] = [];
    } catch (e) {
      result[k] = { error: shortReason(e) };
    }
  }
  const t0 = process.hrtime.bigint();
  for (let round = 0; live.length > 0; round++) {
    const n = round;
    if (n >= plan.maxSamples || (n >= plan.minSamples && elapsedNs(t0) >= plan.budgetNs)) break;
    const order = round % 2 === 0 ? [...live] : [...live].reverse();
    for (const k of order) {
      if (!live.includes(k)) continue;
      try {
        samples[k].push(await (contenders[k] as Sampler)());
      } catch (e) {
        result[k] = { error: shortReason(e) };
        live.splice(live.indexOf(k), 1);
      }
    }
  }
  for (const k of live) result[k] = summarize(samples[k]);
  return result;
}

/** Wraps an async action as a sampler timing it with `process.hrtime.bigint()`. */
export function timed(action: () => Promise<unknown>): Sampler {
  return async () => {
    const t0 = process.hrtime.bigint();
    await action();
    return elapsedNs(t0);
  };
}
