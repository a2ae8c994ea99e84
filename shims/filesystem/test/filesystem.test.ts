import { afterEach, describe, expect, it } from 'vitest';
import { thrown } from '../../test-support.js';
import { IoError } from '@weft/wasi-io';
import { Descriptor, DirectoryEntryStream, filesystemError, preopens, setPreopens, types, type DescriptorBackend } from '../src/index.js';

afterEach(() => setPreopens([]));

describe('wasi:filesystem/preopens', () => {
  it('has no preopened directories by default', () => {
    expect(preopens.getDirectories()).toEqual([]);
  });

  it('lists what setPreopens set, and checks its input', () => {
    const d = new Descriptor({ getType: () => 'directory' });
    setPreopens([[d, '/data']]);
    const dirs = preopens.getDirectories();
    expect(dirs).toEqual([[d, '/data']]);
    expect(dirs[0]![0].getType()).toBe('directory');
    expect(() => setPreopens([[{} as Descriptor, '/x']])).toThrow(/no Descriptor/);
  });
});

describe('wasi:filesystem/types', () => {
  it('a backend without an operation reports unsupported for it', () => {
    const d = new Descriptor({});
    expect(thrown(() => d.stat())).toBe('unsupported');
    expect(thrown(() => d.openAt({}, 'x', {}, { read: true }))).toBe('unsupported');
    expect(thrown(() => d.readViaStream(0n))).toBe('unsupported');
    expect(thrown(() => d.readDirectory())).toBe('unsupported');
  });

  it('delegates to the backend, wrapping opened descriptors and directory entries', () => {
    const child: DescriptorBackend = { getType: () => 'regular-file' };
    const root: DescriptorBackend = {
      openAt: (_pf, path) => {
        if (path !== 'a.txt') throw 'no-entry';
        return child;
      },
      readDirectory: () => {
        const entries = [{ type: 'regular-file' as const, name: 'a.txt' }];
        return { next: () => entries.shift() };
      },
    };
    const d = new Descriptor(root);
    const f = d.openAt({}, 'a.txt', {}, { read: true });
    expect(f).toBeInstanceOf(Descriptor);
    expect(f.getType()).toBe('regular-file');
    expect(thrown(() => d.openAt({}, 'missing', {}, {}))).toBe('no-entry');
    const list = d.readDirectory();
    expect(list).toBeInstanceOf(DirectoryEntryStream);
    expect(list.readDirectoryEntry()).toEqual({ type: 'regular-file', name: 'a.txt' });
    expect(list.readDirectoryEntry()).toBeUndefined();
    expect(d.isSameObject(d)).toBe(true);
    expect(d.isSameObject(f)).toBe(false);
    expect(() => d.isSameObject({} as Descriptor)).toThrow(TypeError);
  });

  it('filesystem-error-code recovers the code of a filesystem stream error only', () => {
    expect(types.filesystemErrorCode(filesystemError('no-entry', 'gone'))).toBe('no-entry');
    expect(types.filesystemErrorCode(new IoError('other'))).toBeUndefined();
    expect(() => types.filesystemErrorCode({} as IoError)).toThrow(TypeError);
  });
});

describe('OPFS where there is none', () => {
  it('opfsDirectory names the missing browser feature instead of failing on navigator.storage', async () => {
    // Node has no origin private file system: navigator.storage is missing, as in WebKitGTK.
    expect((globalThis.navigator as Navigator | undefined)?.storage).toBeUndefined();
    const { opfsDirectory } = await import('../src/opfs.js');
    await expect(opfsDirectory('data')).rejects.toThrow(
      /^opfsDirectory: this environment has no origin private file system \(navigator\.storage\.getDirectory is missing\)/,
    );
  });
});
