/**
 * Validation parity with wasmparser (through jco, see parity/jco-oracle.ts): on every component
 * of the test corpus and on seeded mutations of the small ones, weft accepts what wasmparser
 * accepts and rejects what it rejects, always with a WeftError.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { transpile, WeftError } from '../src/index.js';
import { seeds, type Seed } from './parity/corpus.js';
import { jcoVerdict, type Verdict } from './parity/jco-oracle.js';
import { coreModuleRanges, mutate, prng, sections } from './parity/mutate.js';

const SEED = 0x5eed;
const MUTATIONS = 3000;
/** Mutations are drawn from components up to this size: jco's bindgen is slow on big ones. */
const MUTATE_MAX_BYTES = 4096;

type Outcome = { kind: 'ok' } | { kind: 'weft-error'; message: string } | { kind: 'crash'; error: unknown };

interface Case {
  name: string;
  bytes: Uint8Array;
  seed: Seed;
  verdict: Verdict;
  weft: Outcome;
}

async function weftOutcome(bytes: Uint8Array): Promise<Outcome> {
  try {
    await transpile(bytes, { name: 'c', noTypescript: true });
    return { kind: 'ok' };
  } catch (e) {
    return e instanceof WeftError ? { kind: 'weft-error', message: e.message } : { kind: 'crash', error: e };
  }
}

/** A section that runs past the end of the input (jco's streaming decoder may accept such a cut). */
const cutShort = (b: Uint8Array) => sections(b).some((s) => s.end > b.length);

/**
 * weft reads of a core module only what linking needs; the rest is validated by the engine that
 * compiles it. wasmparser's rejection is left to the engine when the engine rejects the core
 * module it lies in (core code errors are reported relative to their module: any module then).
 */
function leftToEngine(b: Uint8Array, v: Extract<Verdict, { kind: 'invalid' }>): boolean {
  const at = v.stage === 'component' ? v.offset : undefined;
  return coreModuleRanges(b)
    .filter((r) => v.stage === 'core code' || (at !== undefined && at >= r.start && at < r.end))
    .some((r) => !WebAssembly.validate(b.slice(r.start, r.end)));
}

const cases: Case[] = [];

/** Where a case lands, for the summary the run prints. */
function category(c: Case): string {
  const weft = c.weft.kind === 'ok' ? 'weft accepts' : c.weft.kind === 'weft-error' ? 'weft rejects' : 'weft crashes';
  switch (c.verdict.kind) {
    case 'valid':
      return cutShort(c.bytes) ? `cut short, jco accepts: ${weft}` : `wasmparser accepts: ${weft}`;
    case 'invalid':
      if (c.weft.kind === 'ok' && leftToEngine(c.bytes, c.verdict)) return `wasmparser rejects the ${c.verdict.stage}: left to the engine`;
      return `wasmparser rejects the ${c.verdict.stage}: ${weft}`;
    case 'limit':
      return `jco limit (${c.verdict.limit}): ${weft}`;
    case 'panic':
      return `jco panics: ${weft}`;
    case 'unclassified':
      return `unclassified jco error: ${weft}`;
  }
}

beforeAll(async () => {
  const rnd = prng(SEED);
  const all = await seeds();
  const run = async (name: string, bytes: Uint8Array, seed: Seed) => {
    const c: Case = { name, bytes, seed, verdict: await jcoVerdict(bytes), weft: await weftOutcome(bytes) };
    cases.push(c);
    return c;
  };
  const mutable: Seed[] = [];
  for (const s of all) {
    const c = await run(s.name, s.bytes, s);
    if (c.verdict.kind === 'valid' && s.bytes.length <= MUTATE_MAX_BYTES) mutable.push(s);
  }
  for (let i = 0, made = 0; made < MUTATIONS && i < MUTATIONS * 2; i++) {
    const s = mutable[i % mutable.length]!;
    const m = mutate(s.bytes, rnd);
    if (!m) continue;
    made++;
    await run(`${s.name} ${m.kind} #${i}`, m.bytes, s);
  }
  const tally = new Map<string, number>();
  for (const c of cases) tally.set(category(c), (tally.get(category(c)) ?? 0) + 1);
  console.log(`validation parity: ${all.length} components (${mutable.length} mutated), ${cases.length - all.length} mutations`);
  for (const [k, n] of [...tally].sort()) console.log(`  ${k}: ${n}`);
}, 300_000);

describe('validation parity with wasmparser', () => {
  it('every jco error is a wasmparser rejection, a listed jco limit or a panic', () => {
    const unknown = cases.filter((c) => c.verdict.kind === 'unclassified');
    expect(unknown.map((c) => `${c.name}: ${(c.verdict as { message: string }).message}`)).toEqual([]);
  });

  it('weft never fails with anything but a WeftError', () => {
    const crashes = cases.filter((c) => c.weft.kind === 'crash').map((c) => `${c.name}: ${String((c.weft as { error: unknown }).error)}`);
    expect(crashes).toEqual([]);
  });

  it('what wasmparser accepts, weft accepts', () => {
    const misses = cases
      .filter((c) => (c.verdict.kind === 'valid' || c.verdict.kind === 'limit') && c.weft.kind !== 'ok')
      .filter((c) => !(c.verdict.kind === 'valid' && cutShort(c.bytes)))
      .map((c) => `${c.name}: ${(c.weft as { message: string }).message}`);
    expect(misses).toEqual([]);
  });

  it('what wasmparser rejects, weft rejects, or leaves to the engine that compiles the core module', () => {
    const misses = cases
      .filter((c) => c.verdict.kind === 'invalid' && c.weft.kind === 'ok' && !leftToEngine(c.bytes, c.verdict))
      .map((c) => `${c.name}: ${(c.verdict as { message: string }).message}`);
    expect(misses).toEqual([]);
  });

  it("a section cut short is malformed even where jco's streaming decoder ends it at end of input", () => {
    const misses = cases.filter((c) => c.verdict.kind === 'valid' && cutShort(c.bytes) && c.weft.kind === 'ok').map((c) => c.name);
    expect(misses).toEqual([]);
  });

  it("the conformance scripts' invalid components are rejected", () => {
    const misses = cases.filter((c) => c.seed.invalid !== undefined && c.bytes === c.seed.bytes && c.weft.kind !== 'weft-error').map((c) => c.name);
    expect(misses).toEqual([]);
  });
});
