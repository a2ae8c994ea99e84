/**
 * Looks at a page's origin private file system with nothing but the browser's own OPFS API,
 * to check what a guest wrote through weft's shim independently of the shim.
 */
import type { EnginePage } from './engines.js';

export interface OpfsEntry {
  /** Path under the inspected directory, `/`-separated; directories end in `/`. */
  path: string;
  /** Size in bytes of a file; 0 for a directory. */
  size: number;
}

/** Every entry under OPFS directory `dir` ('' = the root), depth first, sorted by path. */
export function opfsTree(page: EnginePage, dir: string): Promise<OpfsEntry[]> {
  return page.evaluate<OpfsEntry[], string>(async (dirPath) => {
    let handle = await navigator.storage.getDirectory();
    for (const part of dirPath.split('/').filter(Boolean)) handle = await handle.getDirectoryHandle(part);
    const out: { path: string; size: number }[] = [];
    const walk = async (d: FileSystemDirectoryHandle, prefix: string): Promise<void> => {
      // The DOM typings in use lack the async-iterable side of FileSystemDirectoryHandle.
      const iterable = d as unknown as { values(): AsyncIterable<FileSystemHandle> };
      for await (const h of iterable.values()) {
        if (h.kind === 'directory') {
          out.push({ path: `${prefix}${h.name}/`, size: 0 });
          await walk(h as FileSystemDirectoryHandle, `${prefix}${h.name}/`);
        } else {
          out.push({ path: `${prefix}${h.name}`, size: (await (h as FileSystemFileHandle).getFile()).size });
        }
      }
    };
    await walk(handle, '');
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }, dir);
}

/** Contents of the OPFS file at `path` as text (UTF-8). */
export function opfsReadText(page: EnginePage, path: string): Promise<string> {
  return page.evaluate<string, string>(async (filePath) => {
    const parts = filePath.split('/').filter(Boolean);
    let d = await navigator.storage.getDirectory();
    for (const part of parts.slice(0, -1)) d = await d.getDirectoryHandle(part);
    const file = await (await d.getFileHandle(parts[parts.length - 1]!)).getFile();
    return file.text();
  }, path);
}

/** Size and 32-bit FNV-1a hash (8 hex digits) of the OPFS file at `path`, computed in the page. */
export function opfsFnv1a(page: EnginePage, path: string): Promise<{ size: number; fnv1a: string }> {
  return page.evaluate<{ size: number; fnv1a: string }, string>(async (filePath) => {
    const parts = filePath.split('/').filter(Boolean);
    let d = await navigator.storage.getDirectory();
    for (const part of parts.slice(0, -1)) d = await d.getDirectoryHandle(part);
    const bytes = new Uint8Array(await (await (await d.getFileHandle(parts[parts.length - 1]!)).getFile()).arrayBuffer());
    let h = 0x811c9dc5;
    for (const b of bytes) h = Math.imul(h ^ b, 16777619) >>> 0;
    return { size: bytes.length, fnv1a: h.toString(16).padStart(8, '0') };
  }, path);
}

/** 32-bit FNV-1a of `bytes` as 8 hex digits, the checksum the C fixtures print. */
export function fnv1a(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 16777619) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/**
 * A dedicated worker's source that asks whether this engine grants OPFS sync access handles
 * (on a scratch file it removes again) and posts `granted`, `missing` or `refused: <name>`.
 */
const SYNC_ACCESS_PROBE_WORKER = `
const root = await navigator.storage.getDirectory();
const name = 'sync-access-probe-' + Math.random().toString(36).slice(2);
const file = await root.getFileHandle(name, { create: true });
let answer;
if (typeof file.createSyncAccessHandle !== 'function') answer = 'missing';
else {
  try { (await file.createSyncAccessHandle()).close(); answer = 'granted'; } catch (e) { answer = 'refused: ' + e.name; }
}
await root.removeEntry(name);
postMessage(answer);
`;

/** Page-side: run the probe in a worker, answering what it posted. */
const runSyncAccessProbe = (src: string): Promise<string> =>
  new Promise((ok, fail) => {
    const worker = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })), { type: 'module' });
    worker.onmessage = (e) => {
      worker.terminate();
      ok(String(e.data));
    };
    worker.onerror = (e) => {
      worker.terminate();
      fail(new Error(`sync access probe: ${e.message}`));
    };
  });

/** Whether a dedicated worker of `page` gets OPFS sync access handles. */
export function syncAccessInWorker(page: EnginePage): Promise<string> {
  return page.evaluate(runSyncAccessProbe, SYNC_ACCESS_PROBE_WORKER);
}

/** A page that runs the same probe by itself and POSTs the answer to `reportPath`. */
export function syncAccessProbePage(reportPath: string): string {
  return `<!doctype html><meta charset="utf-8"><script type="module">
const answer = await (${runSyncAccessProbe.toString()})(${JSON.stringify(SYNC_ACCESS_PROBE_WORKER)}).catch((e) => 'probe failed: ' + e.message);
await fetch(${JSON.stringify(reportPath)}, { method: 'POST', body: answer });
</script>`;
}
