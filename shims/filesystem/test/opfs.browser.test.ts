import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Opfs from '../src/opfs.js';
import type * as Fs from '../src/index.js';
import { openOpfsBrowser, type OpfsBrowser, type Where } from './opfs-harness.js';

/** What scenarios find on `globalThis.weft` in the browser (see the harness). */
interface Weft extends Pick<typeof Opfs, 'opfsDirectory' | 'openOpfsDirectory'> {
  Descriptor: typeof Fs.Descriptor;
  code(fn: () => unknown): Promise<string>;
  text(bytes: Uint8Array): string;
  bytes(text: string): Uint8Array;
  names(d: Fs.Descriptor): Promise<string[]>;
  fnv1a(bytes: Uint8Array, h?: number): number;
}
declare const weft: Weft;

let browser: OpfsBrowser;
let dirs = 0;
/** A fresh OPFS directory name per test, so tests never see each other's files. */
const fresh = (where: Where) => `t-${where}-${dirs++}`;

beforeAll(async () => {
  browser = await openOpfsBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

describe.each(['page', 'worker'] as const)('OPFS backend in the %s', (where) => {
  it('creates, writes, reads, stats and lists files', async () => {
    const r = await browser.run(
      where,
      async (dir) => {
        const root = await weft.opfsDirectory(dir);
        const f = await root.openAt({}, 'a.txt', { create: true, truncate: true }, { read: true, write: true });
        const wrote = await f.write(weft.bytes('hello world'), 0n);
        const stat = await f.stat();
        const statAt = await root.statAt({}, 'a.txt');
        const tail = await f.read(5n, 6n);
        const head = await f.read(5n, 0n);
        const past = await f.read(5n, 100n);
        await f.write(weft.bytes('!'), 13n);
        const all = await f.read(100n, 0n);
        await root.createDirectoryAt('sub');
        const names = await weft.names(root);
        return {
          wrote,
          type: await f.getType(),
          rootType: await root.getType(),
          flags: await f.getFlags(),
          stat,
          statAtSize: statAt.size,
          tail: [weft.text(tail[0]), tail[1]],
          head: [weft.text(head[0]), head[1]],
          past: [past[0].length, past[1]],
          all: [...all[0]],
          names,
          subStat: await root.statAt({}, 'sub'),
        };
      },
      fresh(where),
    );
    expect(r.wrote).toBe(11n);
    expect(r.type).toBe('regular-file');
    expect(r.rootType).toBe('directory');
    expect(r.flags).toMatchObject({ read: true, write: true });
    expect(r.stat).toMatchObject({ type: 'regular-file', size: 11n, linkCount: 1n });
    expect(Number(r.stat.dataModificationTimestamp!.seconds)).toBeGreaterThan(1_600_000_000);
    expect(r.statAtSize).toBe(11n);
    expect(r.tail).toEqual(['world', true]);
    expect(r.head).toEqual(['hello', false]);
    expect(r.past).toEqual([0, true]);
    expect(r.all).toEqual([...new TextEncoder().encode('hello world'), 0, 0, 0x21]);
    expect(r.names).toEqual(['a.txt:regular-file', 'sub:directory']);
    expect(r.subStat).toMatchObject({ type: 'directory' });
  });
});
