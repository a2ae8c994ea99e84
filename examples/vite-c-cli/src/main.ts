import { runWc, type RunResult } from './run';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const inWorker = new URLSearchParams(location.search).has('worker');
$('where').textContent = inWorker ? 'a worker' : 'the page';
$<HTMLAnchorElement>('switch').href = inWorker ? '?' : '?worker';

let worker: Worker | undefined;
function runInWorker(args: string[], stdin: string): Promise<RunResult> {
  worker ??= new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  const w = worker;
  return new Promise((resolve, reject) => {
    w.onmessage = (e: MessageEvent<RunResult>) => resolve(e.data);
    w.onerror = (e) => reject(new Error(e.message));
    w.postMessage({ args, stdin });
  });
}

let runs = 0;
$('run').addEventListener('click', async () => {
  const args = $<HTMLInputElement>('args').value.split(/\s+/).filter(Boolean);
  const stdin = $<HTMLTextAreaElement>('stdin').value;
  const pending = inWorker ? runInWorker(args, stdin) : runWc(args, stdin);
  const { stdout, stderr, exitCode } = await pending;
  $('stdout').textContent = stdout;
  $('stderr').textContent = stderr;
  $('exit').textContent = String(exitCode);
  document.body.dataset.runs = String(++runs);
});
document.body.dataset.ready = 'true';
