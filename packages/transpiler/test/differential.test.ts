/**
 * weft against jco 1.35, value by value. Every component of the corpus that has exports (the
 * WAT fixtures, the example, the componentize-js guests of the tests and the bench) is transpiled by both in `--instantiation async`
 * mode and driven with the same seeded, type-directed arguments (fast-check) and the same
 * recording host, whose answers are seeded too. Each export call's result or thrown error
 * (class, payload) and the arguments of every host-import call made during it must be
 * deep-strict-equal between the engines, and so must the export object's keys.
 *
 * The differences weft makes on purpose are listed once, below, each with its reason; the
 * root README points here. An entry that no longer explains any difference fails the run.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { componentizeCached } from './componentize.js';
import { assembleWat, readFixture } from './harness.js';
import { drive, render, sameRecord, type CallRecord, type Difference } from './differential/drive.js';
import { jcoRejects, load } from './differential/engines.js';
import { surfaceOf } from './differential/surface.js';

/**
 * Generated calls per exported function: with canonical values, with jco's other accepted
 * spellings, with some wrong values, and for a function without parameters (per spelling).
 */
const CALLS = { canonical: 50, loose: 10, wrong: 10, nullary: 3 };

interface CallRule {
  id: string;
  reason: string;
  /** Component -> the exports (`iface#func` as the plan names them) where the difference is expected; `any`: wherever the rule holds. */
  scope: Record<string, string[]> | 'any';
  /** Does the rule account for this difference? */
  explains(d: Difference): boolean;
}

const threw = (r: CallRecord) => ('threw' in r.outcome ? r.outcome.threw : undefined);

/** weft's host calls are a prefix of jco's: weft stopped where jco went on. */
const stoppedEarlier = (d: Difference) => isDeepStrictEqual(d.weft.hostCalls, d.jco.hostCalls.slice(0, d.weft.hostCalls.length));

/**
 * Raw guest bytes with every pointer of an empty string or list (a 32-bit word followed by a
 * zero length word) blanked.
 */
function blankEmptyPointers(v: unknown): unknown {
  if (v instanceof Uint8Array) {
    const b = v.slice();
    const dv = new DataView(b.buffer);
    for (let i = 0; i + 8 <= b.length; i += 4) if (dv.getUint32(i + 4, true) === 0) dv.setUint32(i, 0, true);
    return b;
  }
  if (Array.isArray(v)) return v.map((x, i) => (v[i + 1] === 0 || v[i + 1] === 0n ? (typeof x === 'bigint' ? 0n : 0) : x));
  return v;
}

interface Deliberate {
  /** Component -> why jco 1.35 cannot transpile it (weft's side is covered by the component's own tests). */
  jcoCannotTranspile: Record<string, string>;
  /** Component -> why jco 1.35's output cannot run where JSPI is missing, as in Node 20 (checked: it throws there). */
  jcoNeedsJspi: Record<string, string>;
  /** Messages of thrown errors other than ComponentError (whose message is its payload) are compared by class only. */
  errorMessages: string;
  calls: CallRule[];
}

/** Every deliberate difference from jco's output. */
export const deliberate: Deliberate = {
  jcoCannotTranspile: {
    'instances-reexport.wat': 'jco does not implement an export that re-exports an imported function',
    'nested-resources.wat': 'jco cannot transpile a resource type shared by two inner components',
    'strings-latin1-utf16.wat': 'jco does not implement the latin1+utf16 string encoding',
    'p3-threads.wat': "jco's wasm-tools refuses the threads built-ins (the component model threading feature is off)",
  },
  jcoNeedsJspi: Object.fromEntries(
    ['p3-host.wat', 'p3-exit.wat', 'p3-cancel.wat', 'p3-stackful.wat'].map((f) => [
      f,
      "jco's output of a Preview 3 component constructs WebAssembly.Suspending while it instantiates; weft's runtime needs no JSPI (p3-host.test.ts covers weft's side)",
    ]),
  ),
  errorMessages: 'weft words its own messages: a wrong value names function, parameter and WIT type; a trap names what the canonical ABI rejected',
  calls: [
    {
      id: 'js-value-check',
      reason:
        'weft checks every JS value against its WIT type and throws a TypeError/RangeError naming function and parameter (or return value); jco converts many wrong values (a number for a u64, 300 for a u8, a lone surrogate to U+FFFD) or fails elsewhere',
      scope: 'any',
      explains: (d) =>
        d.spelling === 'wrong' &&
        /^(TypeError|RangeError)$/.test(threw(d.weft)?.error ?? '') &&
        /: (parameter|return value)\b/.test(threw(d.weft)!.message!) &&
        stoppedEarlier(d),
    },
    {
      id: 'spec-trap',
      reason:
        'weft traps (WebAssembly.RuntimeError, instance poisoned) where the canonical ABI says trap; jco throws TypeError/RangeError or goes on with a value',
      scope: {
        'traps.wat': [
          'char-surrogate',
          'char-too-big',
          'enum-out-of-range',
          'variant-out-of-range',
          'option-out-of-range',
          'result-out-of-range',
          'list-misaligned',
          'string-out-of-bounds',
          'list-out-of-bounds',
          'list-length-overflow',
          'utf8-continuation',
          'utf8-overlong',
          'utf8-truncated',
          'utf16-lone-surrogate',
          'utf16-misaligned',
          'retptr-misaligned',
          'empty-list-misaligned',
          'empty-string-out-of-bounds',
          'send-bad-char',
          'send-bad-option',
          'send-bad-utf8',
        ].map((f) => `local:test/traps#${f}`),
        'values-constant.wat': ['local:test/constant#get-nested'],
        'strings-utf16.wat': ['get-utf16', 'send-utf16'],
        'resources-exported.wat': ['local:test/things#bogus-handle'],
        // keep-borrow returns with a borrow still lent; use-kept then finds no handle in weft's fresh instance.
        'resources-imported.wat': ['keep-borrow', 'use-kept', 'use-after-drop'],
      },
      explains: (d) => threw(d.weft)?.error === 'RuntimeError' && threw(d.jco)?.error !== 'RuntimeError' && stoppedEarlier(d),
    },
    {
      id: 'spec-lift',
      reason:
        'weft lifts what the canonical ABI accepts (narrow integers from the low bits, any nonzero bool as true, flag bits beyond the last flag ignored); jco throws a TypeError',
      scope: {
        'values-constant.wat': ['get-s8-wrapped', 'get-s8-neg', 'get-u8-wrapped', 'get-s16-neg', 'get-u16-wrapped'].map((f) => `local:test/constant#${f}`),
        'traps.wat': ['local:test/traps#flags-extra-bits', 'local:test/traps#bool-two'],
      },
      explains: (d) => 'returned' in d.weft.outcome && threw(d.jco)?.error === 'TypeError',
    },
    {
      id: 'empty-realloc',
      reason:
        "for an empty string or list weft calls the guest's realloc for 0 bytes and passes its pointer, as the canonical ABI does; jco passes 1 without calling realloc (seen only by exports returning raw guest memory)",
      scope: {
        'values-constant.wat': ['raw-records', 'raw-variants', 'raw-tuples', 'flat-num'].map((f) => `local:test/constant#${f}`),
        'values-import-constant.wat': ['fetch-record', 'fetch-variant'],
      },
      explains: (d) =>
        'returned' in d.weft.outcome &&
        'returned' in d.jco.outcome &&
        isDeepStrictEqual(d.weft.hostCalls, d.jco.hostCalls) &&
        isDeepStrictEqual(blankEmptyPointers(d.weft.outcome.returned), blankEmptyPointers(d.jco.outcome.returned)),
    },
    {
      id: 'i32-in-i64-slot',
      reason:
        "an s32 payload sharing a variant's i64 slot is zero-extended, as the canonical ABI's lower_flat_variant does; jco sign-extends, which a guest reading the slot without wrapping (componentize-js 0.19) sees",
      scope: { 'js-guest': ['local:jsguest/api#area', 'local:jsguest/api#describe'] },
      explains: (d) => {
        const [shape] = d.generated as [{ tag: string; val?: { x: number } }];
        return shape.tag === 'rect' && shape.val!.x < 0;
      },
    },
  ],
};

interface Corpus {
  name: string;
  bytes(): Promise<Uint8Array>;
  calls?: typeof CALLS;
}

const repoFile = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));
const fewerCalls = { canonical: 25, loose: 5, wrong: 5, nullary: 3 };

const corpus: Corpus[] = [
  ...readdirSync(new URL('./fixtures', import.meta.url))
    .filter((f) => f.endsWith('.wat'))
    .sort()
    .map((f) => ({ name: f, bytes: () => assembleWat(readFixture(f)) })),
  { name: 'examples/hello.wat', bytes: () => assembleWat(readFileSync(repoFile('examples/hello/hello.wat'), 'utf8')) },
  // componentize-js: the first build takes tens of seconds, then it is cached. Fewer calls:
  // each one runs SpiderMonkey, and each trap re-instantiates an 11 MB guest twice.
  {
    name: 'js-guest',
    bytes: () =>
      componentizeCached(
        repoFile('packages/transpiler/test/fixtures/js-guest/guest.js'),
        repoFile('packages/transpiler/test/fixtures/js-guest/guest.wit'),
        'guest',
      ),
    calls: fewerCalls,
  },
  {
    name: 'bench/js-guest',
    bytes: () => componentizeCached(repoFile('bench/corpus/js-guest/guest.js'), repoFile('bench/corpus/js-guest/guest.wit'), 'big'),
    calls: fewerCalls,
  },
];

/** The difference with messages of non-ComponentError throws removed (deliberate.errorMessages). */
function withoutMessages(r: CallRecord): CallRecord {
  const t = threw(r);
  if (!t || t.error === 'ComponentError') return r;
  const { message: _, ...rest } = t;
  return { ...r, outcome: { threw: rest } };
}

const totals = { ran: 0, components: 0, calls: 0, hostCalls: 0, explained: new Map<string, number>() };

function explain(d: Difference): string | undefined {
  if (sameRecord(withoutMessages(d.weft), withoutMessages(d.jco))) return 'errorMessages';
  const rule = deliberate.calls.find((r) => (r.scope === 'any' || r.scope[d.component]?.includes(d.call)) && r.explains(d));
  return rule?.id;
}

describe('weft against jco: the values JS sees', () => {
  test.each(corpus)(
    '$name',
    async ({ name, bytes: read, calls }) => {
      totals.ran++;
      const bytes = await read();
      const surface = surfaceOf(bytes);
      const cannot = deliberate.jcoCannotTranspile[name];
      if (cannot) {
        expect(jcoRejects(bytes), `jco was listed as unable to transpile ${name}`).toBeDefined();
        return;
      }
      if (surface.exports.length === 0) return;
      const loaded = { weft: await load(bytes, 'weft'), jco: await load(bytes, 'jco') };
      if (deliberate.jcoNeedsJspi[name] && typeof (WebAssembly as { Suspending?: unknown }).Suspending !== 'function') {
        const imports = new Proxy({}, { get: () => new Proxy({}, { get: () => () => 0 }) });
        await expect(
          Promise.resolve().then(() => loaded.jco.instantiate(imports)),
          `jco's output of ${name} ran without JSPI`,
        ).rejects.toThrow(/Suspending/);
        return;
      }

      const r = await drive(name, surface, loaded, calls ?? CALLS);
      totals.components++;
      totals.calls += r.calls;
      totals.hostCalls += r.hostCalls;
      expect(r.shapes.weft, 'the export objects have the same keys').toStrictEqual(r.shapes.jco);
      const unexplained: Difference[] = [];
      for (const d of r.differences) {
        const id = explain(d);
        if (id) totals.explained.set(id, (totals.explained.get(id) ?? 0) + 1);
        else unexplained.push(d);
      }
      const report = unexplained
        .slice(0, 5)
        .map((d) => `${d.call}(${render(d.generated)}) [${d.spelling}]\n  weft: ${render(d.weft)}\n  jco:  ${render(d.jco)}`);
      expect(unexplained.length, `${unexplained.length} calls differ:\n${report.join('\n')}`).toBe(0);
    },
    300_000,
  );

  // Only a full run sees every difference.
  test('every deliberate difference still occurs', () => {
    if (totals.ran < corpus.length) return;
    const stale = ['errorMessages', ...deliberate.calls.map((r) => r.id)].filter((id) => !totals.explained.has(id));
    expect(stale, 'entries of `deliberate` that explained nothing').toEqual([]);
  });

  afterAll(() => {
    const explained = [...totals.explained].map(([id, n]) => `${id} ${n}`).join(', ');
    console.log(
      `differential: ${totals.components} components, ${totals.calls} generated calls, ${totals.hostCalls} host-import calls compared; deliberate: ${explained}`,
    );
  });
});
