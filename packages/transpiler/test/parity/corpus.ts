/**
 * The components the parity test starts from: the WAT and WIT fixtures, the component modules
 * of the conformance scripts, and — when an earlier run built and cached them — the C commands
 * of the e2e suite and the componentize-js guest.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assembleWat, componentFromWit, readFixture } from '../harness.js';

export interface Seed {
  name: string;
  bytes: Uint8Array;
  /** A conformance script's `assert_invalid`/`assert_malformed`: the message it expects. */
  invalid?: string;
}

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..', '..', '..');

/** The WIT fixtures and the worlds they are encoded for. */
export const WIT_WORLDS: Record<string, string> = { 'wit/http-service.wit': 'wasi:http/service@0.3.0' };

export async function seeds(): Promise<Seed[]> {
  const out: Seed[] = [];
  const fixtures = join(here, '..', 'fixtures');
  for (const f of readdirSync(fixtures)
    .filter((f) => f.endsWith('.wat'))
    .sort()) {
    out.push({ name: f, bytes: await assembleWat(readFixture(f)) });
  }
  for (const [f, world] of Object.entries(WIT_WORLDS)) out.push({ name: f, bytes: await componentFromWit(readFixture(f), world) });
  const scripts = join(repo, 'conformance', 'tests');
  for (const f of readdirSync(scripts)
    .filter((f) => f.endsWith('.wast'))
    .sort()) {
    const forms = wastComponents(readFileSync(join(scripts, f), 'utf8'));
    for (const [i, c] of forms.entries()) {
      const bytes = c.binary ?? (await assembleWat(c.text!));
      out.push({ name: `${f}#${i}`, bytes, ...(c.invalid !== undefined ? { invalid: c.invalid } : {}) });
    }
  }
  for (const dir of [join(repo, 'e2e', '.cache', 'components'), join(here, '..', '..', '.cache', 'componentize')]) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)
      .filter((f) => f.endsWith('.wasm'))
      .sort())
      out.push({ name: f, bytes: new Uint8Array(readFileSync(join(dir, f))) });
  }
  return out;
}

interface WastComponent {
  text?: string;
  binary?: Uint8Array;
  invalid?: string;
}

/**
 * The component modules of a .wast script: top-level `(component ...)` (a `definition` is
 * assembled like any other), and the components of `assert_invalid`, `assert_unlinkable` and
 * binary `assert_malformed`. Quoted text is left out: the assembler, not a validator, refuses it.
 */
export function wastComponents(source: string): WastComponent[] {
  const out: WastComponent[] = [];
  for (const form of topLevelForms(source)) {
    const head = /^\(\s*([a-z_]+)/.exec(form)?.[1];
    if (head === 'component') {
      if (/^\(\s*component\s+instance\b/.test(form)) continue;
      out.push({ text: form.replace(/^\(\s*component\s+definition\b/, '(component') });
    } else if (head === 'assert_invalid' || head === 'assert_unlinkable' || head === 'assert_malformed') {
      const inner = topLevelForms(form.slice(form.indexOf('(', 1)))[0]!;
      const message = /"((?:[^"\\]|\\.)*)"\s*\)$/.exec(form)?.[1] ?? '';
      const invalid = head === 'assert_unlinkable' ? undefined : message;
      const binary = /^\(\s*component\s+(?:\$\S+\s+)?binary\b/.test(inner);
      if (/^\(\s*component\s+(?:\$\S+\s+)?quote\b/.test(inner)) continue;
      const c: WastComponent = binary ? { binary: wastBytes(inner) } : { text: inner };
      if (invalid !== undefined) c.invalid = invalid;
      out.push(c);
    }
  }
  return out;
}

/** The top-level parenthesised forms of `s`, skipping comments and reading strings whole. */
function topLevelForms(s: string): string[] {
  const forms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === ';' && s[i + 1] === ';') {
      while (i < s.length && s[i] !== '\n') i++;
      continue;
    }
    if (ch === '(' && s[i + 1] === ';') {
      const end = s.indexOf(';)', i + 2);
      i = end < 0 ? s.length : end + 1;
      continue;
    }
    if (ch === '"') {
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\') i++;
        i++;
      }
      continue;
    }
    if (ch === '(') {
      if (depth === 0) start = i;
      depth++;
    }
    if (ch === ')') {
      depth--;
      if (depth === 0) forms.push(s.slice(start, i + 1));
    }
  }
  return forms;
}

/** The bytes of `(component binary "..." ...)`: wast strings with `\hh` escapes. */
function wastBytes(form: string): Uint8Array {
  const bytes: number[] = [];
  for (const m of form.matchAll(/"((?:[^"\\]|\\.)*)"/g)) {
    const str = m[1]!;
    for (let i = 0; i < str.length; i++) {
      if (str[i] !== '\\') {
        bytes.push(...new TextEncoder().encode(str[i]!));
        continue;
      }
      const next = str[i + 1]!;
      if (/[0-9a-fA-F]/.test(next)) {
        bytes.push(parseInt(str.slice(i + 1, i + 3), 16));
        i += 2;
        continue;
      }
      bytes.push({ n: 10, t: 9, r: 13, '"': 34, "'": 39, '\\': 92 }[next] ?? next.charCodeAt(0));
      i++;
    }
  }
  return new Uint8Array(bytes);
}
