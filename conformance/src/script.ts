/** Splits a .wast script into typed commands. */
import { isAtom, isList, read, show, strText, type List, type SExpr } from './sexpr.js';

/** Where a component's bytes come from. */
export type ComponentSource = { form: 'text'; text: string } | { form: 'binary'; bytes: Uint8Array } | { form: 'quote'; text: string };

export interface ComponentDecl {
  id?: string | undefined;
  /** `(component definition ...)`: defined but not instantiated. */
  definition: boolean;
  source: ComponentSource;
}

export interface Invoke {
  instance?: string | undefined;
  name: string;
  args: SExpr[];
}

export type Command =
  | { kind: 'component'; decl: ComponentDecl }
  | { kind: 'instance'; id?: string | undefined; definition: string }
  | { kind: 'register'; name: string; instance?: string | undefined }
  | { kind: 'invoke'; invoke: Invoke }
  | { kind: 'assert_return'; invoke: Invoke; results: SExpr[] }
  | { kind: 'assert_trap'; target: { invoke: Invoke } | { component: ComponentDecl }; message: string }
  | { kind: 'assert_invalid' | 'assert_malformed' | 'assert_unlinkable'; component: ComponentDecl; message: string }
  | { kind: 'unknown'; name: string; why?: string };

export interface Located {
  command: Command;
  /** 1-based source line of the command. */
  line: number;
  /** Short text of the command, for reports. */
  text: string;
}

class CommandError extends Error {}

function idOf(e: SExpr | undefined): string | undefined {
  return isAtom(e) && e.value.startsWith('$') ? e.value : undefined;
}

function stringArg(e: SExpr | undefined, what: string): string {
  if (e?.kind !== 'string') throw new CommandError(`expected ${what} string`);
  return strText(e);
}

/**
 * Reads `(component ...)`, `(component definition $id? ...)`, `(component $id? binary ...)`
 * and `(component $id? quote ...)`. Text components are passed to the assembler as the
 * original source slice, so it sees exactly what the script says.
 */
export function componentDecl(e: List, source: string): ComponentDecl {
  let i = 1;
  let definition = false;
  if (isAtom(e.items[i], 'definition')) {
    definition = true;
    i++;
  }
  const id = idOf(e.items[i]);
  if (id) i++;
  const rest = e.items.slice(i);
  if (isAtom(rest[0], 'binary') || isAtom(rest[0], 'quote')) {
    const form = (rest[0] as { value: string }).value as 'binary' | 'quote';
    const parts = rest.slice(1);
    const chunks: Uint8Array[] = [];
    for (const p of parts) {
      if (p.kind !== 'string') throw new CommandError(`component ${form} takes only strings, found ${show(p)}`);
      chunks.push(p.bytes);
    }
    const total = chunks.reduce((a, c) => a + c.length, 0);
    const bytes = new Uint8Array(total);
    let off = 0;
    for (const c of chunks) {
      bytes.set(c, off);
      off += c.length;
    }
    if (form === 'binary') return { id, definition, source: { form, bytes } };
    const body = chunks.map((c) => new TextDecoder().decode(c)).join(' ');
    return { id, definition, source: { form, text: `(component ${id ?? ''} ${body})` } };
  }
  const headerEnd = i === 1 ? e.items[0]!.end : e.items[i - 1]!.end;
  const text = `(component ${id ?? ''} ${source.slice(headerEnd, e.end)}`;
  return { id, definition, source: { form: 'text', text } };
}

function invokeOf(e: SExpr | undefined): Invoke {
  if (!isList(e, 'invoke')) throw new CommandError(`expected (invoke ...), found ${e ? show(e) : 'nothing'}`);
  let i = 1;
  const instance = idOf(e.items[i]);
  if (instance) i++;
  const name = stringArg(e.items[i], 'export name');
  return { instance, name, args: e.items.slice(i + 1) };
}

function parseCommand(e: SExpr, source: string): Command {
  if (!isList(e) || !isAtom(e.items[0])) return { kind: 'unknown', name: show(e, 40), why: 'not a command' };
  const head = e.items[0].value;
  const it = e.items;
  switch (head) {
    case 'component':
      if (isAtom(it[1], 'instance')) {
        const id = idOf(it[2]);
        const def = idOf(it[id ? 3 : 2]);
        if (!def) throw new CommandError('component instance needs a definition name');
        return { kind: 'instance', id, definition: def };
      }
      return { kind: 'component', decl: componentDecl(e, source) };
    case 'register':
      return { kind: 'register', name: stringArg(it[1], 'register name'), instance: idOf(it[2]) };
    case 'invoke':
      return { kind: 'invoke', invoke: invokeOf(e) };
    case 'assert_return':
      return { kind: 'assert_return', invoke: invokeOf(it[1]), results: it.slice(2) };
    case 'assert_trap': {
      const message = stringArg(it[2], 'assert_trap message');
      if (isList(it[1], 'component')) return { kind: 'assert_trap', target: { component: componentDecl(it[1], source) }, message };
      return { kind: 'assert_trap', target: { invoke: invokeOf(it[1]) }, message };
    }
    case 'assert_invalid':
    case 'assert_malformed':
    case 'assert_unlinkable': {
      if (!isList(it[1], 'component')) return { kind: 'unknown', name: `${head} ${it[1] ? show(it[1], 30) : ''}`, why: 'only components are supported' };
      return { kind: head, component: componentDecl(it[1], source), message: stringArg(it[2], `${head} message`) };
    }
    default:
      return { kind: 'unknown', name: head };
  }
}

/** Parses a whole script. A malformed command becomes an `unknown` command, never an exception. */
export function parseScript(source: string): Located[] {
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const lineOf = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  return read(source).map((e) => {
    const line = lineOf(e.start);
    const text = show(e, 100);
    try {
      return { command: parseCommand(e, source), line, text };
    } catch (err) {
      return { command: { kind: 'unknown', name: isList(e) ? show(e.items[0]!, 30) : show(e, 30), why: (err as Error).message }, line, text };
    }
  });
}
