/**
 * The physical limit of each benchmarked call: bench.wat's core module instantiated
 * directly and driven by the least JS that still lowers and lifts the values correctly
 * (no validation, no generic helpers). It offers the same JS API as the generated glue,
 * so the benchmark rows run unchanged against all three.
 */

interface CoreExports {
  memory: WebAssembly.Memory;
  cabi_realloc(old: number, oldSize: number, align: number, size: number): number;
  noop(): void;
  add(a: number, b: number): number;
  'echo-string'(ptr: number, len: number): number;
  'cabi_post_echo-string'(ret: number): void;
  'sum-bytes'(ptr: number, len: number): number;
  'cabi_post_sum-bytes'(ret: number): void;
  'echo-bytes'(ptr: number, len: number): number;
  'cabi_post_echo-bytes'(ret: number): void;
  'make-bytes'(n: number): number;
  'cabi_post_make-bytes'(ret: number): void;
  'make-point'(x: number, y: number): number;
  'call-host'(n: number): number;
  'round-trip'(shapeCase: number, shapeVal: number, optCase: number, optVal: number): number;
  'counter-new'(start: number): number;
  'counter-bump'(rep: number, by: number): number;
}

export type Shape = { tag: 'circle' | 'square'; val: number } | { tag: 'empty' };

export interface BaselineHost {
  hostInc(n: number): number;
}

const shapeCases = ['circle', 'square', 'empty'] as const;

export async function instantiateBaseline(coreWasm: Uint8Array, host: BaselineHost) {
  // Handle table of the `counter` resource: slot -> rep; freed slots are reused.
  const reps: number[] = [];
  const free: number[] = [];
  const imports = {
    host: { 'host-inc': (n: number) => host.hostInc(n >>> 0) },
    res: {
      'counter-new': (rep: number) => {
        const h = free.length > 0 ? free.pop()! : reps.length;
        reps[h] = rep;
        return h;
      },
    },
  };
  const instance = await WebAssembly.instantiate(await WebAssembly.compile(new Uint8Array(coreWasm)), imports);
  const ex = instance.exports as unknown as CoreExports;
  const mem = ex.memory;
  let u8 = new Uint8Array(mem.buffer);
  let dv = new DataView(mem.buffer);
  // Memory growth replaces the buffer; refresh the views only when it did.
  const views = () => {
    if (u8.buffer !== mem.buffer) {
      u8 = new Uint8Array(mem.buffer);
      dv = new DataView(mem.buffer);
    }
  };
  const enc = new TextEncoder();
  const dec = new TextDecoder();

  class Counter {
    #handle: number;
    constructor(start: number) {
      this.#handle = ex['counter-new'](start >>> 0);
    }
    bump(by: number): number {
      return ex['counter-bump'](reps[this.#handle]!, by >>> 0) >>> 0;
    }
    [Symbol.dispose](): void {
      free.push(this.#handle);
    }
  }

  return {
    noop(): void {
      ex.noop();
    },
    add(a: number, b: number): number {
      return ex.add(a, b) >>> 0;
    },
    echoString(s: string): string {
      const cap = s.length * 3;
      const ptr = ex.cabi_realloc(0, 0, 1, cap);
      views();
      const { written } = enc.encodeInto(s, u8.subarray(ptr, ptr + cap));
      const ret = ex['echo-string'](ptr, written);
      const p = dv.getUint32(ret, true);
      const out = dec.decode(u8.subarray(p, p + dv.getUint32(ret + 4, true)));
      ex['cabi_post_echo-string'](ret);
      return out;
    },
    sumBytes(b: Uint8Array): number {
      const ptr = ex.cabi_realloc(0, 0, 1, b.length);
      views();
      u8.set(b, ptr);
      const r = ex['sum-bytes'](ptr, b.length);
      ex['cabi_post_sum-bytes'](r);
      return r >>> 0;
    },
    makeBytes(n: number): Uint8Array {
      const ret = ex['make-bytes'](n);
      views();
      const p = dv.getUint32(ret, true);
      const out = u8.slice(p, p + dv.getUint32(ret + 4, true));
      ex['cabi_post_make-bytes'](ret);
      return out;
    },
    makePoint(x: number, y: number): { x: number; y: number } {
      const ret = ex['make-point'](x, y);
      return { x: dv.getFloat64(ret, true), y: dv.getFloat64(ret + 8, true) };
    },
    callHost(n: number): number {
      return ex['call-host'](n) >>> 0;
    },
    roundTrip(s: Shape, o: number | undefined): Shape {
      const c = s.tag === 'circle' ? 0 : s.tag === 'square' ? 1 : 2;
      const ret = ex['round-trip'](c, c === 2 ? 0 : (s as { val: number }).val, o === undefined ? 0 : 1, o === undefined ? 0 : o);
      if (u8[ret] !== 0) throw new Error(`round-trip failed with ${dv.getUint32(ret + 8, true)}`);
      const rc = u8[ret + 8]!;
      return rc === 2 ? { tag: 'empty' } : { tag: shapeCases[rc] as 'circle' | 'square', val: dv.getFloat64(ret + 16, true) };
    },
    res: { Counter },
  };
}
