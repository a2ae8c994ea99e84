import { describe, expect, it } from 'vitest';
import { read, ReadError, show, strText, type List } from '../src/sexpr.js';
import { parseScript } from '../src/script.js';

const text = (s: string) => strText(read(s)[0] as Parameters<typeof strText>[0]);

describe('s-expression reader', () => {
  it('reads atoms, strings and nested lists with offsets', () => {
    const src = '(a (b "c") d)';
    const [e] = read(src) as [List];
    expect(show(e)).toBe('(a (b "c") d)');
    expect(e.start).toBe(0);
    expect(e.end).toBe(src.length);
    expect(src.slice((e.items[1] as List).start, (e.items[1] as List).end)).toBe('(b "c")');
  });

  it('skips line comments, nested block comments and annotations', () => {
    const es = read(';; x (\n(a (; one (; two ;) ;) b) (@custom "x" (y)) (c (@name "n") d)');
    expect(es.map((e) => show(e))).toEqual(['(a b)', '(c d)']);
  });

  it('decodes every string escape', () => {
    expect(text('"a\\nb\\tc\\rd\\"e\\\'f\\\\g"')).toBe('a\nb\tc\rd"e\'f\\g');
    expect(text('"\\u{1F370}\\u{e9}\\u{1_0000}"')).toBe('🍰é\u{10000}');
    expect(text('"\\41\\62"')).toBe('Ab');
    expect(text('"☃ü"')).toBe('☃ü');
  });

  it('keeps raw bytes that are not UTF-8', () => {
    const [s] = read('"\\00asm\\ff"');
    expect(s!.kind).toBe('string');
    expect(Array.from((s as { bytes: Uint8Array }).bytes)).toEqual([0, 0x61, 0x73, 0x6d, 0xff]);
    expect(() => strText(s as Parameters<typeof strText>[0])).toThrow();
  });

  it('reports malformed input with a position', () => {
    expect(() => read('(a\n (b)')).toThrow(ReadError);
    expect(() => read('(a\n (b)')).toThrow(/unclosed \( at line 1, column 1/);
    expect(() => read('"abc')).toThrow(/unterminated string/);
    expect(() => read('"\\q"')).toThrow(/bad string escape/);
    expect(() => read('(; open')).toThrow(/unterminated block comment/);
    expect(() => read('a)')).toThrow(/unexpected \)/);
    expect(() => read('"\\u{d800}"')).toThrow(/scalar value/);
  });
});

describe('script commands', () => {
  it('splits a script into commands with lines', () => {
    const cmds = parseScript(
      [
        '(component $a (core module $m))',
        '(component definition $d (core module))',
        '(component instance $i $d)',
        '(component binary "\\00asm" "\\0d\\00\\01\\00")',
        '(component quote "(core module)" "(core module)")',
        '(register "x:y/z" $i)',
        '(invoke $i "f" (u32.const 1))',
        '(assert_return (invoke "g") (str.const "s"))',
        '(assert_trap (invoke "h") "boom")',
        '(assert_invalid (component) "bad")',
        '(assert_exhaustion (invoke "f") "stack")',
      ].join('\n'),
    );
    expect(cmds.map((c) => [c.line, c.command.kind])).toEqual([
      [1, 'component'],
      [2, 'component'],
      [3, 'instance'],
      [4, 'component'],
      [5, 'component'],
      [6, 'register'],
      [7, 'invoke'],
      [8, 'assert_return'],
      [9, 'assert_trap'],
      [10, 'assert_invalid'],
      [11, 'unknown'],
    ]);
    const c = (i: number) => cmds[i]!.command;
    expect(c(0)).toMatchObject({ decl: { id: '$a', definition: false, source: { form: 'text', text: '(component $a  (core module $m))' } } });
    expect(c(1)).toMatchObject({ decl: { id: '$d', definition: true, source: { form: 'text', text: '(component $d  (core module))' } } });
    expect(c(2)).toEqual({ kind: 'instance', id: '$i', definition: '$d' });
    const bin = c(3) as { decl: { source: { bytes: Uint8Array } } };
    expect(Array.from(bin.decl.source.bytes)).toEqual([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0]);
    expect(c(4)).toMatchObject({ decl: { source: { form: 'quote', text: '(component  (core module) (core module))' } } });
    expect(c(5)).toEqual({ kind: 'register', name: 'x:y/z', instance: '$i' });
    expect(c(6)).toMatchObject({ kind: 'invoke', invoke: { instance: '$i', name: 'f' } });
    expect(c(10)).toEqual({ kind: 'unknown', name: 'assert_exhaustion' });
  });

  it('turns a malformed command into an unknown one instead of throwing', () => {
    const [c] = parseScript('(assert_return (nope))');
    expect(c!.command).toMatchObject({ kind: 'unknown', name: 'assert_return' });
  });
});
