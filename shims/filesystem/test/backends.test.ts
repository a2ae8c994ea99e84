import { afterEach, describe, expect, it } from 'vitest';
import { thrown } from '../../test-support.js';
import { IoError } from '@weft/wasi-io';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createMemoryDirectory, type Descriptor, preopens, setPreopens, types } from '../src/index.js';
import { openNodeDirectory } from '../src/node.js';

const scratch = mkdtempSync(join(tmpdir(), 'weft-fs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let dirs = 0;
function hostDir(): string {
  const d = join(scratch, `root${dirs++}`);
  mkdirSync(d);
  return d;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

interface Backend {
  name: string;
  /** A fresh, empty root directory with read and mutate-directory rights. */
  root(): Descriptor;
  /** The same, granting read only. */
  readOnlyRoot(): Descriptor;
}

export const backends: Backend[] = [
  { name: 'memory', root: () => createMemoryDirectory(), readOnlyRoot: () => createMemoryDirectory({ readOnly: true }) },
  { name: 'node:fs', root: () => openNodeDirectory(hostDir()), readOnlyRoot: () => openNodeDirectory(hostDir(), { readOnly: true }) },
];

function names(d: Descriptor): string[] {
  const s = d.readDirectory();
  const out: string[] = [];
  for (let e = s.readDirectoryEntry(); e !== undefined; e = s.readDirectoryEntry()) out.push(`${e.name}:${e.type}`);
  return out.sort();
}

function create(root: Descriptor, path: string, text: string): Descriptor {
  const f = root.openAt({}, path, { create: true, truncate: true }, { read: true, write: true });
  f.write(enc.encode(text), 0n);
  return f;
}

function readAll(root: Descriptor, path: string): string {
  const f = root.openAt({}, path, {}, { read: true });
  return dec.decode(f.read(1n << 20n, 0n)[0]);
}

afterEach(() => setPreopens([]));

describe.each(backends)('$name backend', (b) => {
  it('is a directory that setPreopens accepts', () => {
    const root = b.root();
    setPreopens([[root, '/tmp']]);
    const [[d, p]] = preopens.getDirectories() as [[Descriptor, string]];
    expect(p).toBe('/tmp');
    expect(d.getType()).toBe('directory');
    expect(d.getFlags()).toMatchObject({ read: true, mutateDirectory: true });
    expect(names(d)).toEqual([]);
  });

  it('creates, writes, reads, stats and truncates files', () => {
    const root = b.root();
    const f = create(root, 'a.txt', 'hello world');
    expect(f.getType()).toBe('regular-file');
    expect(f.stat()).toMatchObject({ type: 'regular-file', size: 11n });
    expect(root.statAt({}, 'a.txt').size).toBe(11n);
    expect(f.read(5n, 6n)).toEqual([enc.encode('world'), true]);
    expect(f.read(5n, 0n)).toEqual([enc.encode('hello'), false]);
    expect(f.read(5n, 100n)).toEqual([new Uint8Array(0), true]);
    expect(f.write(enc.encode('!'), 13n)).toBe(1n);
    expect(f.read(20n, 0n)[0]).toEqual(new Uint8Array([...enc.encode('hello world'), 0, 0, 0x21]));
    f.setSize(5n);
    expect(readAll(root, 'a.txt')).toBe('hello');
    root.openAt({}, 'a.txt', { truncate: true }, { write: true });
    expect(root.statAt({}, 'a.txt').size).toBe(0n);
    const t = root.statAt({}, 'a.txt').dataModificationTimestamp!;
    expect(typeof t.seconds).toBe('bigint');
    expect(Number(t.seconds)).toBeGreaterThan(1_600_000_000);
  });

  it('honours open flags: no-entry, exclusive, directory, is-directory', () => {
    const root = b.root();
    expect(thrown(() => root.openAt({}, 'missing', {}, { read: true }))).toBe('no-entry');
    create(root, 'f', 'x');
    expect(thrown(() => root.openAt({}, 'f', { create: true, exclusive: true }, { write: true }))).toBe('exist');
    expect(thrown(() => root.openAt({}, 'f', { directory: true }, { read: true }))).toBe('not-directory');
    root.createDirectoryAt('d');
    expect(thrown(() => root.openAt({}, 'd', {}, { read: true, write: true }))).toBe('is-directory');
    expect(thrown(() => root.openAt({}, 'f/', {}, { read: true }))).toBe('not-directory');
    expect(thrown(() => root.openAt({}, 'f/x', {}, { read: true }))).toBe('not-directory');
    expect(thrown(() => root.openAt({}, 'new/', { create: true }, { write: true }))).toBe('is-directory');
    expect(thrown(() => root.openAt({}, 'missing/new', { create: true }, { write: true }))).toBe('no-entry');
    const d = root.openAt({}, 'd', { directory: true }, { read: true, mutateDirectory: true });
    expect(d.getType()).toBe('directory');
    create(d, 'inner', 'in');
    expect(readAll(root, 'd/inner')).toBe('in');
    expect(root.openAt({}, '.', {}, { read: true }).isSameObject(root)).toBe(true);
  });

  it('checks descriptor rights', () => {
    const root = b.root();
    create(root, 'f', 'data');
    const ro = root.openAt({}, 'f', {}, { read: true });
    expect(thrown(() => ro.write(enc.encode('x'), 0n))).toBe('bad-descriptor');
    expect(thrown(() => ro.writeViaStream(0n))).toBe('bad-descriptor');
    expect(thrown(() => ro.setSize(0n))).toBe('bad-descriptor');
    const wo = root.openAt({}, 'f', {}, { write: true });
    expect(thrown(() => wo.read(1n, 0n))).toBe('bad-descriptor');
    expect(thrown(() => wo.readViaStream(0n))).toBe('bad-descriptor');
    expect(wo.getFlags()).toMatchObject({ write: true });
    expect(wo.getFlags().read).toBeFalsy();
    const sub = root.openAt({}, '.', { directory: true }, { read: true });
    expect(thrown(() => sub.createDirectoryAt('x'))).toBe('not-permitted');
    expect(thrown(() => sub.openAt({}, 'new', { create: true }, { write: true }))).toBe('not-permitted');
    expect(thrown(() => sub.unlinkFileAt('f'))).toBe('not-permitted');
    const rootRo = b.readOnlyRoot();
    expect(thrown(() => rootRo.createDirectoryAt('x'))).toBe('not-permitted');
    expect(thrown(() => rootRo.openAt({}, 'x', { create: true }, { write: true }))).toBe('not-permitted');
    expect(thrown(() => ro.readDirectory())).toBe('not-directory');
    expect(thrown(() => ro.createDirectoryAt('x'))).toBe('not-directory');
  });

  it('streams file contents through wasi:io streams', () => {
    const root = b.root();
    const f = root.openAt({}, 's', { create: true }, { read: true, write: true });
    const out = f.writeViaStream(0n);
    out.blockingWriteAndFlush(enc.encode('abc'));
    out.write(enc.encode('def'));
    out.flush();
    const app = f.appendViaStream();
    app.blockingWriteAndFlush(enc.encode('XYZ'));
    const mid = f.writeViaStream(1n);
    mid.blockingWriteAndFlush(enc.encode('B'));
    expect(readAll(root, 's')).toBe('aBcdefXYZ');
    const input = f.readViaStream(2n);
    expect(dec.decode(input.read(4n))).toBe('cdef');
    expect(dec.decode(input.blockingRead(100n) as Uint8Array)).toBe('XYZ');
    expect(thrown(() => input.read(1n))).toEqual({ tag: 'closed' });
  });

  it('makes, lists, renames and removes directories and files', () => {
    const root = b.root();
    root.createDirectoryAt('dir');
    expect(thrown(() => root.createDirectoryAt('dir'))).toBe('exist');
    create(root, 'dir/one', '1');
    create(root, 'two', '2');
    expect(names(root)).toEqual(['dir:directory', 'two:regular-file']);
    expect(names(root.openAt({}, 'dir', { directory: true }, { read: true }))).toEqual(['one:regular-file']);
    expect(thrown(() => root.removeDirectoryAt('dir'))).toBe('not-empty');
    expect(thrown(() => root.removeDirectoryAt('two'))).toBe('not-directory');
    expect(thrown(() => root.unlinkFileAt('dir'))).toBe('is-directory');
    root.renameAt('two', root, 'dir/three');
    expect(readAll(root, 'dir/three')).toBe('2');
    expect(thrown(() => root.statAt({}, 'two'))).toBe('no-entry');
    root.renameAt('dir/three', root, 'dir/one');
    expect(readAll(root, 'dir/one')).toBe('2');
    const sub = root.openAt({}, 'dir', { directory: true }, { read: true, mutateDirectory: true });
    sub.renameAt('one', root, 'back');
    expect(names(root)).toEqual(['back:regular-file', 'dir:directory']);
    root.createDirectoryAt('e');
    expect(thrown(() => root.renameAt('back', root, 'e'))).toBe('is-directory');
    expect(thrown(() => root.renameAt('e', root, 'back'))).toBe('not-directory');
    expect(thrown(() => root.renameAt('missing', root, 'x'))).toBe('no-entry');
    root.renameAt('e', root, 'dir');
    root.unlinkFileAt('back');
    root.removeDirectoryAt('dir');
    expect(names(root)).toEqual([]);
    expect(thrown(() => root.unlinkFileAt('back'))).toBe('no-entry');
  });

  it('identifies objects: is-same-object and metadata hashes', () => {
    const root = b.root();
    const a = create(root, 'a', 'x');
    create(root, 'b', 'x');
    const a2 = root.openAt({}, 'a', {}, { read: true });
    expect(a.isSameObject(a2)).toBe(true);
    expect(a.isSameObject(root.openAt({}, 'b', {}, { read: true }))).toBe(false);
    expect(a.metadataHash()).toEqual(root.metadataHashAt({}, 'a'));
    expect(a.metadataHash()).not.toEqual(root.metadataHashAt({}, 'b'));
    const before = a.metadataHash();
    a.write(enc.encode('longer'), 0n);
    expect(a.metadataHash()).not.toEqual(before);
    a.sync();
    a.syncData();
    a.advise(0n, 0n, 'sequential');
  });

  it('sets times', () => {
    const root = b.root();
    const f = create(root, 't', 'x');
    f.setTimes({ tag: 'timestamp', val: { seconds: 1000n, nanoseconds: 0 } }, { tag: 'timestamp', val: { seconds: 2000n, nanoseconds: 0 } });
    expect(f.stat().dataModificationTimestamp).toEqual({ seconds: 2000n, nanoseconds: 0 });
    expect(f.stat().dataAccessTimestamp).toEqual({ seconds: 1000n, nanoseconds: 0 });
    root.setTimesAt({}, 't', { tag: 'no-change' }, { tag: 'timestamp', val: { seconds: 3000n, nanoseconds: 0 } });
    expect(root.statAt({}, 't').dataModificationTimestamp).toEqual({ seconds: 3000n, nanoseconds: 0 });
  });

  it('never lets a path escape the directory', () => {
    const root = b.root();
    root.createDirectoryAt('sub');
    create(root, 'sub/f', 'x');
    const sub = root.openAt({}, 'sub', { directory: true }, { read: true, mutateDirectory: true });
    for (const path of ['..', '../sub/f', 'a/../..', './../x', '/etc/passwd', '/', 'f//f', '../../../../etc/passwd']) {
      expect(
        thrown(() => sub.openAt({}, path, {}, { read: true })),
        path,
      ).toBe('not-permitted');
      expect(
        thrown(() => sub.statAt({}, path)),
        path,
      ).toBe('not-permitted');
    }
    expect(thrown(() => sub.openAt({}, '../x', { create: true }, { write: true }))).toBe('not-permitted');
    expect(thrown(() => sub.createDirectoryAt('../x'))).toBe('not-permitted');
    expect(thrown(() => sub.renameAt('f', sub, '../f'))).toBe('not-permitted');
    expect(thrown(() => sub.unlinkFileAt('../sub/f'))).toBe('not-permitted');
    expect(thrown(() => sub.removeDirectoryAt('..'))).toBe('not-permitted');
    expect(thrown(() => sub.statAt({}, ''))).toBe('no-entry');
    expect(sub.statAt({}, 'x/../f').type).toBe('regular-file');
    expect(names(root)).toEqual(['sub:directory']);
  });

  it('reads no link from what is not one', () => {
    const root = b.root();
    create(root, 'f', 'x');
    expect(thrown(() => root.readlinkAt('f'))).toBe('invalid');
    expect(thrown(() => root.readlinkAt('nope'))).toBe('no-entry');
  });
});

describe('memory backend specifics', () => {
  it('seeds files and refuses links and cross-tree renames', () => {
    const root = createMemoryDirectory({ files: { 'a/b.txt': 'seeded', 'c.bin': new Uint8Array([1, 2]) } });
    expect(readAll(root, 'a/b.txt')).toBe('seeded');
    expect(root.statAt({}, 'c.bin').size).toBe(2n);
    expect(thrown(() => root.symlinkAt('c.bin', 'l'))).toBe('unsupported');
    expect(thrown(() => root.linkAt({}, 'c.bin', root, 'l'))).toBe('unsupported');
    expect(thrown(() => root.renameAt('c.bin', createMemoryDirectory(), 'c.bin'))).toBe('cross-device');
    expect(thrown(() => root.renameAt('a', root, 'a/inside'))).toBe('invalid');
  });

  it('reports stream failures as filesystem errors', () => {
    const err = new IoError('x', { domain: 'filesystem', code: 'io' });
    expect(types.filesystemErrorCode(err)).toBe('io');
  });
});

describe('node:fs backend specifics', () => {
  it('works on the host directory itself', () => {
    const dir = hostDir();
    writeFileSync(join(dir, 'pre.txt'), 'from host');
    const root = openNodeDirectory(dir);
    expect(readAll(root, 'pre.txt')).toBe('from host');
    create(root, 'made.txt', 'from guest').sync();
    expect(readFileSync(join(dir, 'made.txt'), 'utf8')).toBe('from guest');
    expect(() => openNodeDirectory(join(dir, 'nope'))).toThrow(/cannot open directory .*nope: it does not exist/);
    expect(() => openNodeDirectory(join(dir, 'pre.txt'))).toThrow(/not a directory/);
  });

  it('follows symbolic links inside the directory but never out of it', () => {
    const outside = hostDir();
    writeFileSync(join(outside, 'secret'), 'secret');
    const dir = hostDir();
    mkdirSync(join(dir, 'in'));
    writeFileSync(join(dir, 'in', 'f'), 'inside');
    symlinkSync(outside, join(dir, 'out'));
    symlinkSync(join(outside, 'secret'), join(dir, 'secret-link'));
    symlinkSync('in', join(dir, 'in-link'));
    const root = openNodeDirectory(dir);
    expect(readAll(root, 'in-link/f')).toBe('inside');
    expect(thrown(() => root.openAt({}, 'out/secret', {}, { read: true }))).toBe('not-permitted');
    expect(thrown(() => root.openAt({ symlinkFollow: true }, 'secret-link', {}, { read: true }))).toBe('not-permitted');
    expect(thrown(() => root.openAt({}, 'secret-link', {}, { read: true }))).toBe('loop');
    expect(thrown(() => root.openAt({}, 'out/new', { create: true }, { write: true }))).toBe('not-permitted');
    expect(thrown(() => root.openAt({}, 'out', { directory: true }, { read: true }))).toBe('loop');
    expect(thrown(() => root.openAt({ symlinkFollow: true }, 'out', { directory: true }, { read: true }))).toBe('not-permitted');
    expect(thrown(() => root.openAt({ symlinkFollow: true }, 'out/', {}, { read: true }))).toBe('not-permitted');
    const viaDirLink = root.openAt({ symlinkFollow: true }, 'in-link', { directory: true }, { read: true });
    expect(names(viaDirLink)).toEqual(['f:regular-file']);
    expect(thrown(() => viaDirLink.openAt({}, '../out/secret', {}, { read: true }))).toBe('not-permitted');
    expect(thrown(() => root.createDirectoryAt('out/d'))).toBe('not-permitted');
    expect(root.statAt({}, 'secret-link').type).toBe('symbolic-link');
    expect(root.readlinkAt('in-link')).toBe('in');
    expect(thrown(() => root.symlinkAt('../x', 'esc'))).toBe('not-permitted');
    expect(thrown(() => root.symlinkAt('/etc', 'esc'))).toBe('not-permitted');
    root.symlinkAt('in/f', 'ok-link');
    const viaLink = root.openAt({ symlinkFollow: true }, 'ok-link', {}, { read: true });
    expect(dec.decode(viaLink.read(100n, 0n)[0])).toBe('inside');
    root.linkAt({}, 'in/f', root, 'hard');
    expect(root.statAt({}, 'hard').linkCount).toBe(2n);
    expect(root.openAt({}, 'hard', {}, { read: true }).isSameObject(root.openAt({}, 'in/f', {}, { read: true }))).toBe(true);
    expect(thrown(() => root.linkAt({}, 'in/f', createMemoryDirectory(), 'x'))).toBe('cross-device');
    expect(existsSync(join(outside, 'new'))).toBe(false);
    const sub = root.openAt({}, 'in', { directory: true }, { read: true });
    expect(thrown(() => sub.openAt({}, '../in/f', {}, { read: true }))).toBe('not-permitted');
  });

  it('closes the file when the descriptor is dropped', () => {
    const root = openNodeDirectory(hostDir());
    const f = create(root, 'x', 'y');
    f[Symbol.dispose]();
    expect(thrown(() => f.read(1n, 0n))).toBe('bad-descriptor');
  });
});

describe('browser safety', () => {
  it('the main entry never reaches a node: module', () => {
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const src = readFileSync(new URL(`../src/${file}`, import.meta.url), 'utf8');
      for (const [, spec] of src.matchAll(/from '([^']+)'/g)) {
        expect(spec, `${file} imports ${spec}`).not.toMatch(/^node:/);
        if (spec!.startsWith('./')) visit(spec!.slice(2).replace(/\.js$/, '.ts'));
      }
    };
    visit('index.ts');
    expect(seen.has('memory.ts')).toBe(true);
    expect(seen.has('node.ts')).toBe(false);
  });
});
