/** A component's world, as `inspect()` describes it, written out as WIT. */
import type { InspectEntry, InspectResult } from '@weft/transpiler';

function member(e: InspectEntry, indent: string, prefix = ''): string[] {
  const head = `${indent}${prefix}${e.name}`;
  if (e.kind === 'function') return [`${head}: ${e.signature};`];
  if (e.kind === 'resource') return [`${indent}${prefix}resource ${e.name};`];
  if (e.kind === 'module') return [`${indent}// ${prefix}core module ${e.name}`];
  return [`${head}: interface {`, ...(e.items ?? []).flatMap((x) => member(x, indent + '  ')), `${indent}}`];
}

export function worldText(info: InspectResult, name: string): string {
  return [
    `world ${name} {`,
    ...info.imports.flatMap((e) => member(e, '  ', 'import ')),
    ...(info.imports.length && info.exports.length ? [''] : []),
    ...info.exports.flatMap((e) => member(e, '  ', 'export ')),
    '}',
  ].join('\n');
}

/** A name usable as a WIT world identifier, from a file name. */
export function worldName(fileName: string): string {
  const base = fileName
    .replace(/\.[^.]*$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return /^[a-z]/.test(base) ? base : `component${base ? '-' + base : ''}`;
}
