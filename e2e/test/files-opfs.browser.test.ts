/**
 * C programs (clang + wasi-libc) whose /data is a directory in the browser's origin private
 * file system, through weft's OPFS backend, in each browser async mode the engine runs
 * (Chromium: all; Firefox: asyncify, the mode every engine can run). What the guest wrote is
 * checked again with the page's own OPFS API, and a browser profile shows the files outlive a
 * reload and a browser restart. WebKitGTK under WebDriver has no OPFS: there the preopen
 * must fail with an error naming the missing feature; MiniBrowser launched directly with OPFS
 * turned on and a data directory runs the programs there, in the page and in a worker (whose
 * sync access handles WebKitGTK refuses), and keeps the files across a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { variantMode, variantWithoutJspi, type BrowserAsyncVariant } from '../src/async-modes.js';
import { expectedSyncAccess, OPFS_UNDER_DRIVER, suiteVariants } from '../src/engine-matrix.js';
import { REPORT_PATH, startStaticServer, type StaticServer } from '../src/browser.js';
import { ENGINES, launchEngine, openInMiniBrowser, type EngineBrowser, type EnginePage } from '../src/engines.js';
import { buildCFixture, FILES_STDOUT } from '../src/fixtures.js';
import { fnv1a, opfsFnv1a, opfsReadText, opfsTree, syncAccessInWorker, syncAccessProbePage } from '../src/opfs-inspect.js';
import { repoRoot } from '../src/paths.js';
import { transpileForTest } from '../src/transpile-for-test.js';
import {
  autoRunUrl,
  pageErrors,
  runInPage,
  runInWorker,
  wasiPageFiles,
  WASI_PAGE_PATH,
  type PageRunOptions,
  type PagePreopen,
  type PageRun,
} from '../src/wasi-page.js';

const PROGRAMS = ['files', 'fs_tree', 'fs_big', 'fs_persist', 'fs_escape'] as const;
type Program = (typeof PROGRAMS)[number];

const lines = (...l: string[]) => l.map((s) => `${s}\n`).join('');

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

const pageUrl = (server: StaticServer, variant: BrowserAsyncVariant) => `${server.origin}${WASI_PAGE_PATH}${variantWithoutJspi(variant) ? '?nojspi' : ''}`;

// Every suite's page has its own server port, hence its own origin and OPFS.
const ENGINE_VARIANTS = ENGINES.flatMap((engine) => suiteVariants('opfs', engine).map((variant) => [engine, variant] as const));

describe.each(ENGINE_VARIANTS)('C programs with /data on OPFS in %s (%s)', (engine, variant) => {
  const root = `weft-e2e/files-opfs/${variant}`;
  let entries: Record<Program, string>;
  let server: StaticServer;
  let browser: EngineBrowser;
  let page: EnginePage;

  beforeAll(async () => {
    entries = await transpilePrograms(variantMode(variant));
    server = await startStaticServer({ files: wasiPageFiles(), resolveBareImports: true });
    browser = await launchEngine(engine);
    page = await browser.newPage();
    await page.goto(pageUrl(server, variant));
  });

  afterAll(async () => {
    try {
      await browser?.close();
    } finally {
      await server?.close();
    }
  });

  const run = (program: Program, dir: string, args: string[] = []) =>
    runInPage(page, entries[program], { args: [program, ...args], preopens: dataOn(`${root}/${dir}`) });

  it('the page has JSPI exactly when the variant does', async () => {
    const hasJspi = await page.evaluate(() => 'Suspending' in WebAssembly && 'promising' in WebAssembly);
    expect(hasJspi).toBe(!variantWithoutJspi(variant));
  });

  it('files.c: mkdir, create, read back, list, rename, unlink, stat, escapes refused', async () => {
    expectRun(await run('files', 'files'), FILES_STDOUT);
    expect(await opfsTree(page, `${root}/files`)).toEqual([{ path: 'renamed.txt', size: 16 }]);
    expect(await opfsReadText(page, `${root}/files/renamed.txt`)).toBe('written by wasm\n');
  });

  it('files.c in a dedicated worker', async () => {
    expectRun(await runInWorker(page, entries.files, { args: ['files'], preopens: dataOn(`${root}/worker-files`) }), FILES_STDOUT);
    expect(await opfsTree(page, `${root}/worker-files`)).toEqual([{ path: 'renamed.txt', size: 16 }]);
  });

  it('fs_tree.c: files and directories created, rewritten, shared, listed, renamed and deleted', async () => {
    expectRun(await run('fs_tree', 'tree'), FS_TREE_OUT);
    expect(await opfsTree(page, `${root}/tree`)).toEqual([]);
  });

  if (variant === 'asyncify') {
    it('a dedicated worker gets OPFS sync access handles exactly where the engine matrix says', async () => {
      expect(await syncAccessInWorker(page)).toBe(expectedSyncAccess(engine));
    });

    it('a sync-mode component cannot use OPFS even in a worker, and the error names the async modes', async () => {
      const sync = urlOf((await transpileForTest(await buildCFixture('files'), { name: 'files' })).entry);
      const r = await runInWorker(page, sync, { args: ['files'], preopens: dataOn(`${root}/sync-worker`) });
      expect(r).toMatchObject({ exitCode: null, stdout: '' });
      expect(r.error).toMatch(/returned a Promise; the component waits for it only when transpiled with asyncMode 'jspi' or 'asyncify'/);
    });
  }

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
    expect(await opfsFnv1a(page, `${root}/big/big.bin`)).toEqual({ size: 1 << 20, fnv1a: expected });
  });

  it('fs_escape.c: no path, rename or link reaches outside /data, and nothing appeared outside it', async () => {
    expectRun(await run('fs_escape', 'escape'), FS_ESCAPE_OUT);
    const everything = await opfsTree(page, '');
    const ancestors = root.split('/').map((_, i, parts) => `${parts.slice(0, i + 1).join('/')}/`);
    const outside = everything.filter((e) => !ancestors.includes(e.path) && !e.path.startsWith(`${root}/`));
    expect(outside).toEqual([]);
    expect(everything.filter((e) => /(^|\/)(x|xdir\/)$/.test(e.path))).toEqual([]);
    expect(await opfsTree(page, `${root}/escape`)).toEqual([]);
  });

  it('fs_persist.c: a later run in the same page finds the tree, and OPFS holds it', async () => {
    expectRun(await run('fs_persist', 'persist', ['write']), PERSIST_WRITE_OUT);
    expectRun(await run('fs_persist', 'persist', ['read']), PERSIST_READ_OUT);
    expect(await opfsFnv1a(page, `${root}/persist/keep/sub/data.bin`)).toEqual({ size: 10000, fnv1a: BIN_FNV });
  });

  it('left no uncaught errors in the page', async () => {
    expect(await pageErrors(page)).toEqual([]);
  });
});

describe.each(ENGINES.filter((e) => !OPFS_UNDER_DRIVER[e]))('no OPFS in %s under WebDriver', (engine) => {
  let server: StaticServer;
  let browser: EngineBrowser;
  let page: EnginePage;
  let entry: string;

  beforeAll(async () => {
    entry = (await transpilePrograms('asyncify')).files;
    server = await startStaticServer({ files: wasiPageFiles(), resolveBareImports: true });
    browser = await launchEngine(engine);
    page = await browser.newPage();
    await page.goto(pageUrl(server, 'asyncify'));
  });

  afterAll(async () => {
    try {
      await browser?.close();
    } finally {
      await server?.close();
    }
  });

  it('the page has no navigator.storage', async () => {
    expect(await page.evaluate(() => typeof navigator.storage)).toBe('undefined');
  });

  for (const where of ['page', 'worker'] as const) {
    it(`an OPFS preopen in the ${where} fails before the guest starts`, async () => {
      const r = await (where === 'page' ? runInPage : runInWorker)(page, entry, { args: ['files'], preopens: dataOn('files') });
      expect(r).toMatchObject({ exitCode: null, stdout: '', stderr: '' });
      expect(r.error).toMatch(
        /^Error: opfsDirectory: this environment has no origin private file system \(navigator\.storage\.getDirectory is missing\): it needs a browser with OPFS/,
      );
    });
  }
});

const PERSIST_VARIANTS = ENGINES.flatMap((engine) =>
  suiteVariants('opfs', engine)
    .filter((v) => engine === 'chromium' || v === 'asyncify')
    .map((variant) => [engine, variant] as const),
);

describe.each(PERSIST_VARIANTS)('OPFS data outlives a reload and a restart of %s (%s)', (engine, variant) => {
  const dir = `weft-e2e/files-opfs-persist/${variant}`;
  let entries: Record<Program, string>;
  let profile: string;
  // OPFS belongs to the origin, port included: one server serves every launch.
  let server: StaticServer;
  let browser: EngineBrowser | undefined;
  let page: EnginePage;
  const errors: string[] = [];

  const open = async () => {
    browser = await launchEngine(engine, { userDataDir: profile });
    page = await browser.newPage();
    await page.goto(pageUrl(server, variant));
    return page;
  };
  const close = async () => {
    if (!browser) return;
    try {
      errors.push(...(await pageErrors(page)));
    } finally {
      await browser.close();
      browser = undefined;
    }
  };
  const run = (p: EnginePage, mode: 'write' | 'update' | 'read') => runInPage(p, entries.fs_persist, { args: ['fs_persist', mode], preopens: dataOn(dir) });

  beforeAll(async () => {
    entries = await transpilePrograms(variantMode(variant));
    profile = mkdtempSync(join(tmpdir(), 'weft-opfs-profile-'));
    server = await startStaticServer({ files: wasiPageFiles(), resolveBareImports: true });
  });

  afterAll(async () => {
    try {
      await close();
    } finally {
      await server?.close();
      if (profile) rmSync(profile, { recursive: true, force: true });
    }
  });

  it('a fresh profile has nothing kept', async () => {
    const p = await open();
    expectRun(await run(p, 'read'), 'no keep/ in /data: No such file or directory\n', 1);
  });

  it('the written tree is in OPFS as the page itself sees it', async () => {
    expectRun(await run(page, 'write'), PERSIST_WRITE_OUT);
    expect(await opfsTree(page, dir)).toEqual([
      { path: 'keep/', size: 0 },
      { path: 'keep/empty/', size: 0 },
      { path: 'keep/readme.txt', size: 23 },
      { path: 'keep/sub/', size: 0 },
      { path: 'keep/sub/data.bin', size: 10000 },
      { path: 'keep/sub/deep/', size: 0 },
      { path: 'keep/sub/deep/note.txt', size: 10 },
    ]);
    expect(await opfsReadText(page, `${dir}/keep/readme.txt`)).toBe('kept across page loads\n');
    expect(await opfsFnv1a(page, `${dir}/keep/sub/data.bin`)).toEqual({ size: 10000, fnv1a: BIN_FNV });
  });

  it('after a reload the reader finds the tree; memory /tmp starts empty again', async () => {
    errors.push(...(await pageErrors(page)));
    await page.goto(pageUrl(server, variant));
    expectRun(await run(page, 'read'), PERSIST_READ_OUT);
    expectRun(await run(page, 'update'), 'updated keep/\n');
  });

  it('after closing the browser and relaunching it on the profile the reader finds the updated tree', async () => {
    await close();
    const p = await open();
    expectRun(await run(p, 'read'), PERSIST_UPDATED_OUT);
    expect(await opfsTree(p, dir)).toEqual([
      { path: 'keep/', size: 0 },
      { path: 'keep/readme.txt', size: 37 },
      { path: 'keep/renamed/', size: 0 },
      { path: 'keep/sub/', size: 0 },
      { path: 'keep/sub/note.txt', size: 10 },
    ]);
    expect(await opfsReadText(p, `${dir}/keep/readme.txt`)).toBe('kept across page loads\nupdated later\n');
  });

  it('left no uncaught errors in the pages', async () => {
    await close();
    expect(errors).toEqual([]);
  });
});

describe.each(ENGINES.filter((e) => e === 'webkit'))('OPFS in %s outside WebDriver: MiniBrowser with OPFS turned on', (engine) => {
  let entries: Record<Program, string>;
  let server: StaticServer;
  let home: string;
  let report: ((body: string) => void) | undefined;

  const SYNC_PROBE_PATH = '/__weft_e2e__/sync-access-probe.html';

  /** One launch of MiniBrowser on `home` showing `url`, answering what the page reported. */
  const reportFrom = async (url: string): Promise<string> => {
    const reported = new Promise<string>((ok) => {
      report = ok;
    });
    const browser = await openInMiniBrowser(url, home);
    try {
      return await reported;
    } finally {
      report = undefined;
      await browser.close();
    }
  };
  const runDirect = async (entry: string, opts: PageRunOptions, worker = false): Promise<PageRun> =>
    JSON.parse(await reportFrom(autoRunUrl(server.origin, entry, opts, worker))) as PageRun;

  beforeAll(async () => {
    entries = await transpilePrograms('asyncify');
    home = mkdtempSync(join(tmpdir(), 'weft-minibrowser-'));
    // OPFS belongs to the origin, port included: one server serves every launch.
    server = await startStaticServer({
      files: { ...wasiPageFiles(), [SYNC_PROBE_PATH]: syncAccessProbePage(REPORT_PATH) },
      resolveBareImports: true,
      onReport: (body) => report?.(body),
    });
  });

  afterAll(async () => {
    await server?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('files.c on the page', async () => {
    expectRun(await runDirect(entries.files, { args: ['files'], preopens: dataOn('direct/page') }), FILES_STDOUT);
  });

  it('a dedicated worker gets OPFS sync access handles exactly where the engine matrix says', async () => {
    expect(await reportFrom(server.origin + SYNC_PROBE_PATH)).toBe(expectedSyncAccess(engine));
  });

  it('files.c in a worker, through writable streams since WebKitGTK refuses sync access handles', async () => {
    expectRun(await runDirect(entries.files, { args: ['files'], preopens: dataOn('direct/worker') }, true), FILES_STDOUT);
  });

  it('fs_persist.c: what one launch wrote, the next launch on the same data directory finds', async () => {
    const opts = (mode: string): PageRunOptions => ({ args: ['fs_persist', mode], preopens: dataOn('direct/persist') });
    expectRun(await runDirect(entries.fs_persist, opts('write')), PERSIST_WRITE_OUT);
    expectRun(await runDirect(entries.fs_persist, opts('read')), PERSIST_READ_OUT);
  });
});
