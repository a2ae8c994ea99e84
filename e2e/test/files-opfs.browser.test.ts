/**
 * C programs (clang + wasi-libc) whose /data is a directory in Chromium's origin private
 * file system, through weft's OPFS backend, in every browser async mode. What the guest
 * wrote is checked again with the page's own OPFS API, and a persistent Chromium profile
 * shows the files outlive a reload and a browser restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_ASYNC_VARIANTS, variantMode, variantWithoutJspi } from '../src/async-modes.js';
import type { Browser } from 'playwright-core';
import { launchChromium, openBrowserSession, type BrowserSession } from '../src/browser.js';
import { buildCFixture } from '../src/fixtures.js';
import { fnv1a, opfsFnv1a, opfsReadText, opfsTree } from '../src/opfs-inspect.js';
import { repoRoot } from '../src/paths.js';
import { transpileForTest } from '../src/transpile-for-test.js';
import { runInPage, wasiPageHtml, WASI_PAGE_PATH, type PagePreopen, type PageRun } from '../src/wasi-page.js';

const PROGRAMS = ['files', 'fs_tree', 'fs_big', 'fs_persist', 'fs_escape'] as const;
type Program = (typeof PROGRAMS)[number];

const lines = (...l: string[]) => l.map((s) => `${s}\n`).join('');

const FILES_OUT = lines(
  'mkdir: ok',
  'create: ok',
  'read back: ok',
  'contents: written by wasm',
  'opendir: ok',
  'entries: 2',
  'rename: ok',
  'unlink: ok',
  'stat size 16: ok',
  'escape refused: yes',
  'nested escape refused: yes',
  'rmdir: ok',
);

const FS_TREE_OUT = lines(
  'mkdir tree: ok',
  'mkdir tree/a: ok',
  'mkdir tree/a/b: ok',
  'create top.txt: ok',
  'create a/one.txt: ok',
  'create a/b/two.txt: ok',
  'mkdir existing: refused (File exists)',
  'exclusive create of existing: refused (File exists)',
  'open missing: refused (No such file or directory)',
  'create in missing dir: refused (No such file or directory)',
  'after create:',
  '  d a/',
  '  d a/b/',
  '  f a/b/two.txt 8',
  '  f a/one.txt 4',
  '  f top.txt 10',
  'cat /data/tree/top.txt: top level',
  'cat /data/tree/a/one.txt: one',
  'cat /data/tree/a/b/two.txt: two two',
  'append top.txt: ok',
  'cat /data/tree/top.txt: top level',
  'more',
  'truncate and rewrite a/one.txt: ok',
  'cat /data/tree/a/one.txt: 1',
  'pwrite at 4 in a/b/two.txt: ok',
  'ftruncate a/b/two.txt to 7: ok',
  'cat /data/tree/a/b/two.txt: two TWO',
  'rename file into a/: ok',
  'rename dir a/b to c: ok',
  'rename over an existing file: ok',
  'after renames:',
  '  d a/',
  '  f a/moved.txt 9',
  '  d c/',
  '  f c/two.txt 7',
  'cat /data/tree/a/moved.txt: replaced',
  'cat /data/tree/c/two.txt: two TWO',
  'rmdir non-empty: refused (Directory not empty)',
  'unlink a directory: refused (Is a directory)',
  'rmdir a file: refused (Not a directory)',
  'file used as a directory: refused (Not a directory)',
  'open shared.txt twice: ok',
  'write through one descriptor: ok',
  'read it through the other: ok',
  'while shared.txt is open for writing:',
  '  d a/',
  '  f a/moved.txt 9',
  '  d c/',
  '  f c/two.txt 7',
  '  f shared.txt 5',
  'overwrite its start: ok',
  'the other sees the change: ok',
  'cat /data/tree/shared.txt: FIrst',
  'unlink shared.txt: ok',
  'write open.txt: ok',
  'rename it while open: ok',
  'write through the open descriptor: ok',
  'cat /data/tree/a/was-open.txt: before after',
  'unlink was-open.txt: ok',
  'unlink c/two.txt: ok',
  'rmdir c: ok',
  'unlink twice: refused (No such file or directory)',
  'unlink a/moved.txt: ok',
  'rmdir a: ok',
  'after deletes:',
  'rmdir tree: ok',
  'stat removed tree: refused (No such file or directory)',
);

const FS_ESCAPE_OUT = lines(
  'create /data/../x: refused',
  'create /data/inside/../../x: refused',
  'create /data/./inside/./../../x: refused',
  'create /data/inside/../../data/x: refused',
  'mkdir /data/../xdir: refused',
  'opendir /data/..: refused',
  'stat /data/inside/../..: refused',
  'rename to /data/../x: refused',
  'rename dir to /data/../xdir: refused',
  'create /x outside every preopen: refused',
  'open /etc/passwd: refused',
  'open through a link to /etc/passwd: refused',
  'create through a link to ../..: refused',
  'mkdir through a link to ../..: refused',
  'links made: absolute no, parent no',
  'file still inside: yes',
  'escapes: 0',
);

/** The 1 MiB fs_big.c writes: a linear congruential sequence. */
function bigFileBytes(): Uint8Array {
  const out = new Uint8Array(1 << 20);
  for (let i = 0; i < out.length; i++) out[i] = ((Math.imul(i, 1103515245) + 12345) >>> 16) & 0xff;
  return out;
}

/** The 10000-byte data.bin fs_persist.c writes. */
function persistBinBytes(): Uint8Array {
  const out = new Uint8Array(10000);
  for (let i = 0; i < out.length; i++) out[i] = (i * 31 + (i >> 8)) & 0xff;
  return out;
}

const BIN_FNV = fnv1a(persistBinBytes());

const PERSIST_WRITE_OUT = lines('wrote /tmp/scratch.txt', `wrote keep/: 4 directories, 3 files, data.bin fnv1a ${BIN_FNV}`);
const PERSIST_READ_OUT = lines(
  'found keep/:',
  '  d empty/',
  '  f readme.txt 23: kept across page loads',
  '  d sub/',
  `  f sub/data.bin 10000 fnv1a ${BIN_FNV}`,
  '  d sub/deep/',
  '  f sub/deep/note.txt 10: deep down',
  '/tmp holds 0 entries',
);
const PERSIST_UPDATED_OUT = lines(
  'found keep/:',
  '  f readme.txt 37: kept across page loads',
  'updated later',
  '  d renamed/',
  '  d sub/',
  '  f sub/note.txt 10: deep down',
  '/tmp holds 0 entries',
);

const urlOf = (entry: string) => '/' + relative(repoRoot, entry).split('\\').join('/');

async function transpilePrograms(mode: 'jspi' | 'asyncify'): Promise<Record<Program, string>> {
  const entries = {} as Record<Program, string>;
  for (const program of PROGRAMS) {
    const out = await transpileForTest(await buildCFixture(program), { name: `${program}_${mode}`, asyncMode: mode });
    entries[program] = urlOf(out.entry);
  }
  return entries;
}

/** /data on the OPFS directory `opfs`, and a fresh in-memory /tmp. */
function dataOn(opfs: string): PagePreopen[] {
  return [
    { path: '/data', opfs },
    { path: '/tmp', memory: true },
  ];
}

function expectRun(r: PageRun, stdout: string, exitCode = 0): void {
  expect(r.error).toBeUndefined();
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe(stdout);
  expect(r.exitCode).toBe(exitCode);
}

// One incognito browser for the single-page variants: each session's page gets its own context
// and server port, hence its own origin and OPFS.
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe.each(BROWSER_ASYNC_VARIANTS)('C programs with /data on OPFS in Chromium (%s)', (variant) => {
  const root = `weft-e2e/files-opfs/${variant}`;
  let entries: Record<Program, string>;
  let session: BrowserSession;

  beforeAll(async () => {
    entries = await transpilePrograms(variantMode(variant));
    session = await openBrowserSession({
      files: { [WASI_PAGE_PATH]: wasiPageHtml() },
      path: WASI_PAGE_PATH,
      withoutJspi: variantWithoutJspi(variant),
      browser,
    });
  });

  afterAll(async () => {
    await session?.close();
  });

  const run = (program: Program, dir: string, args: string[] = []) =>
    runInPage(session.page, entries[program], { args: [program, ...args], preopens: dataOn(`${root}/${dir}`) });

  it('the page has JSPI exactly when the variant does', async () => {
    const hasJspi = await session.page.evaluate(() => 'Suspending' in WebAssembly && 'promising' in WebAssembly);
    expect(hasJspi).toBe(!variantWithoutJspi(variant));
  });

  it('files.c: mkdir, create, read back, list, rename, unlink, stat, escapes refused', async () => {
    expectRun(await run('files', 'files'), FILES_OUT);
    expect(await opfsTree(session.page, `${root}/files`)).toEqual([{ path: 'renamed.txt', size: 16 }]);
    expect(await opfsReadText(session.page, `${root}/files/renamed.txt`)).toBe('written by wasm\n');
  });

  it('fs_tree.c: files and directories created, rewritten, shared, listed, renamed and deleted', async () => {
    expectRun(await run('fs_tree', 'tree'), FS_TREE_OUT);
    expect(await opfsTree(session.page, `${root}/tree`)).toEqual([]);
  });

  it('fs_big.c: 1 MiB in 4 KiB writes reads back with the same checksum, here and in OPFS', async () => {
    const expected = fnv1a(bigFileBytes());
    expectRun(
      await run('fs_big', 'big'),
      lines(
        `wrote 1048576 bytes in 256 writes, fnv1a ${expected}`,
        'size 1048576',
        `read 1048576 bytes in reads of up to 3000, fnv1a ${expected}, mismatched bytes 0`,
        'reads at offsets: ok',
        'seek to end 1048576, read there 0',
      ),
    );
    expect(await opfsFnv1a(session.page, `${root}/big/big.bin`)).toEqual({ size: 1 << 20, fnv1a: expected });
  });

  it('fs_escape.c: no path, rename or link reaches outside /data, and nothing appeared outside it', async () => {
    expectRun(await run('fs_escape', 'escape'), FS_ESCAPE_OUT);
    const everything = await opfsTree(session.page, '');
    const ancestors = root.split('/').map((_, i, parts) => `${parts.slice(0, i + 1).join('/')}/`);
    const outside = everything.filter((e) => !ancestors.includes(e.path) && !e.path.startsWith(`${root}/`));
    expect(outside).toEqual([]);
    expect(everything.filter((e) => /(^|\/)(x|xdir\/)$/.test(e.path))).toEqual([]);
    expect(await opfsTree(session.page, `${root}/escape`)).toEqual([]);
  });

  it('fs_persist.c: a later run in the same page finds the tree, and OPFS holds it', async () => {
    expectRun(await run('fs_persist', 'persist', ['write']), PERSIST_WRITE_OUT);
    expectRun(await run('fs_persist', 'persist', ['read']), PERSIST_READ_OUT);
    expect(await opfsFnv1a(session.page, `${root}/persist/keep/sub/data.bin`)).toEqual({ size: 10000, fnv1a: BIN_FNV });
  });

  it('left no uncaught errors in the page', () => {
    expect(session.pageErrors).toEqual([]);
  });
});

describe.each(BROWSER_ASYNC_VARIANTS)('OPFS data outlives a reload and a Chromium restart (%s)', (variant) => {
  const dir = `weft-e2e/files-opfs-persist/${variant}`;
  let entries: Record<Program, string>;
  let profile: string;
  let port: number;
  let session: BrowserSession | undefined;
  const pageErrors: Error[] = [];

  const open = async () => {
    session = await openBrowserSession({
      files: { [WASI_PAGE_PATH]: wasiPageHtml() },
      path: WASI_PAGE_PATH,
      withoutJspi: variantWithoutJspi(variant),
      userDataDir: profile,
      port,
    });
    port = Number(new URL(session.server.origin).port);
    return session;
  };
  const close = async () => {
    if (!session) return;
    pageErrors.push(...session.pageErrors);
    await session.close();
    session = undefined;
  };
  const run = (s: BrowserSession, mode: 'write' | 'update' | 'read') =>
    runInPage(s.page, entries.fs_persist, { args: ['fs_persist', mode], preopens: dataOn(dir) });

  beforeAll(async () => {
    entries = await transpilePrograms(variantMode(variant));
    profile = mkdtempSync(join(tmpdir(), 'weft-opfs-profile-'));
    port = 0;
  });

  afterAll(async () => {
    await close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('a fresh profile has nothing kept', async () => {
    const s = await open();
    expectRun(await run(s, 'read'), 'no keep/ in /data: No such file or directory\n', 1);
  });

  it('the written tree is in OPFS as the page itself sees it', async () => {
    const s = session!;
    expectRun(await run(s, 'write'), PERSIST_WRITE_OUT);
    expect(await opfsTree(s.page, dir)).toEqual([
      { path: 'keep/', size: 0 },
      { path: 'keep/empty/', size: 0 },
      { path: 'keep/readme.txt', size: 23 },
      { path: 'keep/sub/', size: 0 },
      { path: 'keep/sub/data.bin', size: 10000 },
      { path: 'keep/sub/deep/', size: 0 },
      { path: 'keep/sub/deep/note.txt', size: 10 },
    ]);
    expect(await opfsReadText(s.page, `${dir}/keep/readme.txt`)).toBe('kept across page loads\n');
    expect(await opfsFnv1a(s.page, `${dir}/keep/sub/data.bin`)).toEqual({ size: 10000, fnv1a: BIN_FNV });
  });

  it('after a reload the reader finds the tree; memory /tmp starts empty again', async () => {
    const s = session!;
    await s.page.reload();
    expectRun(await run(s, 'read'), PERSIST_READ_OUT);
    expectRun(await run(s, 'update'), 'updated keep/\n');
  });

  it('after closing Chromium and relaunching it on the profile the reader finds the updated tree', async () => {
    await close();
    const s = await open();
    expectRun(await run(s, 'read'), PERSIST_UPDATED_OUT);
    expect(await opfsTree(s.page, dir)).toEqual([
      { path: 'keep/', size: 0 },
      { path: 'keep/readme.txt', size: 37 },
      { path: 'keep/renamed/', size: 0 },
      { path: 'keep/sub/', size: 0 },
      { path: 'keep/sub/note.txt', size: 10 },
    ]);
    expect(await opfsReadText(s.page, `${dir}/keep/readme.txt`)).toBe('kept across page loads\nupdated later\n');
  });

  it('left no uncaught errors in the pages', async () => {
    await close();
    expect(pageErrors).toEqual([]);
  });
});
