/**
 * The code the OPFS benchmark runs inside Chromium, as ES modules the bench server hands
 * out: `bench.js` measures one case, the page and `worker.js` call it.
 */

/**
 * `run({ impl, op, dir, total, chunk })` times one pass over a `total`-byte file in
 * `chunk`-byte steps and returns `{ ms, bytes }`. `impl` 'weft' goes through the WASI
 * Descriptor API of the OPFS backend; 'raw' uses OPFS directly the way that context can
 * best use it (a writable stream on the main thread, a sync access handle in a worker).
 * Both sides open the file, move every byte, commit and close inside the timed span.
 * Ops \`stream-write\` and \`stream-read\` go through write-via-stream and read-via-stream
 * on the weft side (check-write, write, subscribe/block; blocking-read), plain raw I/O on
 * the other. With \`fresh\`, a raw read in a worker reads each chunk into a new buffer, as any API
 * that hands back the bytes it read must (the WASI \`read\` returns a new list<u8>).
 * A result that is a promise is awaited only then, as transpiled glue does.
 */
export const BENCH_MODULE = `
import { opfsDirectory } from '/fs/opfs.js';

const inWorker = typeof FileSystemSyncAccessHandle === 'function';
const settle = (v) => (v instanceof Promise ? v : undefined);

function pattern(chunk, i) {
  const b = new Uint8Array(chunk);
  for (let j = 0; j < chunk; j++) b[j] = (i * 131 + j * 7 + (j >> 9)) & 0xff;
  return b;
}

async function rawFile(dir, name) {
  const root = await navigator.storage.getDirectory();
  const d = await root.getDirectoryHandle(dir, { create: true });
  return d.getFileHandle(name, { create: true });
}

const cases = {
  async 'weft write'({ dir, total, chunk, bufs }) {
    const t0 = performance.now();
    const root = await opfsDirectory(dir);
    const f = await root.openAt({}, 'weft.bin', { create: true, truncate: true }, { write: true });
    for (let pos = 0, i = 0; pos < total; pos += chunk, i++) {
      const p = settle(f.write(bufs[i % bufs.length], BigInt(pos)));
      if (p) await p;
    }
    const s = settle(f.sync());
    if (s) await s;
    f[Symbol.dispose]();
    return performance.now() - t0;
  },
  async 'weft read'({ dir, total, chunk }) {
    const t0 = performance.now();
    const root = await opfsDirectory(dir);
    const f = await root.openAt({}, 'weft.bin', {}, { read: true });
    let bytes = 0;
    for (let eof = false; !eof; ) {
      let r = f.read(BigInt(chunk), BigInt(bytes));
      if (r instanceof Promise) r = await r;
      bytes += r[0].length;
      eof = r[1];
    }
    f[Symbol.dispose]();
    if (bytes !== total) throw new Error('weft read ' + bytes + ' bytes of ' + total);
    return performance.now() - t0;
  },
  async 'weft stream-write'({ dir, total, chunk, bufs }) {
    const t0 = performance.now();
    const root = await opfsDirectory(dir);
    const f = await root.openAt({}, 'weft.bin', { create: true, truncate: true }, { write: true });
    const out = f.writeViaStream(0n);
    for (let pos = 0, i = 0; pos < total; i++) {
      let room = Number(out.checkWrite());
      while (room === 0) {
        await out.subscribe().block();
        room = Number(out.checkWrite());
      }
      const n = Math.min(room, chunk, total - pos);
      out.write(n === chunk ? bufs[i % bufs.length] : bufs[i % bufs.length].subarray(0, n));
      pos += n;
    }
    const flushed = out.blockingFlush();
    if (flushed instanceof Promise) await flushed;
    out[Symbol.dispose]();
    const s = settle(f.sync());
    if (s) await s;
    f[Symbol.dispose]();
    return performance.now() - t0;
  },
  async 'weft stream-read'({ dir, total, chunk }) {
    const t0 = performance.now();
    const root = await opfsDirectory(dir);
    const f = await root.openAt({}, 'weft.bin', {}, { read: true });
    const input = f.readViaStream(0n);
    let bytes = 0;
    for (;;) {
      let got;
      try {
        got = input.blockingRead(BigInt(chunk));
        if (got instanceof Promise) got = await got;
      } catch (e) {
        if (e && e.tag === 'closed') break;
        throw e;
      }
      bytes += got.length;
    }
    input[Symbol.dispose]();
    f[Symbol.dispose]();
    if (bytes !== total) throw new Error('weft stream read ' + bytes + ' bytes of ' + total);
    return performance.now() - t0;
  },
  async 'raw write'({ dir, total, chunk, bufs }) {
    const t0 = performance.now();
    const fh = await rawFile(dir, 'raw.bin');
    if (inWorker) {
      const a = await fh.createSyncAccessHandle();
      a.truncate(0);
      for (let pos = 0, i = 0; pos < total; pos += chunk, i++) a.write(bufs[i % bufs.length], { at: pos });
      a.flush();
      a.close();
    } else {
      const w = await fh.createWritable();
      for (let pos = 0, i = 0; pos < total; pos += chunk, i++) await w.write({ type: 'write', position: pos, data: bufs[i % bufs.length] });
      await w.close();
    }
    return performance.now() - t0;
  },
  async 'raw read'({ dir, total, chunk, fresh }) {
    const t0 = performance.now();
    const fh = await rawFile(dir, 'raw.bin');
    let bytes = 0;
    if (inWorker) {
      const a = await fh.createSyncAccessHandle();
      const reused = new Uint8Array(chunk);
      for (let n = -1; n !== 0; bytes += n) n = a.read(fresh ? new Uint8Array(chunk) : reused, { at: bytes });
      a.close();
    } else {
      const file = await fh.getFile();
      for (let pos = 0; pos < file.size; pos += chunk) bytes += (await file.slice(pos, pos + chunk).arrayBuffer()).byteLength;
    }
    if (bytes !== total) throw new Error('raw read ' + bytes + ' bytes of ' + total);
    return performance.now() - t0;
  },
};

function fnv1a(bytes, h) {
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 16777619) >>> 0;
  return h;
}

/** Both files hold exactly what was written: checked once, outside the timings. */
export async function verify({ dir, total, chunk }) {
  const want = { size: total, fnv: 0x811c9dc5 };
  for (let pos = 0, i = 0; pos < total; pos += chunk, i++) want.fnv = fnv1a(pattern(chunk, i % 16), want.fnv);
  const out = {};
  for (const name of ['weft.bin', 'raw.bin']) {
    const file = await (await rawFile(dir, name)).getFile();
    out[name] = { size: file.size, fnv: fnv1a(new Uint8Array(await file.arrayBuffer()), 0x811c9dc5) };
  }
  return { want, got: out };
}

const bufsFor = new Map();
export async function run(opts) {
  // Glue transpiled with an async mode allows this around every call that may wait.
  globalThis[Symbol.for('weft.async-wait')] = true;
  const bufs = bufsFor.get(opts.chunk) ?? Array.from({ length: 16 }, (_, i) => pattern(opts.chunk, i));
  bufsFor.set(opts.chunk, bufs);
  const op = opts.impl === 'raw' ? opts.op.replace(/^stream-/, '') : opts.op;
  return { ms: await cases[opts.impl + ' ' + op]({ ...opts, bufs }), inWorker };
}
`;

export const WORKER_MODULE = `
import { run, verify } from '/bench.js';
onmessage = async ({ data: { id, what, opts } }) => {
  try {
    postMessage({ id, value: await (what === 'verify' ? verify(opts) : run(opts)) });
  } catch (e) {
    postMessage({ id, error: String((e && e.stack) || e) });
  }
};
postMessage('ready');
`;

export const PAGE_HTML = `<!doctype html><meta charset="utf-8"><script type="module">
import { run, verify } from '/bench.js';
let worker;
let next = 0;
const waiting = new Map();
async function startWorker() {
  worker = new Worker('/worker.js', { type: 'module' });
  await new Promise((ready, fail) => {
    worker.onmessage = (e) => e.data === 'ready' && ready();
    worker.onerror = (e) => fail(new Error('bench worker failed to start: ' + e.message));
  });
  worker.onmessage = ({ data }) => waiting.get(data.id)(data);
}
globalThis.bench = async (where, what, opts) => {
  if (where === 'page') return what === 'verify' ? verify(opts) : run(opts);
  if (!worker) await startWorker();
  const id = next++;
  const reply = await new Promise((r) => { waiting.set(id, r); worker.postMessage({ id, what, opts }); });
  waiting.delete(id);
  if ('error' in reply) throw new Error(reply.error);
  return reply.value;
};
globalThis.ready = true;
</script>`;
