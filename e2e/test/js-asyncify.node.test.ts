/**
 * asyncify at the size of a real guest: a componentize-js guest (a whole JS engine, about
 * 12 MB of core wasm) transpiled with asyncMode 'asyncify' and run in Node, where it waits on
 * timers and writes to stdout from a sort comparator between the waits. Node 20 has no JSPI:
 * the rewrite alone lets it wait. The rewrite takes minutes; ~/.cache/weft keeps it.
 */
import * as cli from '@weft/wasi-cli';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildJsFixture, WAIT_GUEST } from '../src/js-fixtures.js';
import { transpileForTest } from '../src/transpile-for-test.js';

type Guest = { sleepThenSort(ms: number, words: string[]): Promise<string> };

describe("a componentize-js guest under asyncMode 'asyncify' in Node", () => {
  let guest: Guest;
  const stdout: Uint8Array[] = [];

  beforeAll(async () => {
    cli.configure({ args: [], env: [], stdin: 'none', stdout: (chunk: Uint8Array) => stdout.push(chunk.slice()), stderr: 'inherit' });
    const component = await buildJsFixture(WAIT_GUEST.name, WAIT_GUEST);
    const out = await transpileForTest(component, { name: 'wait_guest_node_asyncify', asyncMode: 'asyncify' });
    guest = (await import(pathToFileURL(out.entry).href)) as Guest;
  }, 40 * 60_000);

  afterAll(() => {
    cli.configure({ args: [], env: [], stdin: 'none', stdout: 'inherit', stderr: 'inherit' });
  });

  it('waits on its timers, writes from inside the engine between them, and returns the result', async () => {
    await expect(guest.sleepThenSort(30, ['pear', 'apple', 'fig'])).resolves.toBe('apple fig pear');
    cli.flushStdio();
    const lines = new TextDecoder().decode(Buffer.concat(stdout)).trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^compare (pear|apple|fig) (pear|apple|fig)$/);
  });

  it('serves a second call on the same instance', async () => {
    await expect(guest.sleepThenSort(1, ['b', 'a'])).resolves.toBe('a b');
  });
});
