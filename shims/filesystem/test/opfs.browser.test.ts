import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Opfs from '../src/opfs.js';
import type * as Fs from '../src/index.js';
import { openOpfsBrowser, type OpfsBrowser, type Where } from './opfs-harness.js';

/** What scenarios find on `globalThis.weft` in the browser (see the harness). */
interface Weft extends Pick<typeof Opfs, 'opfsDirectory' | 'openOpfsDirectory' | 'flushOpfs'> {
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

// A worker without working sync access handles takes the main thread's path: every scenario must still hold.
describe.each(['page', 'worker', 'worker-no-sync-access', 'worker-refusing-sync-access'] as const)('OPFS backend in the %s', (where) => {
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

  it('honours open flags and descriptor rights with the right error codes', async () => {
    const r = await browser.run(
      where,
      async (dir) => {
        const root = await weft.opfsDirectory(dir);
        const c = weft.code;
        const f = await root.openAt({}, 'f', { create: true }, { read: true, write: true });
        await f.write(weft.bytes('data'), 0n);
        await root.createDirectoryAt('d');
        const ro = await root.openAt({}, 'f', {}, { read: true });
        const wo = await root.openAt({}, 'f', {}, { write: true });
        const sub = await root.openAt({}, 'd', { directory: true }, { read: true });
        const readOnly = weft.openOpfsDirectory(await navigator.storage.getDirectory(), { readOnly: true });
        const badPaths: string[] = [];
        for (const path of ['../x', '/abs', 'a//b']) {
          badPaths.push(
            await weft.opfsDirectory(path).then(
              () => 'opened',
              (e: Error) => e.message,
            ),
          );
        }
        return {
          missing: await c(() => root.openAt({}, 'missing', {}, { read: true })),
          exclusive: await c(() => root.openAt({}, 'f', { create: true, exclusive: true }, { write: true })),
          fileAsDir: await c(() => root.openAt({}, 'f', { directory: true }, { read: true })),
          dirForWrite: await c(() => root.openAt({}, 'd', {}, { read: true, write: true })),
          trailingSlash: await c(() => root.openAt({}, 'f/', {}, { read: true })),
          throughFile: await c(() => root.openAt({}, 'f/x', {}, { read: true })),
          createDirPath: await c(() => root.openAt({}, 'new/', { create: true }, { write: true })),
          createInMissing: await c(() => root.openAt({}, 'missing/new', { create: true }, { write: true })),
          createAndDirectory: await c(() => root.openAt({}, 'x', { create: true, directory: true }, { read: true })),
          mkdirExists: await c(() => root.createDirectoryAt('d')),
          mkdirOnFile: await c(() => root.createDirectoryAt('f')),
          writeReadOnly: await c(() => ro.write(weft.bytes('x'), 0n)),
          streamReadOnly: await c(() => ro.writeViaStream(0n)),
          setSizeReadOnly: await c(() => ro.setSize(0n)),
          readWriteOnly: await c(() => wo.read(1n, 0n)),
          readStreamWriteOnly: await c(() => wo.readViaStream(0n)),
          readdirOfFile: await c(() => ro.readDirectory()),
          mkdirInFile: await c(() => ro.createDirectoryAt('x')),
          readAtDir: await c(() => sub.read(1n, 0n)),
          subNoMutate: await c(() => sub.createDirectoryAt('x')),
          subNoCreate: await c(() => sub.openAt({}, 'x', { create: true }, { write: true })),
          readOnlyRoot: await c(() => readOnly.openAt({}, 'x', { create: true }, { write: true })),
          symlink: await c(() => root.symlinkAt('f', 'l')),
          link: await c(() => root.linkAt({}, 'f', root, 'l')),
          readlink: await c(() => root.readlinkAt('f')),
          readlinkMissing: await c(() => root.readlinkAt('nope')),
          setTimes: await c(() => f.setTimes({ tag: 'now' }, { tag: 'no-change' })),
          setTimesNoChange: await c(() => f.setTimes({ tag: 'no-change' }, { tag: 'no-change' })),
          setTimesAt: await c(() => root.setTimesAt({}, 'f', { tag: 'no-change' }, { tag: 'timestamp', val: { seconds: 1n, nanoseconds: 0 } })),
          setTimesAtMissing: await c(() => root.setTimesAt({}, 'nope', { tag: 'no-change' }, { tag: 'no-change' })),
          advise: await c(() => f.advise(0n, 10n, 'sequential')),
          badPaths,
          notAHandle: await c(() => weft.openOpfsDirectory({} as FileSystemDirectoryHandle)),
        };
      },
      fresh(where),
    );
    expect(r).toEqual({
      missing: 'no-entry',
      exclusive: 'exist',
      fileAsDir: 'not-directory',
      dirForWrite: 'is-directory',
      trailingSlash: 'not-directory',
      throughFile: 'not-directory',
      createDirPath: 'is-directory',
      createInMissing: 'no-entry',
      createAndDirectory: 'invalid',
      mkdirExists: 'exist',
      mkdirOnFile: 'exist',
      writeReadOnly: 'bad-descriptor',
      streamReadOnly: 'bad-descriptor',
      setSizeReadOnly: 'bad-descriptor',
      readWriteOnly: 'bad-descriptor',
      readStreamWriteOnly: 'bad-descriptor',
      readdirOfFile: 'not-directory',
      mkdirInFile: 'not-directory',
      readAtDir: 'is-directory',
      subNoMutate: 'not-permitted',
      subNoCreate: 'not-permitted',
      readOnlyRoot: 'not-permitted',
      symlink: 'unsupported',
      link: 'unsupported',
      readlink: 'invalid',
      readlinkMissing: 'no-entry',
      setTimes: 'unsupported',
      setTimesNoChange: 'ok',
      setTimesAt: 'unsupported',
      setTimesAtMissing: 'no-entry',
      advise: 'ok',
      badPaths: [
        expect.stringMatching(/^opfsDirectory: "\.\.\/x" is not a relative path inside the OPFS root/),
        expect.stringMatching(/^opfsDirectory: "\/abs" is not a relative path/),
        expect.stringMatching(/^opfsDirectory: "a\/\/b" is not a relative path/),
      ],
      notAHandle: expect.stringMatching(/TypeError: openOpfsDirectory: expected a FileSystemDirectoryHandle/),
    });
  });

  it('never lets a path escape the directory', async () => {
    const r = await browser.run(
      where,
      async (dir) => {
        const root = await weft.opfsDirectory(dir);
        await root.createDirectoryAt('sub');
        await (await root.openAt({}, 'sub/f', { create: true }, { write: true })).write(weft.bytes('x'), 0n);
        await (await root.openAt({}, 'outside', { create: true }, { write: true })).write(weft.bytes('secret'), 0n);
        const sub = await root.openAt({}, 'sub', { directory: true }, { read: true, mutateDirectory: true });
        const out: Record<string, string> = {};
        for (const path of ['..', '../outside', 'a/../..', './../x', '/etc/passwd', '/', 'f//f', '../../../../etc/passwd']) {
          out[`open ${path}`] = await weft.code(() => sub.openAt({}, path, {}, { read: true }));
          out[`stat ${path}`] = await weft.code(() => sub.statAt({}, path));
        }
        out.create = await weft.code(() => sub.openAt({}, '../x', { create: true }, { write: true }));
        out.mkdir = await weft.code(() => sub.createDirectoryAt('../x'));
        out.rename = await weft.code(() => sub.renameAt('f', sub, '../f'));
        out.unlink = await weft.code(() => sub.unlinkFileAt('../outside'));
        out.rmdir = await weft.code(() => sub.removeDirectoryAt('..'));
        out.empty = await weft.code(() => sub.statAt({}, ''));
        out.backslash = await weft.code(() => sub.openAt({}, '..\\outside', {}, { read: true }));
        out.inside = (await sub.statAt({}, 'x/../f')).type;
        return { out, names: await weft.names(root) };
      },
      fresh(where),
    );
    for (const [what, code] of Object.entries(r.out)) {
      if (what === 'empty') expect(code, what).toBe('no-entry');
      else if (what === 'backslash') expect(code, what).toBe('invalid');
      else if (what === 'inside') expect(code, what).toBe('regular-file');
      else expect(code, what).toBe('not-permitted');
    }
    expect(r.names).toEqual(['outside:regular-file', 'sub:directory']);
  });

  it('renames, unlinks and removes files and directories', async () => {
    const r = await browser.run(
      where,
      async (dir) => {
        const root = await weft.opfsDirectory(dir);
        const c = weft.code;
        const put = async (path: string, text: string) => {
          const f = await root.openAt({}, path, { create: true, truncate: true }, { write: true });
          await f.write(weft.bytes(text), 0n);
          f[Symbol.dispose]();
        };
        const get = async (path: string) => {
          const f = await root.openAt({}, path, {}, { read: true });
          const [bytes] = await f.read(1000n, 0n);
          f[Symbol.dispose]();
          return weft.text(bytes);
        };
        const out: Record<string, unknown> = {};
        await root.createDirectoryAt('dir');
        await put('dir/one', '1');
        await put('two', '2');
        out.rmdirNotEmpty = await c(() => root.removeDirectoryAt('dir'));
        out.rmdirFile = await c(() => root.removeDirectoryAt('two'));
        out.rmdirMissing = await c(() => root.removeDirectoryAt('nope'));
        out.unlinkDir = await c(() => root.unlinkFileAt('dir'));
        out.unlinkMissing = await c(() => root.unlinkFileAt('nope'));
        await root.renameAt('two', root, 'dir/three');
        out.moved = await get('dir/three');
        out.oldGone = await c(() => root.statAt({}, 'two'));
        await root.renameAt('dir/three', root, 'dir/one');
        out.replaced = await get('dir/one');
        const sub = await root.openAt({}, 'dir', { directory: true }, { read: true, mutateDirectory: true });
        await sub.renameAt('one', root, 'back');
        out.afterBack = await weft.names(root);
        await root.createDirectoryAt('e');
        out.fileOntoDir = await c(() => root.renameAt('back', root, 'e'));
        out.dirOntoFile = await c(() => root.renameAt('e', root, 'back'));
        out.renameMissing = await c(() => root.renameAt('missing', root, 'x'));
        out.dirIntoItself = await c(() => root.renameAt('e', root, 'e/inside'));
        await put('e/keep', 'kept');
        await root.createDirectoryAt('e/deeper');
        await put('e/deeper/leaf', 'leaf');
        await root.removeDirectoryAt('dir');
        await root.renameAt('e', root, 'moved-dir');
        out.dirMoved = await weft.names(root);
        out.dirContents = [await get('moved-dir/keep'), await get('moved-dir/deeper/leaf')];
        await root.createDirectoryAt('full');
        await put('full/x', 'x');
        out.dirOntoNonEmpty = await c(() => root.renameAt('moved-dir', root, 'full'));
        await root.createDirectoryAt('empty');
        await root.renameAt('moved-dir', root, 'empty');
        out.dirOntoEmpty = await weft.names(await root.openAt({}, 'empty', { directory: true }, { read: true }));
        await root.unlinkFileAt('back');
        out.unlinkAgain = await c(() => root.unlinkFileAt('back'));
        out.rootBusy = await c(() => root.renameAt('.', root, 'x'));
        out.final = await weft.names(root);
        return out;
      },
      fresh(where),
    );
    expect(r).toEqual({
      rmdirNotEmpty: 'not-empty',
      rmdirFile: 'not-directory',
      rmdirMissing: 'no-entry',
      unlinkDir: 'is-directory',
      unlinkMissing: 'no-entry',
      moved: '2',
      oldGone: 'no-entry',
      replaced: '2',
      afterBack: ['back:regular-file', 'dir:directory'],
      fileOntoDir: 'is-directory',
      dirOntoFile: 'not-directory',
      renameMissing: 'no-entry',
      dirIntoItself: 'invalid',
      dirMoved: ['back:regular-file', 'moved-dir:directory'],
      dirContents: ['kept', 'leaf'],
      dirOntoNonEmpty: 'not-empty',
      dirOntoEmpty: ['deeper:directory', 'keep:regular-file'],
      unlinkAgain: 'no-entry',
      rootBusy: 'busy',
      final: ['empty:directory', 'full:directory'],
    });
  });

  it('streams file contents through wasi:io streams', async () => {
    const r = await browser.run(
      where,
      async (dir) => {
        const root = await weft.opfsDirectory(dir);
        const f = await root.openAt({}, 's', { create: true }, { read: true, write: true });
        const out = await f.writeViaStream(0n);
        await out.blockingWriteAndFlush(weft.bytes('abc'));
        out.checkWrite();
        out.write(weft.bytes('def'));
        await out.blockingFlush();
        const app = await f.appendViaStream();
        await app.blockingWriteAndFlush(weft.bytes('XYZ'));
        const mid = await f.writeViaStream(1n);
        await mid.blockingWriteAndFlush(weft.bytes('B'));
        const [all] = await f.read(100n, 0n);
        const input = await f.readViaStream(2n);
        const first = await input.blockingRead(4n);
        const rest = await input.blockingRead(100n);
        let end: unknown;
        try {
          await input.blockingRead(1n);
        } catch (e) {
          end = e;
        }
        return { all: weft.text(all), first: weft.text(first), rest: weft.text(rest), end };
      },
      fresh(where),
    );
    expect(r).toEqual({ all: 'aBcdefXYZ', first: 'cdef', rest: 'XYZ', end: { tag: 'closed' } });
  });

  it('writes a 4 MiB file in 64 KiB chunks and reads it back intact', async () => {
    const r = await browser.run(
      where,
      async (dir) => {
        const root = await weft.opfsDirectory(dir);
        const CHUNK = 64 * 1024;
        const chunk = (i: number) => {
          const b = new Uint8Array(CHUNK);
          for (let j = 0; j < CHUNK; j++) b[j] = (i * 31 + j * 7 + (j >> 8)) & 0xff;
          return b;
        };
        const f = await root.openAt({}, 'big.bin', { create: true, truncate: true }, { read: true, write: true });
        let written = 0;
        let h = 0x811c9dc5;
        for (let i = 0; i < 64; i++) {
          const b = chunk(i);
          h = weft.fnv1a(b, h);
          written += Number(await f.write(b, BigInt(i * CHUNK)));
        }
        const sameDescriptor = { size: (await f.stat()).size };
        let back = 0x811c9dc5;
        let read = 0;
        for (let eof = false; !eof; ) {
          const [b, end] = await f.read(BigInt(CHUNK), BigInt(read));
          back = weft.fnv1a(b, back);
          read += b.length;
          eof = end;
        }
        await f.sync();
        f[Symbol.dispose]();
        const g = await root.openAt({}, 'big.bin', {}, { read: true });
        const stream = await g.readViaStream(0n);
        let streamed = 0x811c9dc5;
        let streamedBytes = 0;
        for (;;) {
          let b: Uint8Array;
          try {
            b = await stream.blockingRead(BigInt(CHUNK));
          } catch {
            break;
          }
          streamed = weft.fnv1a(b, streamed);
          streamedBytes += b.length;
        }
        const raw = await (await (await navigator.storage.getDirectory()).getDirectoryHandle(dir)).getFileHandle('big.bin');
        const rawFile = await raw.getFile();
        return {
          written,
          h,
          sameDescriptor,
          read,
          back,
          streamedBytes,
          streamed,
          rawSize: rawFile.size,
          raw: weft.fnv1a(new Uint8Array(await rawFile.arrayBuffer())),
        };
      },
      fresh(where),
    );
    const total = 4 * 1024 * 1024;
    expect(r.written).toBe(total);
    expect(r.sameDescriptor.size).toBe(BigInt(total));
    expect(r.read).toBe(total);
    expect(r.streamedBytes).toBe(total);
    expect(r.rawSize).toBe(total);
    expect(r.back).toBe(r.h);
    expect(r.streamed).toBe(r.h);
    expect(r.raw).toBe(r.h);
  });

  it('keeps writes across a drop and reopen, and shows uncommitted writes to every descriptor', async () => {
    const r = await browser.run(
      where,
      async (dir) => {
        const root = await weft.opfsDirectory(dir);
        const a = await root.openAt({}, 'f', { create: true }, { read: true, write: true });
        await a.write(weft.bytes('first'), 0n);
        const b = await root.openAt({}, 'f', {}, { read: true, write: true });
        const seenByOther = weft.text((await b.read(100n, 0n))[0]);
        await b.write(weft.bytes('FI'), 0n);
        await a.write(weft.bytes('!'), 5n);
        const seenBySelf = weft.text((await a.read(100n, 0n))[0]);
        const statWhileOpen = (await root.statAt({}, 'f')).size;
        a[Symbol.dispose]();
        await b.write(weft.bytes('?'), 6n);
        b[Symbol.dispose]();
        const c = await root.openAt({}, 'f', {}, { read: true });
        const reopened = weft.text((await c.read(100n, 0n))[0]);
        c[Symbol.dispose]();
        const closedRead = await weft.code(() => c.read(1n, 0n));
        const d = await root.openAt({}, 'f', {}, { write: true });
        await d.write(weft.bytes('dropped'), 0n);
        d[Symbol.dispose]();
        const stat = await root.statAt({}, 'f');
        const raw = await (await (await (await navigator.storage.getDirectory()).getDirectoryHandle(dir)).getFileHandle('f')).getFile();
        const rawText = await raw.text();
        const e = await root.openAt({}, 'f', { truncate: true }, { write: true });
        const truncated = (await e.stat()).size;
        await e.setSize(3n);
        const grown = (await root.statAt({}, 'f')).size;
        return { seenByOther, seenBySelf, statWhileOpen, reopened, closedRead, size: stat.size, raw: rawText, truncated, grown };
      },
      fresh(where),
    );
    expect(r).toEqual({
      seenByOther: 'first',
      seenBySelf: 'FIrst!',
      statWhileOpen: 6n,
      reopened: 'FIrst!?',
      closedRead: 'bad-descriptor',
      size: 7n,
      raw: 'dropped',
      truncated: 0n,
      grown: 3n,
    });
  });

  it('identifies objects: is-same-object and metadata hashes', async () => {
    const r = await browser.run(
      where,
      async (dir) => {
        const root = await weft.opfsDirectory(dir);
        const a = await root.openAt({}, 'a', { create: true }, { read: true, write: true });
        await a.write(weft.bytes('x'), 0n);
        await (await root.openAt({}, 'b', { create: true }, { write: true })).write(weft.bytes('x'), 0n);
        const a2 = await root.openAt({}, './sub/../a', {}, { read: true });
        const bDesc = await root.openAt({}, 'b', {}, { read: true });
        const h = await a.metadataHash();
        const hAt = await root.metadataHashAt({}, 'a');
        const hB = await root.metadataHashAt({}, 'b');
        await a.write(weft.bytes('longer'), 0n);
        const hAfter = await a.metadataHash();
        const again = await weft.opfsDirectory(dir);
        const viaHandle = weft.openOpfsDirectory(await (await navigator.storage.getDirectory()).getDirectoryHandle(dir));
        const opfsRoot = await weft.opfsDirectory('');
        return {
          same: a.isSameObject(a2),
          other: a.isSameObject(bDesc),
          rootSelf: (await root.openAt({}, '.', {}, { read: true })).isSameObject(root),
          acrossRoots: (await again.openAt({}, 'a', {}, { read: true })).isSameObject(a),
          viaHandle: (await viaHandle.openAt({}, 'a', {}, { read: true })).isSameObject(a),
          viaHandleHash: (await viaHandle.metadataHashAt({}, 'b')).lower === hB.lower,
          fromOpfsRoot: (await opfsRoot.openAt({}, `${dir}/a`, {}, { read: true })).isSameObject(a),
          fromOpfsRootHash: (await opfsRoot.metadataHashAt({}, `${dir}/b`)).lower === hB.lower,
          hashEqual: h.lower === hAt.lower && h.upper === hAt.upper,
          hashDiffers: h.lower !== hB.lower,
          changedAfterWrite: hAfter.upper !== h.upper && hAfter.lower === h.lower,
          sync: await weft.code(() => a.sync()),
          syncData: await weft.code(() => a.syncData()),
          dirSync: await weft.code(() => root.sync()),
        };
      },
      fresh(where),
    );
    expect(r).toEqual({
      same: true,
      other: false,
      rootSelf: true,
      acrossRoots: true,
      viaHandle: true,
      viaHandleHash: true,
      fromOpfsRoot: true,
      fromOpfsRootHash: true,
      hashEqual: true,
      hashDiffers: true,
      changedAfterWrite: true,
      sync: 'ok',
      syncData: 'ok',
      dirSync: 'ok',
    });
  });

  it('renames and unlinks files that are open', async () => {
    const r = await browser.run(
      where,
      async (dir) => {
        const root = await weft.opfsDirectory(dir);
        const text = async (path: string) => {
          const f = await root.openAt({}, path, {}, { read: true });
          const [bytes] = await f.read(100n, 0n);
          f[Symbol.dispose]();
          return weft.text(bytes);
        };
        const a = await root.openAt({}, 'a', { create: true }, { read: true, write: true });
        await a.write(weft.bytes('one'), 0n);
        await root.renameAt('a', root, 'b');
        await a.write(weft.bytes('two'), 3n);
        const afterRename = await text('b');
        const target = await root.openAt({}, 'c', { create: true }, { read: true, write: true });
        await target.write(weft.bytes('old'), 0n);
        await root.renameAt('b', root, 'c');
        const replaced = await text('c');
        const replacedRead = await weft.code(() => target.read(10n, 0n));
        await root.unlinkFileAt('c');
        const unlinkedRead = await weft.code(() => a.read(10n, 0n));
        const unlinkedWrite = await weft.code(async () => {
          await a.write(weft.bytes('lost'), 0n);
          await a.sync();
        });
        const fresh = await root.openAt({}, 'c', { create: true }, { read: true, write: true });
        const freshSize = (await fresh.stat()).size;
        await fresh.write(weft.bytes('new'), 0n);
        a[Symbol.dispose]();
        target[Symbol.dispose]();
        fresh[Symbol.dispose]();
        await root.createDirectoryAt('d');
        const inside = await root.openAt({}, 'd/f', { create: true }, { write: true });
        await inside.write(weft.bytes('inside'), 0n);
        const dirWithOpenFile = await weft.code(() => root.renameAt('d', root, 'e'));
        inside[Symbol.dispose]();
        await root.renameAt('d', root, 'e');
        return {
          afterRename,
          replaced,
          replacedRead,
          unlinkedRead,
          unlinkedWrite,
          freshSize,
          fresh: await text('c'),
          dirWithOpenFile,
          movedAfterDrop: await text('e/f'),
          names: await weft.names(root),
        };
      },
      fresh(where),
    );
    expect(r).toEqual({
      afterRename: 'onetwo',
      replaced: 'onetwo',
      replacedRead: 'no-entry',
      unlinkedRead: 'no-entry',
      unlinkedWrite: 'no-entry',
      freshSize: 0n,
      fresh: 'new',
      dirWithOpenFile: 'busy',
      movedAfterDrop: 'inside',
      names: ['c:regular-file', 'e:directory'],
    });
  });
});

describe('OPFS backend, per context', () => {
  it('in a dedicated worker reads and writes synchronously through one shared sync access handle', async () => {
    const r = await browser.run(
      'worker',
      async (dir) => {
        const root = await weft.opfsDirectory(dir);
        const a = await root.openAt({}, 'f', { create: true }, { read: true, write: true });
        const b = await root.openAt({}, 'f', {}, { read: true, write: true });
        const wrote = a.write(weft.bytes('abc'), 0n);
        const read = b.read(10n, 0n);
        const raw = await (await (await navigator.storage.getDirectory()).getDirectoryHandle(dir)).getFileHandle('f');
        type Lockable = { createSyncAccessHandle(): Promise<{ close(): void }> };
        const whileOpen = await weft.code(() => (raw as unknown as Lockable).createSyncAccessHandle());
        a[Symbol.dispose]();
        const afterOneDrop = await weft.code(() => (raw as unknown as Lockable).createSyncAccessHandle());
        const stillReads = weft.text((b.read(10n, 0n) as [Uint8Array, boolean])[0]);
        b[Symbol.dispose]();
        const handle = await (raw as unknown as Lockable).createSyncAccessHandle();
        const lockedElsewhere = await weft.code(() => root.openAt({}, 'f', {}, { read: true }));
        handle.close();
        const afterUnlock = await weft.code(async () => (await root.openAt({}, 'f', {}, { read: true }))[Symbol.dispose]());
        return {
          lockedElsewhere,
          afterUnlock,
          wroteSync: !(wrote instanceof Promise),
          readSync: !(read instanceof Promise),
          read: weft.text((read as [Uint8Array, boolean])[0]),
          whileOpen,
          afterOneDrop,
          stillReads,
        };
      },
      fresh('worker'),
    );
    expect(r).toEqual({
      lockedElsewhere: 'busy',
      afterUnlock: 'ok',
      wroteSync: true,
      readSync: true,
      read: 'abc',
      whileOpen: expect.stringContaining('NoModificationAllowedError'),
      afterOneDrop: expect.stringContaining('NoModificationAllowedError'),
      stillReads: 'abc',
    });
  });

  it.each(['worker-no-sync-access', 'worker-refusing-sync-access'] as const)(
    'in a %s falls back to writable streams: operations answer with promises, and the file is committed on drop',
    async (where) => {
      const r = await browser.run(
        where,
        async (dir) => {
          const root = await weft.opfsDirectory(dir);
          const f = await root.openAt({}, 'f', { create: true }, { read: true, write: true });
          const read = f.read(4n, 0n);
          const readIsPromise = read instanceof Promise;
          await read;
          await f.write(weft.bytes('written by streams'), 0n);
          const raw = await (await (await navigator.storage.getDirectory()).getDirectoryHandle(dir)).getFileHandle('f');
          const beforeCommit = await (await raw.getFile()).text();
          await f.sync();
          const afterSync = await (await raw.getFile()).text();
          f[Symbol.dispose]();
          return { readIsPromise, beforeCommit, afterSync };
        },
        fresh(where),
      );
      expect(r).toEqual({ readIsPromise: true, beforeCommit: '', afterSync: 'written by streams' });
    },
  );

  it('on the main thread acknowledges writes at once, reads with promises, reads and stats without committing, and commits on drop', async () => {
    const r = await browser.run(
      'page',
      async (dir) => {
        const root = await weft.opfsDirectory(dir);
        const f = await root.openAt({}, 'f', { create: true }, { read: true, write: true });
        const wrote = f.write(weft.bytes('committed on drop'), 0n);
        const read = f.read(4n, 0n);
        const readIsPromise = read instanceof Promise;
        const head = weft.text((await read)[0]);
        await f.write(weft.bytes('C'), 0n);
        await f.write(weft.bytes('!!'), 17n);
        const statUncommitted = (await f.stat()).size;
        const statAtUncommitted = (await root.statAt({}, 'f')).size;
        const raw = await (await (await navigator.storage.getDirectory()).getDirectoryHandle(dir)).getFileHandle('f');
        const beforeDrop = await (await raw.getFile()).text();
        f[Symbol.dispose]();
        const g = await root.openAt({}, 'f', {}, { read: true });
        const reopened = weft.text((await g.read(100n, 0n))[0]);
        return { wrote, readIsPromise, head, statUncommitted, statAtUncommitted, beforeDrop, reopened, after: await (await raw.getFile()).text() };
      },
      fresh('page'),
    );
    expect(r).toEqual({
      wrote: 17n,
      readIsPromise: true,
      head: 'comm',
      statUncommitted: 19n,
      statAtUncommitted: 19n,
      beforeDrop: '',
      reopened: 'Committed on drop!!',
      after: 'Committed on drop!!',
    });
  });

  it('commits for a host that asks (flushOpfs), and on its own once a file sits idle', async () => {
    const r = await browser.run(
      'page',
      async (dir) => {
        const root = await weft.opfsDirectory(dir);
        const raw = await (await navigator.storage.getDirectory()).getDirectoryHandle(dir);
        const rawText = async (name: string) => (await (await raw.getFileHandle(name)).getFile()).text();
        const dropped = await root.openAt({}, 'dropped', { create: true }, { write: true });
        await dropped.write(weft.bytes('dropped'), 0n);
        dropped[Symbol.dispose]();
        const held = await root.openAt({}, 'held', { create: true }, { write: true });
        await held.write(weft.bytes('held'), 0n);
        await weft.flushOpfs();
        const flushed = [await rawText('dropped'), await rawText('held')];
        const idle = await root.openAt({}, 'idle', { create: true }, { write: true });
        await idle.write(weft.bytes('idle'), 0n);
        const beforeIdle = await rawText('idle');
        let afterIdle = '';
        for (let i = 0; i < 100 && afterIdle === ''; i++) {
          await new Promise((r) => setTimeout(r, 100));
          afterIdle = await rawText('idle');
        }
        await held.write(weft.bytes('HELD'), 0n);
        held[Symbol.dispose]();
        idle[Symbol.dispose]();
        await weft.flushOpfs();
        return { flushed, beforeIdle, afterIdle, rewritten: await rawText('held'), names: await weft.names(root) };
      },
      fresh('page'),
    );
    expect(r).toEqual({
      flushed: ['dropped', 'held'],
      beforeIdle: '',
      afterIdle: 'idle',
      rewritten: 'HELD',
      names: ['dropped:regular-file', 'held:regular-file', 'idle:regular-file'],
    });
  });

  it('on the main thread reads uncommitted writes, truncations and holes without committing them', async () => {
    const r = await browser.run(
      'page',
      async (dir) => {
        const root = await weft.opfsDirectory(dir);
        const all = async (f: Fs.Descriptor) => [...(await f.read(100n, 0n))[0]].map((b) => (b ? String.fromCharCode(b) : '.')).join('');
        const f = await root.openAt({}, 'o', { create: true }, { read: true, write: true });
        const raw = await (await (await navigator.storage.getDirectory()).getDirectoryHandle(dir)).getFileHandle('o');
        const committed = async () => [...new Uint8Array(await (await raw.getFile()).arrayBuffer())].map((b) => (b ? String.fromCharCode(b) : '.')).join('');
        await f.write(weft.bytes('AAAAAAAAAA'), 0n);
        await f.sync();
        await f.write(weft.bytes('bb'), 2n);
        const overlaid = await all(f);
        const partial = weft.text((await f.read(3n, 1n))[0]);
        await f.setSize(4n);
        const truncated = await all(f);
        await f.write(weft.bytes('c'), 6n);
        const holed = await all(f);
        const other = await root.openAt({}, 'o', {}, { read: true });
        const seenByOther = await all(other);
        const stillCommitted = await committed();
        const MiB = 1 << 20;
        for (let i = 0; i < 9; i++) await f.write(new Uint8Array(MiB).fill(0x41 + i), BigInt(i * MiB));
        const tail = (await f.read(1n, BigInt(9 * MiB - 1)))[0][0];
        const committedAfterOverflow = (await raw.getFile()).size;
        f[Symbol.dispose]();
        other[Symbol.dispose]();
        return { overlaid, partial, truncated, holed, seenByOther, stillCommitted, tail, committedAfterOverflow };
      },
      fresh('page'),
    );
    expect(r).toEqual({
      overlaid: 'AAbbAAAAAA',
      partial: 'Abb',
      truncated: 'AAbb',
      holed: 'AAbb..c',
      seenByOther: 'AAbb..c',
      stillCommitted: 'AAAAAAAAAA',
      tail: 0x41 + 8,
      committedAfterOverflow: 9 * (1 << 20),
    });
  });
});
