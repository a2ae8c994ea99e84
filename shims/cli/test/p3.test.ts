import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { thrown } from '../../test-support.js';
import * as p3 from '../src/p3/index.js';

const { ComponentExit, configure, environment, exit, resetConfig, stderr, stdin, stdout, terminalStdin, terminalStdout, types } = p3;

afterEach(() => {
  resetConfig();
  vi.restoreAllMocks();
});

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** A guest's `stream<u8>` as the glue hands it over: a ReadableStream that records being cancelled. */
function guestStream(chunks: string[]): { stream: ReadableStream<Uint8Array>; cancelled: () => unknown } {
  let reason: unknown = 'not cancelled';
  let i = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (i < chunks.length) c.enqueue(enc(chunks[i++]!));
      else c.close();
    },
    cancel(r) {
      reason = r;
    },
  });
  return { stream, cancelled: () => reason };
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += dec(chunk);
  return out;
}

describe('wasi:cli@0.3.0 environment, exit, terminal', () => {
  it('exports every 0.3 interface under its camelCase name', () => {
    expect(
      Object.keys(p3)
        .filter((k) => /^[a-z]/.test(k) && typeof (p3 as Record<string, unknown>)[k] === 'object')
        .sort(),
    ).toEqual([
      'environment',
      'exit',
      'stderr',
      'stdin',
      'stdout',
      'terminalInput',
      'terminalOutput',
      'terminalStderr',
      'terminalStdin',
      'terminalStdout',
      'types',
    ]);
    expect(types).toEqual({});
  });

  it('reports what configure set, with 0.3 names', () => {
    configure({ args: ['prog', 'x'], env: { A: '1' }, cwd: '/home' });
    expect(environment.getArguments()).toEqual(['prog', 'x']);
    expect(environment.getEnvironment()).toEqual([['A', '1']]);
    expect(environment.getInitialCwd()).toBe('/home');
    configure({ cwd: null });
    expect(environment.getInitialCwd()).toBeUndefined();
  });

  it('exit throws the same ComponentExit as 0.2, after flushing a held-back partial line', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((l: string) => void lines.push(l));
    configure({ stdout: 'console' });
    expect(await stdout.writeViaStream(guestStream(['no newline']).stream)).toEqual({ tag: 'ok', val: undefined });
    const e = thrown(() => exit.exit({ tag: 'err' }));
    expect(e).toBeInstanceOf(ComponentExit);
    expect((e as InstanceType<typeof ComponentExit>).exitCode).toBe(1);
    expect(lines).toEqual(['no newline']);
    expect((thrown(() => exit.exitWithCode(42)) as InstanceType<typeof ComponentExit>).exitCode).toBe(42);
    expect(() => exit.exitWithCode(256)).toThrow(RangeError);
  });

  it('terminal functions answer from the configured targets', () => {
    configure({ stdin: 'hi', stdout: () => {} });
    expect(terminalStdin.getTerminalStdin()).toBeUndefined();
    expect(terminalStdout.getTerminalStdout()).toBeUndefined();
  });
});

describe('wasi:cli@0.3.0 stdin', () => {
  it('streams configured bytes, then settles ok', async () => {
    configure({ stdin: 'hello\nworld\n' });
    const [stream, done] = stdin.readViaStream();
    expect(await readAll(stream)).toBe('hello\nworld\n');
    expect(await done).toEqual({ tag: 'ok', val: undefined });
  });

  it('reads an injected ReadableStream only as far as the guest asks', async () => {
    let pulls = 0;
    const source = new ReadableStream<Uint8Array>(
      {
        pull(c) {
          pulls++;
          c.enqueue(enc(`chunk${pulls};`));
          if (pulls === 3) c.close();
        },
      },
      { highWaterMark: 0 },
    );
    configure({ stdin: source });
    const [stream] = stdin.readViaStream();
    const reader = stream.getReader();
    expect(dec((await reader.read()).value!)).toBe('chunk1;');
    expect(pulls).toBe(1);
    // The guest drops its stream: the future says ok and the shared source stays open for the next.
    await reader.cancel();
    const [again, done2] = stdin.readViaStream();
    expect(await readAll(again)).toBe('chunk2;chunk3;');
    expect(await done2).toEqual({ tag: 'ok', val: undefined });
  });

  it('settles ok when the guest drops the stream', async () => {
    configure({ stdin: 'abc' });
    const [stream, done] = stdin.readViaStream();
    await stream.cancel();
    expect(await done).toEqual({ tag: 'ok', val: undefined });
  });

  it("'none' is an empty stdin", async () => {
    configure({ stdin: 'none' });
    const [stream, done] = stdin.readViaStream();
    expect(await readAll(stream)).toBe('');
    expect(await done).toEqual({ tag: 'ok', val: undefined });
  });

  it('a failing source ends the stream and settles err(io)', async () => {
    let first = true;
    configure({
      stdin: {
        read: () => {
          if (first) {
            first = false;
            return enc('part');
          }
          throw new Error('device gone');
        },
      },
    });
    const [stream, done] = stdin.readViaStream();
    expect(await readAll(stream)).toBe('part');
    expect(await done).toEqual({ tag: 'err', val: 'io' });
  });

  it("'inherit' reads the Node process's real stdin without blocking the event loop", () => {
    const entry = fileURLToPath(new URL('../dist/p3/index.js', import.meta.url));
    const script = `
      const { configure, stdin } = await import(${JSON.stringify(entry)});
      configure({ stdin: 'inherit' });
      const ticks = setInterval(() => {}, 1);
      const [stream, done] = stdin.readViaStream();
      let text = '';
      for await (const c of stream) text += new TextDecoder().decode(c);
      clearInterval(ticks);
      console.log(JSON.stringify({ text, done: await done }));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { input: 'from the pipe\n', encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ text: 'from the pipe\n', done: { tag: 'ok' } });
  });

  it("'inherit': a guest waiting for input holds the process open; one that dropped stdin does not", async () => {
    const entry = fileURLToPath(new URL('../dist/p3/index.js', import.meta.url));
    const script = `
      const { configure, stdin } = await import(${JSON.stringify(entry)});
      configure({ stdin: 'inherit' });
      const [stream, done] = stdin.readViaStream();
      const reader = stream.getReader();
      console.log('ready');
      const first = await reader.read();
      await reader.cancel();
      console.log(JSON.stringify({ text: new TextDecoder().decode(first.value), done: await done }));
    `;
    // The parent never closes the child's stdin: the child must end on its own once it stops reading.
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out === 'ready\n') child.stdin.write('typed later\n');
    });
    const code = await new Promise((resolve) => child.on('exit', resolve));
    child.stdin.destroy();
    expect(code).toBe(0);
    expect(out.split('\n').slice(0, 2)).toEqual(['ready', JSON.stringify({ text: 'typed later\n', done: { tag: 'ok' } })]);
  });
});

describe('wasi:cli@0.3.0 stdout and stderr', () => {
  it('copies every chunk of the guest stream into the target and settles ok at its end', async () => {
    const got: string[] = [];
    configure({ stdout: (c) => void got.push(dec(c)) });
    const { stream } = guestStream(['a', 'bc', 'def']);
    expect(await stdout.writeViaStream(stream)).toEqual({ tag: 'ok', val: undefined });
    expect(got).toEqual(['a', 'bc', 'def']);
  });

  it('waits on a sink that is full, writing no more than it has room for', async () => {
    const writes: string[] = [];
    let room = 2;
    let wake: () => void = () => {};
    const sink = {
      write(b: Uint8Array) {
        writes.push(dec(b));
        room -= b.length;
      },
      capacity: () => room,
      block: () => new Promise<void>((r) => (wake = r)),
    };
    configure({ stderr: sink });
    const result = stderr.writeViaStream(guestStream(['hello']).stream);
    await new Promise((r) => setTimeout(r, 0));
    expect(writes).toEqual(['he']);
    room = 10;
    wake();
    expect(await result).toEqual({ tag: 'ok', val: undefined });
    expect(writes).toEqual(['he', 'llo']);
  });

  it('a broken pipe settles err(pipe) and drops the guest stream', async () => {
    configure({
      stdout: {
        write() {
          throw Object.assign(new Error('EPIPE: broken pipe, write'), { code: 'EPIPE' });
        },
      },
    });
    const g = guestStream(['x', 'y']);
    expect(await stdout.writeViaStream(g.stream)).toEqual({ tag: 'err', val: 'pipe' });
    expect((g.cancelled() as Error).message).toContain('EPIPE');
  });

  it('other failures settle err(io)', async () => {
    configure({
      stdout: () => {
        throw new Error('disk full');
      },
    });
    expect(await stdout.writeViaStream(guestStream(['x']).stream)).toEqual({ tag: 'err', val: 'io' });
  });

  it('stderr goes to console.error line by line', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((l: string) => void lines.push(l));
    configure({ stderr: 'console' });
    expect(await stderr.writeViaStream(guestStream(['one\ntw', 'o\n']).stream)).toEqual({ tag: 'ok', val: undefined });
    expect(lines).toEqual(['one', 'two']);
  });

  it('a prompt without a newline shows while the guest keeps its stream open', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((l: string) => void lines.push(l));
    configure({ stdout: 'console' });
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const open = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
    const result = stdout.writeViaStream(open);
    controller.enqueue(enc('Name: '));
    await new Promise((r) => setTimeout(r, 0));
    await new Promise((r) => setTimeout(r, 0));
    expect(lines).toEqual(['Name: ']);
    controller.close();
    expect(await result).toEqual({ tag: 'ok', val: undefined });
  });

  it('a value that is not a stream is a TypeError naming the function, parameter and WIT type', () => {
    expect(() => stdout.writeViaStream('text' as unknown as ReadableStream<Uint8Array>)).toThrow(
      /wasi:cli\/stdout#write-via-stream: data: expected a ReadableStream<Uint8Array> \(WIT stream<u8>\), got string/,
    );
  });
});
