import { EXIT_KEY } from '@weft/wasi-manifest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { thrown } from '../../test-support.js';
import { InputStream, OutputStream, WouldBlockError } from '@weft/wasi-io';
import {
  ComponentExit,
  configure,
  environment,
  exit,
  flushStdio,
  resetConfig,
  stderr,
  stdin,
  stdout,
  terminalInput,
  terminalOutput,
  terminalStderr,
  terminalStdin,
  terminalStdout,
} from '../src/index.js';

afterEach(() => {
  resetConfig();
  vi.restoreAllMocks();
});

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

describe('wasi:cli/environment', () => {
  it("defaults to Node's arguments after the node binary, no environment and no cwd", () => {
    expect(environment.getArguments()).toEqual(process.argv.slice(1));
    expect(environment.getArguments()[0]).toBe(process.argv[1]);
    expect(environment.getEnvironment()).toEqual([]);
    expect(environment.initialCwd()).toBeUndefined();
  });

  it('defaults to no arguments where there is no Node process (a browser)', () => {
    vi.stubGlobal('process', undefined);
    try {
      resetConfig();
      expect(environment.getArguments()).toEqual([]);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('configured arguments replace the default, and resetConfig brings it back', () => {
    configure({ args: ['prog'] });
    expect(environment.getArguments()).toEqual(['prog']);
    resetConfig();
    expect(environment.getArguments()).toEqual(process.argv.slice(1));
  });

  it('reports what configure set, from an object or from pairs', () => {
    configure({ args: ['prog', 'x'], env: { A: '1', B: 'two' }, cwd: '/home' });
    expect(environment.getArguments()).toEqual(['prog', 'x']);
    expect(environment.getEnvironment()).toEqual([
      ['A', '1'],
      ['B', 'two'],
    ]);
    expect(environment.initialCwd()).toBe('/home');
    configure({ env: [['C', '3']] });
    expect(environment.getEnvironment()).toEqual([['C', '3']]);
    expect(environment.getArguments()).toEqual(['prog', 'x']);
    configure({ cwd: null });
    expect(environment.initialCwd()).toBeUndefined();
  });

  it('hands out copies the caller cannot use to change the configuration', () => {
    configure({ args: ['a'] });
    environment.getArguments().push('b');
    expect(environment.getArguments()).toEqual(['a']);
  });

  it('rejects bad configuration with a clear error', () => {
    expect(() => configure({ args: ['ok', 3 as unknown as string] })).toThrow(/args\[1\] must be a string/);
    expect(() => configure({ env: { 'A=B': 'x' } })).toThrow(/must not contain '='/);
    expect(() => configure({ env: [['A', 1 as unknown as string]] })).toThrow(/pair of strings/);
    expect(() => configure({ stdout: 42 as unknown as 'console' })).toThrow(/stdout: expected/);
    expect(() => configure({ stdin: 42 as unknown as 'none' })).toThrow(/stdin: expected/);
  });
});

describe('wasi:cli/exit', () => {
  it('exit(ok) and exit(err) throw ComponentExit with codes 0 and 1', () => {
    const ok = thrown(() => exit.exit({ tag: 'ok' }));
    expect(ok).toBeInstanceOf(ComponentExit);
    expect((ok as ComponentExit).exitCode).toBe(0);
    expect((thrown(() => exit.exit({ tag: 'err' })) as ComponentExit).exitCode).toBe(1);
  });

  it('ComponentExit carries the exit mark the glue reads to end the whole store', () => {
    const e = thrown(() => exit.exitWithCode(3)) as Record<symbol, unknown>;
    expect(e[Symbol.for(EXIT_KEY)]).toBe(true);
    expect((new Error('trap') as unknown as Record<symbol, unknown>)[Symbol.for(EXIT_KEY)]).toBeUndefined();
  });

  it('exit-with-code passes any u8 through', () => {
    expect((thrown(() => exit.exitWithCode(42)) as ComponentExit).exitCode).toBe(42);
    expect(() => exit.exitWithCode(256)).toThrow(RangeError);
    expect(() => exit.exit({ tag: 'maybe' } as unknown as { tag: 'ok' })).toThrow(TypeError);
  });

  it('emits a pending partial console line before exiting', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    configure({ stdout: 'console' });
    stdout.getStdout().blockingWriteAndFlush(enc('no newline'));
    expect(log).not.toHaveBeenCalled();
    thrown(() => exit.exit({ tag: 'ok' }));
    expect(log.mock.calls).toEqual([['no newline']]);
  });
});

describe('wasi:cli/stdout and stderr', () => {
  it('getStdout/getStderr return output streams writing to callbacks', () => {
    const out: string[] = [];
    const err: string[] = [];
    configure({ stdout: (c) => out.push(dec(c)), stderr: (c) => err.push(dec(c)) });
    const s = stdout.getStdout();
    expect(s).toBeInstanceOf(OutputStream);
    s.blockingWriteAndFlush(enc('hello '));
    stdout.getStdout().blockingWriteAndFlush(enc('world'));
    stderr.getStderr().blockingWriteAndFlush(enc('oops'));
    expect(out.join('')).toBe('hello world');
    expect(err).toEqual(['oops']);
  });

  it('callbacks get their own copy of each chunk', () => {
    const chunks: Uint8Array[] = [];
    configure({ stdout: (c) => chunks.push(c) });
    const data = enc('abc');
    const s = stdout.getStdout();
    s.checkWrite();
    s.write(data);
    data[0] = 0;
    expect(dec(chunks[0]!)).toBe('abc');
  });

  it('the console target logs one line per call, decoding UTF-8 split across writes', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    configure({ stdout: 'console', stderr: 'console' });
    const bytes = enc('line ✓ one\nline two\npart');
    const s = stdout.getStdout();
    s.blockingWriteAndFlush(bytes.subarray(0, 7));
    s.blockingWriteAndFlush(bytes.subarray(7));
    stderr.getStderr().blockingWriteAndFlush(enc('bad\n'));
    expect(log.mock.calls).toEqual([['line ✓ one'], ['line two']]);
    expect(error.mock.calls).toEqual([['bad']]);
    await new Promise((r) => setTimeout(r, 0));
    expect(log.mock.calls).toEqual([['line ✓ one'], ['line two'], ['part']]);
  });

  it('an object with write() receives the chunks (a Node Writable fits)', () => {
    const got: Uint8Array[] = [];
    configure({ stdout: { write: (c: Uint8Array) => got.push(c) } });
    stdout.getStdout().blockingWriteAndFlush(enc('via write'));
    expect(dec(got[0]!)).toBe('via write');
  });

  it('ignore discards, and dropping one stream leaves stdout usable', () => {
    configure({ stdout: 'ignore' });
    stdout.getStdout().blockingWriteAndFlush(enc('gone'));
    const got: string[] = [];
    configure({ stdout: (c) => got.push(dec(c)) });
    const first = stdout.getStdout();
    first[Symbol.dispose]();
    stdout.getStdout().blockingWriteAndFlush(enc('still here'));
    expect(got).toEqual(['still here']);
  });

  it('flushStdio pushes out what the console target holds', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    configure({ stdout: 'console' });
    stdout.getStdout().blockingWriteAndFlush(enc('tail'));
    flushStdio();
    expect(log.mock.calls).toEqual([['tail']]);
  });
});

describe('wasi:cli/stdin', () => {
  it('reads configured text, shared across streams, then reports closed', () => {
    configure({ stdin: 'abcdef' });
    const a = stdin.getStdin();
    expect(a).toBeInstanceOf(InputStream);
    expect(dec(a.blockingRead(2n))).toBe('ab');
    expect(dec(stdin.getStdin().blockingRead(100n))).toBe('cdef');
    expect(thrown(() => a.blockingRead(1n))).toEqual({ tag: 'closed' });
  });

  it('reads configured bytes, and none is empty', () => {
    configure({ stdin: new Uint8Array([1, 2, 3]) });
    expect([...stdin.getStdin().read(10n)]).toEqual([1, 2, 3]);
    configure({ stdin: 'none' });
    expect(thrown(() => stdin.getStdin().read(1n))).toEqual({ tag: 'closed' });
  });

  it('a source with nothing yet and no way to wait: blocking read asks for an async mode', () => {
    configure({ stdin: { read: () => new Uint8Array(0), ready: () => false } });
    const s = stdin.getStdin();
    expect(s.read(4n).length).toBe(0);
    expect(s.subscribe().ready()).toBe(false);
    expect(thrown(() => s.blockingRead(4n))).toBeInstanceOf(WouldBlockError);
  });
});

describe('wasi:cli/terminal-*', () => {
  it('callbacks and text are not terminals', () => {
    configure({ stdin: 'x', stdout: () => {}, stderr: () => {} });
    expect(terminalStdin.getTerminalStdin()).toBeUndefined();
    expect(terminalStdout.getTerminalStdout()).toBeUndefined();
    expect(terminalStderr.getTerminalStderr()).toBeUndefined();
  });

  it('inherited Node stdio is a terminal exactly when the process stream is a TTY', () => {
    configure({ stdout: 'inherit' });
    const t = terminalStdout.getTerminalStdout();
    if (process.stdout.isTTY) expect(t).toBeInstanceOf(terminalOutput.TerminalOutput);
    else expect(t).toBeUndefined();
    expect(typeof terminalInput.TerminalInput).toBe('function');
  });
});
