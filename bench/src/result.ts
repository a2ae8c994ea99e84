/** A measured value or the reason it could not be measured; JSON-friendly. */
export type Outcome<T> = T | { error: string };

export function isError<T>(o: Outcome<T>): o is { error: string } {
  return typeof o === 'object' && o !== null && 'error' in o;
}

export type Status = 'pass' | 'FAIL' | 'n/a';

/** weft's figure over jco's, where both were measured. */
export function weftOverJco<T>(jco: Outcome<T>, weft: Outcome<T>, figure: (t: T) => number): number | undefined {
  if (isError(jco) || isError(weft)) return undefined;
  return figure(weft) / figure(jco);
}

/** A ratio held against a goal it must not exceed. */
export function atMost(ratio: number | undefined, goal: number): Status {
  return ratio === undefined ? 'n/a' : ratio <= goal ? 'pass' : 'FAIL';
}

export function statusCell(s: Status): string {
  return s === 'FAIL' ? '**FAIL**' : s;
}

export function errorCell(o: { error: string }): string {
  return `error: ${o.error}`;
}
