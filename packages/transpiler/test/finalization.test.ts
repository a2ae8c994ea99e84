import { describe, expect, test } from 'vitest';
import { loadWat, readFixture } from './harness.js';

// vitest.config.ts starts the workers with --expose-gc.
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('finalization tests need node --expose-gc');

describe('guest resources the host forgets', () => {
  test('are destroyed by the FinalizationRegistry after garbage collection', async () => {
    const t = (await loadWat(readFixture('resources-exported.wat'))).things;
    // Created in a separate function so no live binding keeps them reachable.
    (() => {
      for (let i = 0; i < 5; i++) new t.Thing(i);
    })();
    expect(t.drops()).toBe(0);
    for (let round = 0; round < 50 && t.drops() < 5; round++) {
      gc!();
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(t.drops()).toBe(5);
  });

  test('are not destroyed twice when they were disposed before', async () => {
    const t = (await loadWat(readFixture('resources-exported.wat'))).things;
    (() => {
      new t.Thing(1)[Symbol.dispose]();
    })();
    expect(t.drops()).toBe(1);
    for (let round = 0; round < 5; round++) {
      gc!();
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(t.drops()).toBe(1);
  });
});
