import { ComponentExit, configure } from '@weft/wasi-cli';
import { setPreopens } from '@weft/wasi-filesystem';
import { flushOpfs, opfsDirectory } from '@weft/wasi-filesystem/opfs';
import { instantiate } from './notes.wasm';
import { buffer, capacity, count_words, memory } from './words.wasm';

const $ = (id) => document.getElementById(id);
setPreopens([[await opfsDirectory('notes'), '/data']]);

/** Runs `notes ...args` in a fresh instance; its stdout, or an Error carrying its stderr. */
async function notes(...args) {
  let stdout = '';
  let stderr = '';
  const decoder = new TextDecoder();
  configure({
    args: ['notes', ...args],
    stdout: (b) => { stdout += decoder.decode(b); },
    stderr: (b) => { stderr += decoder.decode(b); },
  });
  const app = await instantiate();
  try {
    await app.run.run();
  } catch (e) {
    if (!(e instanceof ComponentExit)) throw e;
    throw new Error(stderr || `notes ${args.join(' ')} exited with ${e.exitCode}`);
  } finally {
    await flushOpfs();
  }
  return stdout;
}

/** Words in `text`, counted by the plain core module. */
function words(text) {
  const bytes = new TextEncoder().encode(text).subarray(0, capacity());
  new Uint8Array(memory.buffer, buffer(), bytes.length).set(bytes);
  return count_words(bytes.length);
}

async function render() {
  const list = (await notes('list')).split('\n').filter(Boolean).map((line) => {
    const space = line.indexOf(' ');
    return { id: line.slice(0, space), text: line.slice(space + 1) };
  });
  $('notes').replaceChildren(...list.map(({ id, text }) => {
    const li = document.createElement('li');
    li.dataset.id = id;
    const span = document.createElement('span');
    span.className = 'text';
    span.textContent = text;
    const del = document.createElement('button');
    del.textContent = 'Delete';
    del.addEventListener('click', () => act(() => notes('delete', id)));
    li.append(span, del);
    return li;
  }));
  const total = list.reduce((n, note) => n + words(note.text), 0);
  $('summary').textContent = `${list.length} note${list.length === 1 ? '' : 's'}, ${total} word${total === 1 ? '' : 's'}`;
}

let actions = 0;
async function act(change) {
  try {
    await change();
    await render();
    $('error').textContent = '';
  } catch (e) {
    $('error').textContent = e.message;
  }
  document.body.dataset.actions = String(++actions);
}

$('add').addEventListener('submit', (e) => {
  e.preventDefault();
  const text = $('text').value.trim();
  $('text').value = '';
  if (text) act(() => notes('add', ...text.split(/\s+/)));
});

await act(() => Promise.resolve());
