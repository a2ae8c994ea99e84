/** `wasi:random@0.3.0`: the 0.2 generators; only the seed function's name changed. */
import { GET_RANDOM_VALUES_LIMIT, insecureSeedPair, lengthArg, secureBytes, secureU64 } from '../index.js';

/**
 * 0.3 lets a call return fewer bytes than asked for (callers loop), so one call never
 * builds more than this: a guest asking for 2^64 - 1 bytes gets a bounded answer, not a trap.
 */
export const MAX_BYTES_PER_CALL = 16 * GET_RANDOM_VALUES_LIMIT;

function bytes(maxLen: bigint, what: string): Uint8Array {
  const n = lengthArg(maxLen > BigInt(MAX_BYTES_PER_CALL) ? BigInt(MAX_BYTES_PER_CALL) : maxLen, what);
  return secureBytes(n);
}

export const random = {
  getRandomBytes(maxLen: bigint): Uint8Array {
    return bytes(maxLen, 'wasi:random/random#get-random-bytes');
  },
  getRandomU64: secureU64,
};

/** The insecure interface promises speed, not unpredictability; the platform CSPRNG serves both. */
export const insecure = {
  getInsecureRandomBytes(maxLen: bigint): Uint8Array {
    return bytes(maxLen, 'wasi:random/insecure#get-insecure-random-bytes');
  },
  getInsecureRandomU64: secureU64,
};

export const insecureSeed = { getInsecureSeed: insecureSeedPair };
