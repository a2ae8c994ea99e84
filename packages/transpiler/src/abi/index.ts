/**
 * # abi: the canonical ABI as straight-line JavaScript
 *
 * The fourth stage writes, for one value type at a time, the code that moves a value
 * across the boundary: `lowerFlat`/`lowerMem` turn a JS value into core values or bytes in
 * guest memory, `liftFlat`/`liftMem`/`liftList` read them back into a JS value. The code is
 * specialised per type (a `record { x: f64, y: f64 }` lifts with two loads and an object
 * literal), not a generic interpreter walking a type at run time, which is where weft's
 * call speed comes from.
 *
 * Generators check JS values as they lower them (range, type, enum cases, surrogates) and
 * name the function, parameter path and WIT type in the TypeError. They ask their caller
 * (`AbiCtx`) for what depends on the function being written: the memory view, realloc, the
 * string encoding, the handle table, shared helpers from the registry in `js/helpers.ts`.
 */
export * from './context.js';
export { block, FlatReader, liftFlat, liftList, liftMem } from './lift.js';
export { lowerFlat, lowerMem, lowerResultMem } from './lower.js';
