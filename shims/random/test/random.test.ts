import { describe, expect, it } from 'vitest';
import { GET_RANDOM_VALUES_LIMIT, insecure, insecureSeed, random } from '../src/index.js';

function distinctValues(b: Uint8Array): number {
  return new Set(b).size;
}

describe('wasi:random/random', () => {
  it('the platform refuses more than 65536 bytes per getRandomValues call', () => {
    expect(() => crypto.getRandomValues(new Uint8Array(GET_RANDOM_VALUES_LIMIT + 1))).toThrow();
  });

  it('get-random-bytes fills lengths beyond the per-call limit, to the last byte', () => {
    for (const n of [0, 1, 65535, 65536, 65537, 300_000]) {
      const b = random.getRandomBytes(BigInt(n));
      expect(b).toBeInstanceOf(Uint8Array);
      expect(b.length).toBe(n);
    }
    const big = random.getRandomBytes(300_000n);
    expect(distinctValues(big.subarray(0, 65536))).toBe(256);
    expect(distinctValues(big.subarray(65536, 131072))).toBe(256);
    expect(distinctValues(big.subarray(262144))).toBe(256);
  });

  it('two draws differ', () => {
    expect(random.getRandomBytes(32n)).not.toEqual(random.getRandomBytes(32n));
    expect(random.getRandomU64()).not.toBe(random.getRandomU64());
  });

  it('get-random-u64 spans the full 64 bits', () => {
    let or = 0n;
    for (let i = 0; i < 64; i++) {
      const v = random.getRandomU64();
      expect(v >= 0n && v < 1n << 64n).toBe(true);
      or |= v;
    }
    expect(or > 1n << 60n).toBe(true);
  });

  it('rejects lengths that are not u64 bigints, or too large for one list', () => {
    expect(() => random.getRandomBytes(3 as unknown as bigint)).toThrow(TypeError);
    expect(() => random.getRandomBytes(-1n)).toThrow(RangeError);
    expect(() => random.getRandomBytes(1n << 40n)).toThrow(/more than one list/);
  });
});

describe('wasi:random/insecure and insecure-seed', () => {
  it('insecure bytes and u64s come in the requested shapes', () => {
    expect(insecure.getInsecureRandomBytes(70_000n).length).toBe(70_000);
    expect(typeof insecure.getInsecureRandomU64()).toBe('bigint');
  });

  it('insecure-seed is fixed for the instance', () => {
    const [a, b] = insecureSeed.insecureSeed();
    expect(insecureSeed.insecureSeed()).toEqual([a, b]);
    expect(a === 0n && b === 0n).toBe(false);
  });
});
