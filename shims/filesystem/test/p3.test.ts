import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createMemoryDirectory, setPreopens, type Descriptor as Descriptor02 } from '../src/index.js';
import { openNodeDirectory } from '../src/node.js';
import * as p3 from '../src/p3/index.js';

const { Descriptor, preopens, types } = p3;
type Descriptor = InstanceType<typeof Descriptor>;

const scratch = mkdtempSync(join(tmpdir(), 'weft-fs-p3-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let dirs = 0;
function hostDir(): string {
  const d = join(scratch, `root${dirs++}`);
  mkdirSync(d);
  return d;
}

afterEach(() => setPreopens([]));

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A guest's `stream<u8>`: the chunks, then the end; records a cancel. */
function guestStream(...chunks: string[]): ReadableStream<Uint8Array> & { cancelled?: unknown } {
  let i = 0;
  const s: ReadableStream<Uint8Array> & { cancelled?: unknown } = new ReadableStream<Uint8Array>({
    pull(c) {
      if (i < chunks.length) c.enqueue(enc.encode(chunks[i++]!));
      else c.close();
    },
    cancel(reason) {
      s.cancelled = reason ?? 'cancelled';
    },
  });
  return s;
}

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  let out = '';
  for await (const c of stream) out += dec.decode(c, { stream: true });
  return out;
}

/** What an async method rejected with. */
async function rejected(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

/** A 0.2 root handed to setPreopens, and the 0.3 descriptor the guest gets for it. */
function preopen(root: Descriptor02): Descriptor {
  setPreopens([[root, '/data']]);
  const [[d, path]] = preopens.getDirectories() as [[Descriptor, string]];
  expect(path).toBe('/data');
  return d;
}

async function create(root: Descriptor, path: string, content: string): Promise<Descriptor> {
  const f = await root.openAt({}, path, { create: true, truncate: true }, { read: true, write: true });
  expect(await f.writeViaStream(guestStream(content), 0n)).toEqual({ tag: 'ok', val: undefined });
  return f;
}

async function readFile(root: Descriptor, path: string): Promise<string> {
  const f = await root.openAt({}, path, {}, { read: true });
  const [stream, done] = f.readViaStream(0n);
  const out = await text(stream);
  expect(await done).toEqual({ tag: 'ok', val: undefined });
  return out;
}

async function list(d: Descriptor): Promise<string[]> {
  const [stream, done] = d.readDirectory();
  const out: string[] = [];
  for await (const e of stream) out.push(`${e.name}:${e.type.tag}`);
  expect(await done).toEqual({ tag: 'ok', val: undefined });
  return out.sort();
}

const backends = [
  { name: 'memory', root: () => createMemoryDirectory(), readOnlyRoot: () => createMemoryDirectory({ readOnly: true }) },
  { name: 'node:fs', root: () => openNodeDirectory(hostDir()), readOnlyRoot: () => openNodeDirectory(hostDir(), { readOnly: true }) },
];

describe('wasi:filesystem@0.3.0 surface', () => {
  it('exports the 0.3 interfaces; a preopen is the same descriptor on every call', () => {
    expect(
      Object.keys(p3)
        .filter((k) => /^[a-z]/.test(k))
        .sort(),
    ).toEqual(['preopens', 'types']);
    expect(types.Descriptor).toBe(Descriptor);
    const root = preopen(createMemoryDirectory());
    expect(preopens.getDirectories()[0]![0]).toBe(root);
    expect(root).toBeInstanceOf(Descriptor);
  });

  it('bad JS values are TypeErrors naming function, parameter and WIT type', async () => {
    const root = preopen(createMemoryDirectory());
    const f = await create(root, 'f', 'x');
    expect(() => f.writeViaStream('x' as unknown as ReadableStream<Uint8Array>, 0n)).toThrow(
      /descriptor\.write-via-stream: data: expected a ReadableStream<Uint8Array> \(WIT stream<u8>\), got string/,
    );
    expect(() => root.renameAt('f', {} as Descriptor, 'g')).toThrow(/descriptor\.rename-at: new-descriptor: expected a Descriptor/);
    expect(() => root.isSameObject(null as unknown as Descriptor)).toThrow(TypeError);
  });
});

describe.each(backends)('wasi:filesystem@0.3.0 over the $name backend', (b) => {
  it('creates, streams in and out, stats, truncates and syncs files', async () => {
    const root = preopen(b.root());
    const f = await create(root, 'a.txt', 'hello');
    expect(await f.writeViaStream(guestStream(' big', ' world'), 5n)).toEqual({ tag: 'ok', val: undefined });
    expect(await readFile(root, 'a.txt')).toBe('hello big world');
    const st = await f.stat();
    expect(st.type).toEqual({ tag: 'regular-file' });
    expect(st.size).toBe(15n);
    expect(st.linkCount).toBe(1n);
    expect(typeof st.dataModificationTimestamp?.seconds).toBe('bigint');
    expect(await f.getType()).toEqual({ tag: 'regular-file' });
    expect(await root.getType()).toEqual({ tag: 'directory' });
    expect(await f.getFlags()).toMatchObject({ read: true, write: true });
    await f.setSize(5n);
    expect((await root.statAt({}, 'a.txt')).size).toBe(5n);
    await f.sync();
    await f.syncData();
    await f.advise(0n, 5n, 'sequential');
    const [from2, done] = f.readViaStream(2n);
    expect(await text(from2)).toBe('llo');
    expect(await done).toEqual({ tag: 'ok', val: undefined });
  });

  it('appends each chunk at the end of the file', async () => {
    const root = preopen(b.root());
    const f = await create(root, 'log', 'one;');
    const other = await root.openAt({}, 'log', {}, { write: true });
    expect(await f.appendViaStream(guestStream('two;', 'three;'))).toEqual({ tag: 'ok', val: undefined });
    expect(await other.appendViaStream(guestStream('four;'))).toEqual({ tag: 'ok', val: undefined });
    expect(await readFile(root, 'log')).toBe('one;two;three;four;');
  });

  it('streams a large file in chunks, pulled only as the reader asks', async () => {
    const root = preopen(b.root());
    const big = 'x'.repeat(300_000);
    await create(root, 'big', big);
    const f = await root.openAt({}, 'big', {}, { read: true });
    const [stream, done] = f.readViaStream(0n);
    const reader = stream.getReader();
    const first = await reader.read();
    expect(first.value!.length).toBeLessThan(big.length);
    let total = first.value!.length;
    for (let r = await reader.read(); !r.done; r = await reader.read()) total += r.value.length;
    expect(total).toBe(big.length);
    expect(await done).toEqual({ tag: 'ok', val: undefined });
  });

  it('a dropped read stream settles ok', async () => {
    const root = preopen(b.root());
    await create(root, 'f', 'abcdef');
    const f = await root.openAt({}, 'f', {}, { read: true });
    const [stream, done] = f.readViaStream(0n);
    await stream.cancel();
    expect(await done).toEqual({ tag: 'ok', val: undefined });
  });

  it('rights: a stream on a descriptor not open for it settles err(bad-descriptor), and the guest stream is dropped', async () => {
    const root = preopen(b.root());
    await create(root, 'f', 'x');
    const ro = await root.openAt({}, 'f', {}, { read: true });
    const data = guestStream('nope');
    expect(await ro.writeViaStream(data, 0n)).toEqual({ tag: 'err', val: { tag: 'bad-descriptor' } });
    expect(data.cancelled).toBe('bad-descriptor');
    expect(await ro.appendViaStream(guestStream('nope'))).toEqual({ tag: 'err', val: { tag: 'bad-descriptor' } });
    const wo = await root.openAt({}, 'f', {}, { write: true });
    const [stream, done] = wo.readViaStream(0n);
    expect(await text(stream)).toBe('');
    expect(await done).toEqual({ tag: 'err', val: { tag: 'bad-descriptor' } });
    const roRoot = preopen(b.readOnlyRoot());
    expect(await rejected(roRoot.createDirectoryAt('d'))).toEqual({ tag: 'not-permitted' });
    expect(await rejected(roRoot.openAt({}, 'n', { create: true }, { write: true }))).toEqual({ tag: 'not-permitted' });
  });

  it('open flags fail with error-code variants', async () => {
    const root = preopen(b.root());
    await create(root, 'f', 'x');
    expect(await rejected(root.openAt({}, 'missing', {}, { read: true }))).toEqual({ tag: 'no-entry' });
    expect(await rejected(root.openAt({}, 'f', { create: true, exclusive: true }, { write: true }))).toEqual({ tag: 'exist' });
    expect(await rejected(root.openAt({}, 'f', { directory: true }, { read: true }))).toEqual({ tag: 'not-directory' });
    expect(await rejected(root.readlinkAt('f'))).toEqual({ tag: 'invalid' });
  });

  it('makes, lists, renames and removes directories and files', async () => {
    const root = preopen(b.root());
    await root.createDirectoryAt('d');
    await create(root, 'd/one', '1');
    await create(root, 'two', '2');
    expect(await list(root)).toEqual(['d:directory', 'two:regular-file']);
    const d = await root.openAt({}, 'd', { directory: true }, { read: true, mutateDirectory: true });
    expect(await list(d)).toEqual(['one:regular-file']);
    await root.renameAt('two', d, 'two');
    expect(await list(d)).toEqual(['one:regular-file', 'two:regular-file']);
    expect(await rejected(root.removeDirectoryAt('d'))).toEqual({ tag: 'not-empty' });
    await d.unlinkFileAt('one');
    await d.unlinkFileAt('two');
    await root.removeDirectoryAt('d');
    expect(await list(root)).toEqual([]);
  });

  it('a dropped directory stream settles ok', async () => {
    const root = preopen(b.root());
    await create(root, 'a', '');
    await create(root, 'b', '');
    const [stream, done] = root.readDirectory();
    const reader = stream.getReader();
    expect((await reader.read()).done).toBe(false);
    await reader.cancel();
    expect(await done).toEqual({ tag: 'ok', val: undefined });
  });

  it('identifies objects and sets times', async () => {
    const root = preopen(b.root());
    const f = await create(root, 'f', 'x');
    const again = await root.openAt({}, 'f', {}, { read: true });
    expect(await f.isSameObject(again)).toBe(true);
    expect(await f.isSameObject(root)).toBe(false);
    expect(await f.metadataHash()).toEqual(await root.metadataHashAt({}, 'f'));
    await f.setTimes({ tag: 'timestamp', val: { seconds: 1000n, nanoseconds: 0 } }, { tag: 'no-change' });
    expect((await f.stat()).dataAccessTimestamp).toEqual({ seconds: 1000n, nanoseconds: 0 });
    await root.setTimesAt({}, 'f', { tag: 'no-change' }, { tag: 'timestamp', val: { seconds: 3000n, nanoseconds: 0 } });
    expect((await root.statAt({}, 'f')).dataModificationTimestamp).toEqual({ seconds: 3000n, nanoseconds: 0 });
  });

  it('never lets a path escape the preopen', async () => {
    const root = preopen(b.root());
    await root.createDirectoryAt('sub');
    await create(root, 'sub/f', 'x');
    const sub = await root.openAt({}, 'sub', { directory: true }, { read: true, mutateDirectory: true });
    for (const path of ['..', '../sub/f', 'a/../..', '/etc/passwd', '/', '../../../../etc/passwd']) {
      expect(await rejected(sub.openAt({}, path, {}, { read: true })), path).toEqual({ tag: 'not-permitted' });
      expect(await rejected(sub.statAt({}, path)), path).toEqual({ tag: 'not-permitted' });
    }
    expect(await rejected(sub.openAt({}, '../x', { create: true }, { write: true }))).toEqual({ tag: 'not-permitted' });
    expect(await rejected(sub.createDirectoryAt('../x'))).toEqual({ tag: 'not-permitted' });
    expect(await rejected(sub.renameAt('f', sub, '../f'))).toEqual({ tag: 'not-permitted' });
    expect(await rejected(sub.unlinkFileAt('../sub/f'))).toEqual({ tag: 'not-permitted' });
    expect(await rejected(sub.removeDirectoryAt('..'))).toEqual({ tag: 'not-permitted' });
    expect(await list(root)).toEqual(['sub:directory']);
  });
});

describe('wasi:filesystem@0.3.0 backend specifics', () => {
  it('memory: seeded files, and what it cannot do is unsupported', async () => {
    const root = preopen(createMemoryDirectory({ files: { 'a/b.txt': 'seeded' } }));
    expect(await readFile(root, 'a/b.txt')).toBe('seeded');
    expect(await rejected(root.symlinkAt('a/b.txt', 'l'))).toEqual({ tag: 'unsupported' });
    expect(await rejected(root.linkAt({}, 'a/b.txt', root, 'l'))).toEqual({ tag: 'unsupported' });
    expect(await rejected(root.renameAt('a', preopen(createMemoryDirectory()), 'a'))).toEqual({ tag: 'cross-device' });
  });

  it('node:fs: bytes land in the host directory; links inside work, links out are refused', async () => {
    const outside = hostDir();
    writeFileSync(join(outside, 'secret'), 'secret');
    const dir = hostDir();
    mkdirSync(join(dir, 'in'));
    writeFileSync(join(dir, 'in', 'f'), 'inside');
    symlinkSync(outside, join(dir, 'out'));
    symlinkSync('in', join(dir, 'in-link'));
    const root = preopen(openNodeDirectory(dir));
    const made = await create(root, 'made.txt', 'from guest');
    await made.sync();
    expect(readFileSync(join(dir, 'made.txt'), 'utf8')).toBe('from guest');
    expect(await readFile(root, 'in-link/f')).toBe('inside');
    expect(await rejected(root.openAt({}, 'out/secret', {}, { read: true }))).toEqual({ tag: 'not-permitted' });
    expect(await rejected(root.openAt({}, 'out/new', { create: true }, { write: true }))).toEqual({ tag: 'not-permitted' });
    expect(await rejected(root.symlinkAt('../x', 'esc'))).toEqual({ tag: 'not-permitted' });
    expect((await root.statAt({}, 'out')).type).toEqual({ tag: 'symbolic-link' });
    expect(await root.readlinkAt('in-link')).toBe('in');
    await root.linkAt({}, 'in/f', root, 'hard');
    expect((await root.statAt({}, 'hard')).linkCount).toBe(2n);
    expect(existsSync(join(outside, 'new'))).toBe(false);
  });

  it('node:fs: a dropped descriptor closes its file', async () => {
    const root = preopen(openNodeDirectory(hostDir()));
    const f = await create(root, 'x', 'y');
    f[Symbol.dispose]();
    expect(await rejected(f.stat())).toEqual({ tag: 'bad-descriptor' });
  });
});

describe('wasi:filesystem@0.3.0 in browsers', () => {
  it('the p3 entry never reaches a node: module', () => {
    const seen = new Set<string>();
    const visit = (file: URL): void => {
      if (seen.has(file.href)) return;
      seen.add(file.href);
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)) {
        expect(spec, `${file} imports ${spec}`).not.toMatch(/^node:/);
        if (spec!.startsWith('.')) visit(new URL(spec!.replace(/\.js$/, '.ts'), file));
      }
    };
    visit(new URL('../src/p3/index.ts', import.meta.url));
    expect([...seen].some((f) => f.endsWith('/src/node.ts'))).toBe(false);
    expect([...seen].some((f) => f.endsWith('/src/preopens.ts'))).toBe(true);
  });
});
