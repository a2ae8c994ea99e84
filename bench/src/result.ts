/** A measured value or the reason it could not be measured; JSON-friendly. */
export type Outcome<T> = T | { error: string };

export function isError<T>(o: Outcome<T>): o is { error: string } {
  return typeof o === 'object' && o !== null && 'error' in o;
}

export type Status = 'pass' | 'FAIL' | 'n/a';

export function statusCell(s: Status): string {
  return s === 'FAIL' ? '**FAIL**' : s;
}

export function errorCell(o: { error: string }): string {
  return `error: ${o.error}`;
}
