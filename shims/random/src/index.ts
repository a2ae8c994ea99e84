/** `crypto.getRandomValues` refuses more than this many bytes per call. */
export const GET_RANDOM_VALUES_LIMIT = 65536;

export function lengthArg(len: bigint, what: string): number {
  if (typeof len !== 'bigint') throw new TypeError(`${what}: len must be a bigint (u64), got ${typeof len}`);
  if (len < 0n || len > 0xffffffffffffffffn) throw new RangeError(`${what}: len ${len} is not a u64`);
  if (len > BigInt(0x7fffffff)) throw new RangeError(`${what}: ${len} bytes is more than one list can hold`);
  return Number(len);
}

export function secureBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let off = 0; off < n; off += GET_RANDOM_VALUES_LIMIT) {
    crypto.getRandomValues(out.subarray(off, Math.min(n, off + GET_RANDOM_VALUES_LIMIT)));
  }
  return out;
}

export function secureU64(): bigint {
  return new DataView(secureBytes(8).buffer).getBigUint64(0, true);
}

export const random = {
  getRandomBytes(len: bigint): Uint8Array {
    return secureBytes(lengthArg(len, 'random.get-random-bytes'));
  },
  getRandomU64: secureU64,
};

/**
 * The insecure interface promises speed, not unpredictability; the platform CSPRNG is
 * fast enough (hundreds of MB/s), so it serves both.
 */
export const insecure = {
  getInsecureRandomBytes(len: bigint): Uint8Array {
    return secureBytes(lengthArg(len, 'insecure.get-insecure-random-bytes'));
  },
  getInsecureRandomU64: secureU64,
};

let seed: [bigint, bigint] | undefined;

/** Fixed for the life of the instance, as the interface intends: a seed, not a stream. */
export function insecureSeedPair(): [bigint, bigint] {
  seed ??= [secureU64(), secureU64()];
  return [seed[0], seed[1]];
}

export const insecureSeed = { insecureSeed: insecureSeedPair };
