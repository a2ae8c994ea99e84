/**
 * jco as the validation oracle. `generate` of jco's bindgen first decodes the component's WIT,
 * which runs wasmparser's validator with every feature on (function bodies excepted), then
 * translates it with wasmtime's translator, then validates each core module, function bodies
 * included. Its errors are sorted here into wasmparser's rejections and jco's own limits.
 */
import { realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export type Verdict =
  /** wasmparser accepted, and jco translated it. */
  | { kind: 'valid' }
  /** wasmparser rejected it: `offset` is where, `stage` whether in the component or a core module's code. */
  | { kind: 'invalid'; stage: 'component' | 'core code'; message: string; offset?: number }
  /** wasmparser accepted it but jco cannot translate it (see JCO_LIMITS). */
  | { kind: 'limit'; limit: string; message: string }
  /**
   * jco's bindgen panicked: no verdict. Seen on a resource shared by two inner components
   * ("conflicting resource tables") and on latin1+utf16 strings (an encoding assertion).
   */
  | { kind: 'panic'; message: string }
  /** An error of no kind listed here: the test fails until it is classified. */
  | { kind: 'unclassified'; message: string };

/** jco's errors that are not wasmparser's: the component validated, jco cannot carry it further. */
export const JCO_LIMITS: { name: string; stage: 'wit' | 'translate'; pattern: RegExp }[] = [
  { name: 'a type appears twice in WIT', stage: 'wit', pattern: /cannot represent this component in WIT/ },
  {
    name: 'a top-level type export (a WIT world exports functions and interfaces only)',
    stage: 'wit',
    pattern: /component export `[^`]+` was not a function or instance/,
  },
  { name: 're-exported imported function', stage: 'translate', pattern: /is a reexport of an imported function which is not implemented/ },
  { name: 'the threads built-ins', stage: 'translate', pattern: /requires the component model threading feature/ },
  // The spec's threads have two context slots (the explainer: `i` below 2); jco 1.35's translator keeps one.
  { name: 'context slot 1', stage: 'translate', pattern: /`context\.(get|set)` immediate must be zero/ },
  // The WIT decoder validates with every wasm feature on; the translator leaves some proposals off.
  { name: 'a proposal the translator leaves off', stage: 'translate', pattern: /proposal/ },
];

/**
 * Rejections that wasmtime's translator reports after the WIT decoder let the input through:
 * the decoder reads the binary as a stream and ends a nested section at end of input, and it
 * takes a core module where a component is expected.
 */
const TRANSLATOR_REJECTIONS = /section range \d+\.\.\d+ is out of bounds|attempted to parse a wasm module with a component parser/;

const AT_OFFSET = /\(at offset 0x([0-9a-f]+)\)$/;

interface Bindgen {
  generate(bytes: Uint8Array, opts: object): unknown;
}

const here = dirname(fileURLToPath(import.meta.url));
let bindgen: Bindgen | undefined;
let generation = 0;

/** jco-transpile ships the bindgen component beside jco; each load is a fresh instance (a panic poisons one). */
async function load(): Promise<Bindgen> {
  const jco = realpathSync(join(here, '..', '..', 'node_modules', '@bytecodealliance', 'jco'));
  const file = join(jco, '..', 'jco-transpile', 'vendor', 'js-component-bindgen-component.js');
  const mod = await import(`${pathToFileURL(file).href}?instance=${generation++}`);
  await mod.$init;
  return mod as Bindgen;
}

export async function jcoVerdict(bytes: Uint8Array): Promise<Verdict> {
  bindgen ??= await load();
  try {
    bindgen.generate(bytes, { name: 'c', instantiation: { tag: 'async' }, noTypescript: true });
    return { kind: 'valid' };
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) {
      bindgen = undefined;
      return { kind: 'panic', message: e.message };
    }
    const text = String((e as { payload?: unknown }).payload ?? (e as Error).message ?? e);
    // Input without the wasm magic is read as WIT text; wasmparser would not read past the header.
    if (!hasMagic(bytes)) return { kind: 'invalid', stage: 'component', message: `not a wasm binary: ${text.split('\n')[0]}`, offset: 0 };
    return classify(text);
  }
}

const hasMagic = (b: Uint8Array) => b[0] === 0 && b[1] === 0x61 && b[2] === 0x73 && b[3] === 0x6d;

function classify(text: string): Verdict {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const cause = (lines[lines.length - 1] ?? '').replace(/^\d+: /, '');
  const at = AT_OFFSET.exec(cause);
  const offset = at ? parseInt(at[1]!, 16) : undefined;
  const limit = JCO_LIMITS.find((l) => l.pattern.test(cause));
  if (limit) return { kind: 'limit', limit: limit.name, message: cause };
  const head = lines[0];
  if (head === 'failed to extract interface information from component' && at) return { kind: 'invalid', stage: 'component', message: cause, offset };
  if (head === 'failed to translate component' && TRANSLATOR_REJECTIONS.test(cause)) return { kind: 'invalid', stage: 'component', message: cause };
  // Core modules are validated last, on their own, and their errors come without context.
  if (lines.length === 1 && at) return { kind: 'invalid', stage: 'core code', message: cause, offset };
  return { kind: 'unclassified', message: text };
}
