import { describe, expect, it } from 'vitest';
import * as p3 from '../src/p3/index.js';
import { insecureSeed as insecureSeed02 } from '../src/index.js';

const { insecure, insecureSeed, MAX_BYTES_PER_CALL, random } = p3;

describe('wasi:random@0.3.0', () => {
  it('exports every 0.3 interface under its camelCase name', () => {
    expect(
      Object.keys(p3)
        .filter((k) => /^[a-z]/.test(k))
        .sort(),
    ).toEqual(['insecure', 'insecureSeed', 'random']);
  });

  it('get-random-bytes returns exactly what was asked up to the per-call bound, and at least one byte', () => {
    for (const n of [0, 1, 65537, 300_000]) expect(random.getRandomBytes(BigInt(n)).length).toBe(n);
    expect(new Set(random.getRandomBytes(65536n)).size).toBe(256);
    expect(insecure.getInsecureRandomBytes(7n).length).toBe(7);
  });

  it('a request beyond the bound is a short read, never a trap (0.3 callers loop)', () => {
    expect(random.getRandomBytes(0xffffffffffffffffn).length).toBe(MAX_BYTES_PER_CALL);
    expect(insecure.getInsecureRandomBytes(BigInt(MAX_BYTES_PER_CALL) + 1n).length).toBe(MAX_BYTES_PER_CALL);
  });

  it('u64s are fresh bigints', () => {
    const values = new Set(Array.from({ length: 64 }, () => random.getRandomU64()));
    expect(values.size).toBe(64);
    expect(typeof insecure.getInsecureRandomU64()).toBe('bigint');
  });

  it('get-insecure-seed is the same seed 0.2 hands out, fixed for the instance', () => {
    const seed = insecureSeed.getInsecureSeed();
    expect(seed).toEqual(insecureSeed.getInsecureSeed());
    expect(seed).toEqual(insecureSeed02.insecureSeed());
  });

  it('a length that is not a u64 is a TypeError or RangeError naming the function', () => {
    expect(() => random.getRandomBytes(3 as unknown as bigint)).toThrow(/wasi:random\/random#get-random-bytes: len must be a bigint/);
    expect(() => insecure.getInsecureRandomBytes(-1n)).toThrow(RangeError);
  });
});
