/**
 * The typed array a list of each numeric WIT type is in JavaScript, by the value conventions
 * weft shares with jco: `list<u8>` is a `Uint8Array`, `list<s64>` a `BigInt64Array`, and so on.
 */
export const TYPED_ARRAYS = {
  u8: Uint8Array,
  s8: Int8Array,
  u16: Uint16Array,
  s16: Int16Array,
  u32: Uint32Array,
  s32: Int32Array,
  u64: BigUint64Array,
  s64: BigInt64Array,
  f32: Float32Array,
  f64: Float64Array,
} as const;

export type NumericKind = keyof typeof TYPED_ARRAYS;

export function isNumericKind(kind: string): kind is NumericKind {
  return Object.hasOwn(TYPED_ARRAYS, kind);
}
