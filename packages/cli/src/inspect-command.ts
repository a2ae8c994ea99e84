import { readFile } from 'node:fs/promises';
import { inspect, type InspectEntry } from '@weft/transpiler';
import { parseArgs, UsageError } from './args.js';

export const INSPECT_HELP = `Usage: weft inspect <component.wasm> [--json]

Prints a component's world (imports and exports with their signatures) and the core
modules inside it with their sizes.
`;

function lines(entries: InspectEntry[], indent: string): string[] {
  return entries.flatMap((e) => {
    if (e.kind === 'function') return [`${indent}${e.name}: ${e.signature}`];
    if (e.kind === 'resource') return [`${indent}resource ${e.name}`];
    return [`${indent}${e.name} {`, ...lines(e.items ?? [], indent + '  '), `${indent}}`];
  });
}

export async function inspectCommand(argv: string[], log: (s: string) => void): Promise<number> {
  const { positional, flags } = parseArgs(argv, { json: { type: 'bool' } }, 'weft inspect');
  if (positional.length !== 1) throw new UsageError('weft inspect: expected exactly one component file');
  const info = inspect(new Uint8Array(await readFile(positional[0]!)));
  if (flags.json) {
    log(JSON.stringify(info, null, 2));
    return 0;
  }
  log('imports:');
  log(info.imports.length ? lines(info.imports, '  ').join('\n') : '  (none)');
  log('exports:');
  log(info.exports.length ? lines(info.exports, '  ').join('\n') : '  (none)');
  log(`core modules: ${info.coreModules.length}`);
  for (const m of info.coreModules) log(`  #${m.file}  ${m.size} bytes`);
  log(`core instances: ${info.coreInstances}, component instances: ${info.componentInstances}`);
  return 0;
}
