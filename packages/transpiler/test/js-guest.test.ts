import { beforeAll, describe, expect, test } from 'vitest';
import { fileURLToPath } from 'node:url';
import { instantiateComponent } from './harness.js';
import { componentizeCached } from './componentize.js';

const fixture = (f: string) => fileURLToPath(new URL(`./fixtures/js-guest/${f}`, import.meta.url));

class Counter {
  static created = 0;
  n: number;
  constructor(start: number) {
    Counter.created++;
    this.n = start;
  }
  bump(by: number) {
    this.n += by;
    return this.n;
  }
  value() {
    return this.n;
  }
}

const shouted: string[][] = [];
const mirrored: unknown[] = [];
const host = {
  Counter,
  shout: (words: string[]) => {
    shouted.push(words);
    return words.map((w) => w.toUpperCase());
  },
  mirror: (p: { x: number; y: number; label: string }) => {
    mirrored.push(p);
    return { x: -p.x, y: -p.y, label: [...p.label].reverse().join('') };
  },
  makeCounter: (start: number) => new Counter(start),
  classify: (p: { x: number; y: number; label: string }) =>
    p.label === 'round' ? { tag: 'circle', val: p.x } : p.x === 0 ? { tag: 'empty' } : { tag: 'rect', val: p },
};

// A componentize-js guest (SpiderMonkey inside the component): the first build takes tens
// of seconds and is cached under .cache/componentize/.
describe('JS guest built with componentize-js', () => {
  let api: any;
  beforeAll(async () => {
    const bytes = await componentizeCached(fixture('guest.js'), fixture('guest.wit'), 'guest');
    const exp = await instantiateComponent(bytes, { 'local:jsguest/host': host }, { name: 'jsguest' });
    api = exp.api;
    expect(exp['local:jsguest/api']).toBe(api);
  }, 300_000);

  test('variant parameters with record and f64 payloads', () => {
    expect(api.area({ tag: 'circle', val: 2 })).toBeCloseTo(4 * Math.PI, 12);
    expect(api.area({ tag: 'rect', val: { x: 3, y: -4, label: 'r' } })).toBe(12);
    expect(api.area({ tag: 'empty' })).toBe(0);
  });

  test('variants returned by a host import, passed through the guest', () => {
    const ps = [
      { x: 3, y: 0, label: 'round' },
      { x: 0, y: 1, label: 'flat' },
      { x: 2, y: 5, label: 'box' },
    ];
    expect(api.classifyAll(ps)).toEqual([{ tag: 'circle', val: 6 }, { tag: 'empty' }, { tag: 'rect', val: { x: 2, y: 5, label: 'box' } }]);
  });

  test('result<string, string>: ok returns, err throws with the payload', () => {
    expect(api.describe({ tag: 'rect', val: { x: 1, y: 2, label: 'ü' } })).toBe('rect ü 1x2');
    expect(api.describe({ tag: 'circle', val: 0.5 })).toBe('circle r=0.5');
    let err: any;
    try {
      api.describe({ tag: 'empty' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(Error);
    expect(err.payload).toBe('nothing to describe');
  });

  test('list<record> in and out', () => {
    const out = api.shift(
      [
        { x: 1, y: 2, label: 'a' },
        { x: -2147483648, y: 0, label: '😀' },
      ],
      5,
    );
    expect(out).toEqual([
      { x: 6, y: 2, label: 'a>' },
      { x: -2147483643, y: 0, label: '😀>' },
    ]);
    expect(api.shift([], 1)).toEqual([]);
  });

  test('list<string> to a host import and back', () => {
    shouted.length = 0;
    expect(api.joinShouted(['héllo', 'wörld', ''], '-')).toBe('HÉLLO-WÖRLD-');
    expect(shouted).toEqual([['héllo', 'wörld', '']]);
  });

  test('records through a host import', () => {
    mirrored.length = 0;
    expect(api.roundTrip({ x: 3, y: -7, label: 'abc' })).toEqual({ x: -6, y: 14, label: 'cba' });
    expect(mirrored).toEqual([{ x: 3, y: -7, label: 'abc' }]);
  });

  test('a host resource borrowed by the guest', () => {
    const c = new Counter(10);
    expect(api.bumpBorrowed(c, 3)).toBe(13 + 13);
    expect(c.n).toBe(13);
  });

  test('the guest constructs host resources and returns an own handle', () => {
    const before = Counter.created;
    const c = api.freshCounter(4, 2);
    expect(c).toBeInstanceOf(Counter);
    expect(c.n).toBe(8);
    expect(Counter.created - before).toBe(2);
  });

  test('an interface using an imported resource exports only its own classes', () => {
    expect(Object.keys(api).filter((k) => /^[A-Z]/.test(k))).toEqual(['Accumulator']);
  });

  test('a guest resource: constructor, methods, borrow, dispose', () => {
    const a = new api.Accumulator('acc ✓');
    a.add(5);
    a.add(-2);
    expect(a.total()).toBe(3);
    expect(a.name()).toBe('acc ✓');
    expect(api.sumAccumulator(a)).toBe(30);
    a[Symbol.dispose]();
    expect(() => a.total()).toThrow();
  });
});
