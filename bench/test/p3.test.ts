import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildCorpus } from '../src/corpus.js';
import { checksum, drain, loadGuest, p3Guests, p3Table, readableOf, streamInput, type CallsApi, type PlainApi, type StreamApi } from '../src/p3.js';
import { scratchDir } from '../src/paths.js';

let plain: PlainApi;
let calls: CallsApi;
let stream: StreamApi;

beforeAll(async () => {
  const corpus = await buildCorpus({ only: ['p3'] });
  expect(corpus.skipped).toEqual([]);
  const byId = (id: string) => corpus.components.find((c) => c.id === id)!;
  plain = await loadGuest<PlainApi>('weft', byId(p3Guests.plain));
  calls = await loadGuest<CallsApi>('weft', byId(p3Guests.calls));
  stream = await loadGuest<StreamApi>('weft', byId(p3Guests.stream));
});

afterAll(() => rmSync(scratchDir, { recursive: true, force: true }));

describe('p3 bench guests through weft', () => {
  test("the three exports of async-calls and sync-calls' one add one; async ones return promises, and overlapping yields keep their own x", async () => {
    expect(plain.syncInc(41)).toBe(42);
    expect(calls.syncInc(41)).toBe(42);
    expect(calls.syncInc(0xffffffff)).toBe(0);
    const p = calls.asyncInc(7);
    expect(p).toBeInstanceOf(Promise);
    expect(await p).toBe(8);
    expect(await calls.yieldInc(9)).toBe(10);
    expect(await Promise.all([1, 2, 3, 4].map((x) => calls.yieldInc(x)))).toEqual([2, 3, 4, 5]);
  });

  test('copy-stream hands back every byte in order, whatever the chunking; copy-list likewise', async () => {
    // Chunks larger and smaller than the guest's 64 KiB buffer, so reads and writes split.
    const bytes = streamInput(300_000, 300_000)[0]!;
    const chunks = [bytes.subarray(0, 70_000), bytes.subarray(70_000, 70_001), bytes.subarray(70_001, 200_000), bytes.subarray(200_000)];
    const out = await drain(await stream.copyStream(readableOf(chunks)));
    expect(out.every((c) => c instanceof Uint8Array)).toBe(true);
    expect(Buffer.concat(out).equals(bytes)).toBe(true);
    expect(Buffer.from(stream.copyList(bytes)).equals(bytes)).toBe(true);
    expect(await drain(await stream.copyStream([]))).toEqual([]);
  });

  test('16 MiB in 64 KiB chunks comes back with the checksum it went in with', async () => {
    const chunks = streamInput(16 << 20, 64 << 10);
    expect(chunks).toHaveLength(256);
    const sent = checksum(chunks);
    expect(checksum(await drain(await stream.copyStream(readableOf(chunks))))).toEqual(sent);
    const whole = Buffer.concat(chunks);
    expect(checksum([stream.copyList(whole)])).toEqual(sent);
  });

  test('a host that stops reading the output early ends the copy: the input is cancelled, the next copy works', async () => {
    const chunks = streamInput(1 << 20, 64 << 10);
    let pulled = 0;
    const cancelled = new Promise<void>((resolve) => {
      const input = new ReadableStream<Uint8Array>({
        pull(c) {
          if (pulled < chunks.length) c.enqueue(chunks[pulled++]!);
          else c.close();
        },
        cancel: () => resolve(),
      });
      void stream.copyStream(input).then(async (out) => {
        const reader = out.getReader();
        expect((await reader.read()).value).toHaveLength(64 << 10);
        await reader.cancel();
      });
    });
    await cancelled;
    expect(pulled).toBeLessThan(chunks.length);
    expect(checksum(await drain(await stream.copyStream(chunks)))).toEqual(checksum(chunks));
  });
});

describe('p3 table', () => {
  test('a tool that failed to load shows its reason once, then points up', () => {
    const error = { error: 'WebAssembly.promising is not a function' };
    const ok = { median: 1000, p25: 900, p75: 1100, n: 5 };
    const table = p3Table({
      streamBytes: 16 << 20,
      chunkBytes: 64 << 10,
      rows: [
        { id: 'sync', label: 'sync', unit: 'calls/s', weft: ok, jco: error },
        { id: 'exit', label: 'exit', unit: 'calls/s', baseline: 'sync', weft: { ...ok, median: 500 }, jco: error },
      ],
    });
    expect(table.match(/promising is not a function/g)).toHaveLength(1);
    expect(table).toMatch(/error, as above/);
    expect(table).toMatch(/0\.500x of sync/);
  });
});

describe('checksum', () => {
  test('counts bytes, ignores chunk boundaries and sees two bytes swapped', () => {
    const a = Uint8Array.from([1, 2, 3, 4, 5]);
    expect(checksum([a])).toEqual(checksum([a.subarray(0, 2), a.subarray(2)]));
    expect(checksum([a]).bytes).toBe(5);
    expect(checksum([Uint8Array.from([2, 1, 3, 4, 5])]).sum).not.toBe(checksum([a]).sum);
  });
});
