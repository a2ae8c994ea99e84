/** The page: pick or drop a component, then read its WIT, call its exports or run it. */
import type { InspectEntry } from '@weft/transpiler';
import helloUrl from '../../hello/hello.wasm?url';
import { isComponentError, loadComponent, runCommand, runExport, withCli, type Loaded, type Output } from './component';
import { example, parseArgument, show } from './values';
import { parseSignature, type WitFunc } from './wit-type';
import { worldName, worldText } from './world';
import './style.css';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) el.setAttribute(k, v);
  el.append(...children);
  return el;
}

function kb(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(1)} KB`;
}

function setStatus(text: string, kind: 'info' | 'error'): void {
  const status = $('status');
  status.textContent = text;
  status.className = `status ${kind}`;
  status.hidden = false;
}

function describeError(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

let current: Loaded | undefined;
/** The instance export calls share, made on the first call; a trap poisons it, so it is dropped. */
let shared: Promise<Record<string, unknown>> | undefined;

async function open(file: File): Promise<void> {
  setStatus(`Transpiling ${file.name}…`, 'info');
  $('panels').hidden = true;
  current = undefined;
  shared = undefined;
  try {
    current = await loadComponent(new Uint8Array(await file.arrayBuffer()), file.name);
  } catch (e) {
    setStatus(`${file.name}: ${describeError(e)}`, 'error');
    return;
  }
  render(current);
}

function render(c: Loaded): void {
  const modules = c.info.coreModules.length;
  setStatus(
    `${c.fileName}: ${kb(c.size)}, ${modules} core module${modules === 1 ? '' : 's'}; ` +
      `transpiled in ${c.transpileMs.toFixed(1)} ms to ${kb(c.glue.length)} of glue.`,
    'info',
  );
  $('wit').textContent = worldText(c.info, worldName(c.fileName));
  const note = $('imports-note');
  note.hidden = c.info.imports.length === 0;
  note.textContent = c.missing.length
    ? `The page has no host for ${c.missing.join(', ')}: calls that instantiate the component will fail.`
    : `Every import is answered by weft's WASI shims (${c.provided.length} interface${c.provided.length === 1 ? '' : 's'}).`;
  note.classList.toggle('warn', c.missing.length > 0);

  $('glue').textContent = c.glue;
  $('glue-size').textContent = kb(c.glue.length);
  $('run-card').hidden = runExport(c.info) === undefined;
  $('run-output').hidden = true;
  renderExports(c);
  $('panels').hidden = false;
}

interface Callable {
  /** Export path: a world-level function, or an interface and one of its functions. */
  path: string[];
  signature: string;
}

/** Exported functions the page can call; a command's `wasi:cli/run` has a form of its own. */
function callables(exports: InspectEntry[], run: string | undefined): Callable[] {
  const out: Callable[] = [];
  for (const e of exports) {
    if (e.kind === 'function') out.push({ path: [e.name], signature: e.signature! });
    if (e.kind !== 'instance' || e.name === run) continue;
    // Resource constructors and methods (`[method]r.m`) need a resource from the host side.
    for (const f of e.items ?? []) if (f.kind === 'function' && !f.name.startsWith('[')) out.push({ path: [e.name, f.name], signature: f.signature! });
  }
  return out;
}

/** The glue names functions in camelCase: find one by its WIT name's letters. */
function member(obj: Record<string, unknown>, witName: string): unknown {
  if (witName in obj) return obj[witName];
  const letters = witName.replace(/-/g, '').toLowerCase();
  const key = Object.keys(obj).find((k) => k.toLowerCase() === letters);
  return key === undefined ? undefined : obj[key];
}

function renderExports(c: Loaded): void {
  const list = $('exports');
  const fns = callables(c.info.exports, runExport(c.info));
  list.replaceChildren(...fns.map((fn) => exportForm(c, fn)));
  $('exports-card').hidden = fns.length === 0;
}

function exportForm(c: Loaded, fn: Callable): HTMLElement {
  const sig = parseSignature(fn.signature);
  const label = fn.path.join('#');
  const inputs = sig.params.map((p) => h('input', { type: 'text', name: p.name, placeholder: example(p.type), autocomplete: 'off', spellcheck: 'false' }));
  const result = h('pre', { class: 'result', hidden: '' });
  const form = h(
    'form',
    { class: 'export', 'data-export': label },
    h('div', { class: 'export-head' }, h('code', { class: 'export-name' }, label), h('code', { class: 'sig' }, fn.signature)),
    ...sig.params.map((p, i) => h('label', { class: 'param' }, h('span', {}, p.name), inputs[i]!)),
    h('button', { type: 'submit' }, 'Call'),
    result,
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void call(c, fn, sig.params, inputs, result);
  });
  return form;
}

async function call(c: Loaded, fn: Callable, params: WitFunc['params'], inputs: HTMLInputElement[], result: HTMLElement): Promise<void> {
  result.hidden = false;
  result.className = 'result';
  let args: unknown[];
  try {
    args = params.map((p, i) => parseArgument(p.type, inputs[i]!.value, p.name));
  } catch (e) {
    result.textContent = describeError(e);
    result.classList.add('error');
    return;
  }
  result.textContent = 'calling…';
  const { value, error, output } = await withCli({}, async () => {
    shared ??= c.instantiate();
    let target = await shared;
    for (const name of fn.path.slice(0, -1)) target = member(target, name) as Record<string, unknown>;
    const f = member(target, fn.path[fn.path.length - 1]!) as (...a: unknown[]) => unknown;
    return f(...args);
  });
  if (c !== current) return;
  let text: string;
  if (error === undefined) text = `→ ${show(value)}`;
  else if (isComponentError(error)) text = `→ error ${show(error.payload)}`;
  else {
    text = describeError(error);
    // A trap poisons the instance and a failed instantiation leaves none: after any failure
    // the next call starts on a fresh instance.
    shared = undefined;
  }
  result.textContent = text + streams(output);
  result.classList.toggle('error', error !== undefined);
}

function streams(o: Output): string {
  return (o.stdout ? `\nstdout: ${o.stdout}` : '') + (o.stderr ? `\nstderr: ${o.stderr}` : '');
}

/** Words of a command line; double or single quotes keep spaces in one argument. */
function splitArgs(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

function envPairs(text: string): [string, string][] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const eq = l.indexOf('=');
      return eq < 0 ? [l.trim(), ''] : [l.slice(0, eq).trim(), l.slice(eq + 1)];
    });
}

$('run-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const c = current;
  if (!c) return;
  const button = ($('run-form') as HTMLFormElement).querySelector('button')!;
  button.disabled = true;
  try {
    const r = await runCommand(c, {
      args: splitArgs($<HTMLInputElement>('run-args').value),
      env: envPairs($<HTMLTextAreaElement>('run-env').value),
      stdin: $<HTMLTextAreaElement>('run-stdin').value,
    });
    if (c !== current) return;
    $('run-exit').textContent = r.exitCode === null ? 'none' : String(r.exitCode);
    $('run-exit').className = `badge ${r.exitCode === 0 ? 'ok' : 'bad'}`;
    $('run-stdout').textContent = r.stdout;
    $('run-stderr').textContent = r.stderr + (r.error ? `${r.stderr ? '\n' : ''}${r.error}` : '');
    $('run-output').hidden = false;
  } finally {
    button.disabled = false;
  }
});

$<HTMLInputElement>('file').addEventListener('change', (ev) => {
  const file = (ev.target as HTMLInputElement).files?.[0];
  if (file) void open(file);
});

const drop = $('drop');
drop.addEventListener('dragover', (ev) => {
  ev.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (ev) => {
  ev.preventDefault();
  drop.classList.remove('over');
  const file = ev.dataTransfer?.files[0];
  if (file) void open(file);
});
// A file dropped beside the drop zone would otherwise replace the page.
window.addEventListener('dragover', (ev) => ev.preventDefault());
window.addEventListener('drop', (ev) => ev.preventDefault());

$('example').addEventListener('click', async () => {
  const response = await fetch(helloUrl);
  void open(new File([await response.arrayBuffer()], 'hello.wasm'));
});
