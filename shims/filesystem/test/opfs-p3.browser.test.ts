import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Opfs from '../src/opfs.js';
import type * as Fs from '../src/index.js';
import type * as P3 from '../src/p3/index.js';
import { openOpfsBrowser, type OpfsBrowser, type Where } from './opfs-harness.js';

/** What scenarios find on `globalThis.weft` in the browser (see the harness). */
interface Weft extends Pick<typeof Opfs, 'opfsDirectory' | 'flushOpfs'>, Pick<typeof Fs, 'setPreopens'> {
  p3: typeof P3;
  text(bytes: Uint8Array): string;
  bytes(text: string): Uint8Array;
}
declare const weft: Weft;

let browser: OpfsBrowser;
let dirs = 0;
const fresh = (where: Where) => `p3-${where}-${dirs++}`;

beforeAll(async () => {
  browser = await openOpfsBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

// The main thread has no sync access handles, so there every file operation is a promise: what 0.3's async methods carry.
describe.each(['page', 'worker', 'worker-no-sync-access'] as const)('wasi:filesystem@0.3.0 over OPFS in the %s', (where) => {
  it('streams files in and out, lists, renames, removes, and keeps paths inside the preopen', async () => {
    const r = await browser.run(
      where,
      async (dir) => {
        const { p3 } = weft;
        weft.setPreopens([[await weft.opfsDirectory(dir), '/data']]);
        const [[root, path]] = p3.preopens.getDirectories() as [[P3.Descriptor, string]];
        const chunks = (...parts: string[]) =>
          new ReadableStream<Uint8Array>({
            start(c) {
              for (const p of parts) c.enqueue(weft.bytes(p));
              c.close();
            },
          });
        const readAll = async (d: P3.Descriptor, offset: bigint) => {
          const [stream, done] = d.readViaStream(offset);
          const reader = stream.getReader();
          let text = '';
          for (let c = await reader.read(); !c.done; c = await reader.read()) text += weft.text(c.value);
          return { text, done: await done };
        };
        const rejected = async (p: Promise<unknown>) => {
          try {
            await p;
            return 'ok';
          } catch (e) {
            return e;
          }
        };
        const f = await root.openAt({}, 'a.txt', { create: true, truncate: true }, { read: true, write: true });
        const wrote = await f.writeViaStream(chunks('hello', ' world'), 0n);
        const appended = await f.appendViaStream(chunks('!', '?'));
        await f.sync();
        const all = await readAll(f, 0n);
        const tail = await readAll(f, 6n);
        const stat = await root.statAt({}, 'a.txt');
        await root.createDirectoryAt('sub');
        await root.renameAt('a.txt', root, 'sub/b.txt');
        const [entries, listed] = root.readDirectory();
        const names: string[] = [];
        const er = entries.getReader();
        for (let e = await er.read(); !e.done; e = await er.read()) names.push(`${e.value.name}:${e.value.type.tag}`);
        const sub = await root.openAt({}, 'sub', { directory: true }, { read: true, mutateDirectory: true });
        const escaped = await rejected(sub.openAt({}, '../../x', {}, { read: true }));
        const absolute = await rejected(root.statAt({}, '/etc'));
        const ro = await sub.openAt({}, 'b.txt', {}, { read: true });
        const refused = await ro.writeViaStream(chunks('no'), 0n);
        await sub.unlinkFileAt('b.txt');
        await root.removeDirectoryAt('sub');
        const [after] = root.readDirectory();
        const left = (await after.getReader().read()).done;
        await weft.flushOpfs();
        return { path, wrote, appended, all, tail, size: stat.size, type: stat.type, names, listed: await listed, escaped, absolute, refused, left };
      },
      fresh(where),
    );
    const ok = { tag: 'ok', val: undefined };
    expect(r).toEqual({
      path: '/data',
      wrote: ok,
      appended: ok,
      all: { text: 'hello world!?', done: ok },
      tail: { text: 'world!?', done: ok },
      size: 13n,
      type: { tag: 'regular-file' },
      names: ['sub:directory'],
      listed: ok,
      escaped: { tag: 'not-permitted' },
      absolute: { tag: 'not-permitted' },
      refused: { tag: 'err', val: { tag: 'bad-descriptor' } },
      left: true,
    });
  });
});
