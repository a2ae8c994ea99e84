import { describe, expect, test } from 'vitest';
import { assembleWat, engine, readFixture } from './harness.js';
import { transpileWith } from './engine-transpile.js';

const sorted = (xs: [string, string][]) => [...xs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

describe('transpile result: import specifiers, export names, file names', () => {
  test('an interface export is listed by its short and its full name, a world function by its camelCase name', async () => {
    const r = await transpileWith(await assembleWat(readFixture('instances.wat')), { name: 'inst', instantiation: 'async' });
    expect(r.imports).toEqual(['local:test/math']);
    expect(sorted(r.exports)).toEqual([
      ['add', 'function'],
      ['iface', 'instance'],
      ['local:test/iface', 'instance'],
    ]);
    expect(Object.keys(r.files)).toEqual(expect.arrayContaining(['inst.js', 'inst.core.wasm']));
  });

  // jco's result lists the namespaced name even with namespaced exports turned off.
  test.skipIf(engine === 'jco')('noNamespacedExports keeps only the short interface name', async () => {
    const r = await transpileWith(await assembleWat(readFixture('instances.wat')), {
      name: 'inst',
      instantiation: 'async',
      noNamespacedExports: true,
    });
    expect(sorted(r.exports)).toEqual([
      ['add', 'function'],
      ['iface', 'instance'],
    ]);
  });

  test('kebab-case export names become camelCase', async () => {
    const r = await transpileWith(await assembleWat(readFixture('resources-imported.wat')), { name: 'res', instantiation: 'async' });
    expect(r.imports).toEqual(['local:test/host']);
    const names = r.exports.map(([n]) => n);
    expect(names).toEqual(expect.arrayContaining(['bumpTwice', 'createAndDrop', 'keepBorrowDropped', 'useAfterDrop']));
    expect(r.exports.every(([, kind]) => kind === 'function')).toBe(true);
  });

  test('each core module of a nested component gets its own numbered file', async () => {
    const r = await transpileWith(await assembleWat(readFixture('nested-adapter.wat')), { name: 'nest', instantiation: 'async' });
    const cores = Object.keys(r.files).filter((f) => f.endsWith('.wasm'));
    expect(cores).toContain('nest.core.wasm');
    expect(cores).toContain('nest.core2.wasm');
    for (const f of cores) expect(f).toMatch(/^nest\.core\d*\.wasm$/);
    for (const f of cores) expect(WebAssembly.validate(r.files[f]!)).toBe(true);
  });
});
