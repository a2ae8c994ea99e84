/**
 * Data flows one way through the pipeline: a stage imports only earlier stages and the
 * floor beneath them all (errors, options, JS-writing primitives), and the floor imports
 * no stage. The entry points above the pipeline (transpile, inspect, index) may import anything.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const src = fileURLToPath(new URL('../src/', import.meta.url));

const STAGES = ['decode', 'types', 'link', 'abi', 'emit', 'post'] as const;
const FLOOR = ['error.ts', 'options.ts', 'js'];
const ENTRY = ['index.ts', 'transpile.ts', 'inspect.ts'];

type Place = { kind: 'stage'; index: number } | { kind: 'floor' } | { kind: 'entry' };

function placeOf(file: string): Place {
  const top = file.split('/')[0]!;
  const index = STAGES.indexOf(top as (typeof STAGES)[number]);
  if (index >= 0) return { kind: 'stage', index };
  if (FLOOR.includes(top)) return { kind: 'floor' };
  if (ENTRY.includes(top)) return { kind: 'entry' };
  throw new Error(`${file} is in no stage, floor or entry point: add it to one in this test`);
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Relative imports (static, dynamic and type-only) of a source file, resolved against `src`. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
  return specs.map((s) => relative(src, join(file, '..', s)).replace(/\.js$/, '.ts'));
}

test('no file imports from a later stage, and the floor imports no stage', () => {
  const wrong: string[] = [];
  for (const abs of sources(src)) {
    const file = relative(src, abs);
    const from = placeOf(file);
    for (const dep of importsOf(abs)) {
      const to = placeOf(dep);
      const ok = from.kind === 'entry' || to.kind === 'floor' || (from.kind === 'stage' && to.kind === 'stage' && to.index <= from.index);
      if (!ok) wrong.push(`${file} imports ${dep}`);
    }
  }
  expect(wrong).toEqual([]);
});

/**
 * Module-level tables keyed by object identity that may stay: memo caches whose entries are a
 * pure function of their key, each documented where it is defined. Any other fact one file
 * hands another about a type lives in a field of the model type.
 */
const MEMO_CACHES = ['types/layout.ts layouts', 'types/resolve.ts measures'];

test('facts about types are fields on the model, not module-level side tables', () => {
  const tables: string[] = [];
  for (const abs of sources(src)) {
    const text = readFileSync(abs, 'utf8');
    for (const m of text.matchAll(/^(?:export )?(?:const|let) (\w+)[^=\n]*= [^\n]*new Weak(?:Map|Set)\b/gm)) tables.push(`${relative(src, abs)} ${m[1]}`);
  }
  expect(tables.sort()).toEqual(MEMO_CACHES);
});
