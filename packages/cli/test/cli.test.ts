import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCFixture, buildP3Fixture, CLOCKS_STDOUT, FILES_STDOUT } from '@weft/e2e/fixtures';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bin.js');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function weft(args: string[], input?: string): Promise<Result> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [bin, ...args], { maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
    child.stdin!.end(input ?? '');
  });
}

const ADD = `(component
  (core module $m (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))
  (core instance $i (instantiate $m))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "add"))))`;

let work: string;
let addWasm: string;
const components: Record<string, string> = {};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'weft-cli-'));
  const { parse } = await import('@bytecodealliance/jco');
  addWasm = join(work, 'add.wasm');
  writeFileSync(addWasm, await parse(ADD));
  for (const name of ['hello', 'args_env', 'exit_code', 'stdin_echo', 'stderr_out', 'clocks', 'random', 'big_stdout', 'files']) {
    components[name] = join(work, `${name}.wasm`);
    writeFileSync(components[name]!, await buildCFixture(name));
  }
  for (const name of ['cat', 'cat-sync', 'files', 'fetch']) {
    components[`${name}_p3`] = join(work, `${name}_p3.wasm`);
    writeFileSync(components[`${name}_p3`]!, await buildP3Fixture(name));
  }
}, 240_000);

describe('weft CLI', () => {
  it('prints help and exits 0; no command exits 2', async () => {
    const help = await weft(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/transpile <component\.wasm> -o <dir>/);
    expect((await weft([])).code).toBe(2);
    const sub = await weft(['transpile', '--help']);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toMatch(/--instantiation/);
  });

  it('rejects unknown commands and options with exit 2 and the usage', async () => {
    const r = await weft(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'frobnicate'/);
    const o = await weft(['transpile', addWasm, '-o', work, '--bogus']);
    expect(o.code).toBe(2);
    expect(o.stderr).toMatch(/unknown option --bogus/);
    const missing = await weft(['transpile', addWasm]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing -o <dir>/);
  });

  it('reports a malformed component with its byte offset and exit 1, no stack trace', async () => {
    const bad = join(work, 'bad.wasm');
    writeFileSync(bad, new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, 0x07, 0x05, 0x01]));
    const r = await weft(['transpile', bad, '-o', join(work, 'bad-out')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: malformed component: .*\(at byte offset 10\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const none = await weft(['inspect', join(work, 'nope.wasm')]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^error: ENOENT/);
  });

  it('reports a value type nested 10,000 deep as a WeftError, no stack trace', async () => {
    let types = '(type $t1 (list u8))';
    for (let i = 2; i <= 10_000; i++) types += `(type $t${i} (list $t${i - 1}))`;
    const { parse } = await import('@bytecodealliance/jco');
    const deep = join(work, 'deep.wasm');
    writeFileSync(deep, await parse(`(component ${types} (export "t" (type $t10000)))`));
    for (const cmd of [
      ['transpile', deep, '-o', join(work, 'deep-out')],
      ['inspect', deep],
    ]) {
      const r = await weft(cmd);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: type nesting is too deep: .*\(at byte offset \d+\)/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('transpiles to ESM that Node imports and calls', async () => {
    const out = join(work, 'add-out');
    const r = await weft(['transpile', addWasm, '-o', out, '--minify']);
    expect(r.code).toBe(0);
    expect(existsSync(join(out, 'add.core.wasm'))).toBe(true);
    expect(readFileSync(join(out, 'add.d.ts'), 'utf8')).toMatch(/add\(a: number, b: number\): number/);
    const mod = await import(pathToFileURL(join(out, 'add.js')).href);
    expect(mod.add(40, 2)).toBe(42);
  });

  it('transpiles in instantiation mode with a custom name', async () => {
    const out = join(work, 'inst-out');
    expect((await weft(['transpile', addWasm, '-o', out, '--instantiation', 'sync', '--name', 'calc', '-q'])).code).toBe(0);
    const { instantiate } = await import(pathToFileURL(join(out, 'calc.js')).href);
    const e = instantiate((f: string) => new WebAssembly.Module(readFileSync(join(out, f))), {});
    expect(e.add(1, 2)).toBe(3);
  });

  it('transpiles with --js to one JavaScript module and no core wasm', async () => {
    const out = join(work, 'js-out');
    const r = await weft(['transpile', addWasm, '-o', out, '--js', '--instantiation', 'sync', '-q']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(readdirSync(out).sort()).toEqual(['add.d.ts', 'add.host.d.ts', 'add.host.js', 'add.js']);
    const { instantiate } = await import(pathToFileURL(join(out, 'add.js')).href);
    expect(instantiate({}).add(40, 2)).toBe(42);
    expect((await weft(['transpile', '--help'])).stdout).toMatch(/--js +convert every core module to JavaScript/);
  });

  it('--target browser writes glue without a Node branch; --instantiation writes the host module', async () => {
    const out = join(work, 'browser-out');
    expect((await weft(['transpile', components.hello!, '-o', out, '--target', 'browser', '-q'])).code).toBe(0);
    const js = readFileSync(join(out, 'hello.js'), 'utf8');
    expect(js).not.toMatch(/node:|process/);
    expect(js).toContain('fetch(url)');
    const inst = join(work, 'host-out');
    expect((await weft(['transpile', components.hello!, '-o', inst, '--target', 'node', '--instantiation', 'async', '-q'])).code).toBe(0);
    expect(readFileSync(join(inst, 'hello.host.js'), 'utf8')).toMatch(/from "@weft\/wasi-cli";[\s\S]*node:fs\/promises/);
    const bad = await weft(['transpile', components.hello!, '-o', out, '--target', 'deno']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--target must be universal, browser or node, got 'deno'/);
  });

  it('transpiles with --async-mode asyncify: the core modules that wait are rewritten', async () => {
    const out = join(work, 'sleep-out');
    const r = await weft(['transpile', components.clocks!, '-o', out, '--name', 'clocks', '--async-mode', 'asyncify', '-q']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const rewritten = readdirSync(out)
      .filter((f) => f.endsWith('.wasm'))
      .filter((f) => WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(join(out, f)))).some((e) => e.name === 'asyncify_get_state'));
    expect(rewritten.length).toBeGreaterThan(0);
    expect(readFileSync(join(out, 'clocks.d.ts'), 'utf8')).toMatch(/run\(\): Promise<void>/);
    const bad = await weft(['transpile', components.clocks!, '-o', out, '--async-mode', 'fibers']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--async-mode must be sync, jspi or asyncify, got 'fibers'/);
  });

  it('inspects the world', async () => {
    const r = await weft(['inspect', addWasm]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/exports:\n {2}add: func\(a: u32, b: u32\) -> u32/);
    expect(r.stdout).toMatch(/core modules: 1/);
    const hello = JSON.parse((await weft(['inspect', components.hello!, '--json'])).stdout);
    expect(hello.exports[0].name).toMatch(/^wasi:cli\/run@0\.2/);
  });

  it('runs a command: stdout, stderr, args, env and exit status', async () => {
    const hello = await weft(['run', components.hello!]);
    expect(hello).toMatchObject({ code: 0, stdout: 'Hello, weft!\n' });
    const args = await weft(['run', components.args_env!, '--env', 'GREETING=hi there', '--', 'one', 'two words']);
    expect(args.code).toBe(0);
    expect(args.stdout).toContain('argv[1]=one\nargv[2]=two words\n');
    expect(args.stdout).toContain('GREETING=hi there\n');
    const err = await weft(['run', components.stderr_out!]);
    expect(err.stdout).toBe('to stdout\n');
    expect(err.stderr).toBe('to stderr, line 1\nto stderr, line 2\n');
    expect((await weft(['run', components.exit_code!, '--', '0'])).code).toBe(0);
    // wasi:cli/exit in 0.2 carries only ok or err: any non-zero status is 1.
    expect((await weft(['run', components.exit_code!, '--', '3'])).code).toBe(1);
  });

  it('runs commands that sleep, read clocks and draw random bytes', async () => {
    const clocks = await weft(['run', components.clocks!]);
    expect(clocks.code).toBe(0);
    expect(clocks.stdout).toBe(CLOCKS_STDOUT);
    const random = await weft(['run', components.random!]);
    expect(random).toMatchObject({ code: 0, stdout: 'two draws differ: yes\nall 256 byte values seen: yes\ntail filled: yes\n' });
  });

  it('streams 1 MiB of stdout', async () => {
    const r = await weft(['run', components.big_stdout!]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(r.stdout.length).toBe(16384 * 64);
    expect(lines[16383]).toBe(`line 16383 ${String(16383 * 7).padStart(52, '0')}`);
  });

  it('runs a WASI 0.3 command: its async run, stdin and stdout as streams', async () => {
    const r = await weft(['run', components.cat_p3!], 'piped in\n');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('piped in\ndone\n');
  });

  it('runs a sync-style WASI 0.3 command, whose every wait suspends its own stack', async () => {
    const input = 'a line to copy\n'.repeat(2000);
    const r = await weft(['run', components['cat-sync_p3']!], input);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${input}sync done\n`);
  });

  it('runs a WASI 0.3 command writing and reading a file on its --dir preopen', async () => {
    const host = mkdtempSync(join(tmpdir(), 'weft-p3-files-'));
    const r = await weft(['run', components.files_p3!, '--dir', `${host}::/data`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('hello from a WASI 0.3 guest\n');
    expect(readFileSync(join(host, 'p3.txt'), 'utf8')).toBe('hello from a WASI 0.3 guest\n');
    // Without a preopen it has no directory to open, and says so with its exit status.
    expect((await weft(['run', components.files_p3!])).code).toBe(1);
  });

  it('runs a WASI 0.3 HTTP client command against a loopback server', async () => {
    const server = createServer((req, res) => res.end(`hello over fetch: ${req.method} ${req.url}\n`));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const authority = `127.0.0.1:${(server.address() as AddressInfo).port}`;
      const r = await weft(['run', components.fetch_p3!, '--', authority, '/hello?x=1']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('hello over fetch: GET /hello?x=1\n');
    } finally {
      server.close();
    }
  });

  it('runs a command with stdin from the process', async () => {
    const r = await weft(['run', components.stdin_echo!], 'piped in\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('piped in');
  });

  it('preopens host directories with --dir HOST::GUEST, confined to them', async () => {
    const host = mkdtempSync(join(work, 'data-'));
    const r = await weft(['run', components.files!, '--dir', `${host}::/data`]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(FILES_STDOUT);
    expect(r.code).toBe(0);
    expect(readdirSync(host)).toEqual(['renamed.txt']);
    expect(readFileSync(join(host, 'renamed.txt'), 'utf8')).toBe('written by wasm\n');
    expect(existsSync(join(host, '..', 'escape'))).toBe(false);
    const without = await weft(['run', components.files!]);
    expect(without.code).toBe(1);
    expect(without.stdout).toMatch(/^mkdir: /);
    const missing = await weft(['run', components.files!, '--dir', join(host, 'nope')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/--dir: cannot open directory/);
    expect((await weft(['run', components.files!, '--dir', '::/data'])).code).toBe(2);
  });

  it('refuses to run a component that is not a command', async () => {
    const r = await weft(['run', addWasm]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a command component/);
  });
});
