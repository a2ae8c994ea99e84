/** Markdown tables and human units for the printed report. */

export type Align = 'left' | 'right';

/**
 * A GitHub-flavoured markdown table, columns padded so it also reads well in a terminal.
 * Pipes inside cells are escaped so an error message cannot break the table.
 */
export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[], align?: readonly Align[]): string {
  for (const [i, row] of rows.entries()) {
    if (row.length !== headers.length) {
      throw new RangeError(`row ${i} has ${row.length} cells, the table has ${headers.length} columns`);
    }
  }
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const cells = [headers.map(esc), ...rows.map((r) => r.map(esc))];
  const widths = headers.map((_, c) => Math.max(3, ...cells.map((r) => r[c]!.length)));
  const al = headers.map((_, c) => align?.[c] ?? (c === 0 ? 'left' : 'right'));
  const pad = (s: string, c: number) => (al[c] === 'right' ? s.padStart(widths[c]!) : s.padEnd(widths[c]!));
  const line = (r: readonly string[]) => `| ${r.map((s, c) => pad(s, c)).join(' | ')} |`;
  const rule = `|${widths.map((w, c) => (al[c] === 'right' ? `${'-'.repeat(w + 1)}:` : `:${'-'.repeat(w + 1)}`)).join('|')}|`;
  return [line(cells[0]!), rule, ...cells.slice(1).map(line)].join('\n');
}

/** Byte counts with thousands separators: exact, because glue size differences can be small. */
export function formatBytes(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A duration in nanoseconds, in the largest unit that keeps it >= 1, three significant digits. */
export function formatDuration(ns: number): string {
  if (ns >= 1e9) return `${sig(ns / 1e9)} s`;
  if (ns >= 1e6) return `${sig(ns / 1e6)} ms`;
  if (ns >= 1e3) return `${sig(ns / 1e3)} µs`;
  return `${sig(ns)} ns`;
}

export function formatRate(opsPerSec: number): string {
  if (opsPerSec >= 1e6) return `${sig(opsPerSec / 1e6)} M/s`;
  if (opsPerSec >= 1e3) return `${sig(opsPerSec / 1e3)} k/s`;
  return `${sig(opsPerSec)} /s`;
}

export function formatRatio(r: number): string {
  if (!Number.isFinite(r)) return 'n/a';
  return r >= 100 ? `${Math.round(r)}x` : `${sig(r)}x`;
}

function sig(x: number): string {
  if (x === 0) return '0';
  if (Math.abs(x) < 0.01) return x.toPrecision(2);
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(x))));
  return x.toFixed(Math.min(digits, 3));
}

/** Half the interquartile range as a share of the median: how far samples spread. */
export function formatSpread(s: { median: number; p25: number; p75: number }): string {
  if (s.median === 0) return '';
  const pct = ((s.p75 - s.p25) / 2 / s.median) * 100;
  return ` ±${pct < 10 ? pct.toFixed(1) : Math.round(pct)}%`;
}
