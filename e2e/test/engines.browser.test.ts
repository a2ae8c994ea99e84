/**
 * The engine interface itself: each engine launches, evaluates in a page (values, undefined
 * and errors cross alike), and closing it ends every process the launch started, the
 * browser's own helper processes included.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { startStaticServer, type StaticServer } from '../src/browser.js';
import { ENGINES, launchEngine } from '../src/engines.js';

/** pid -> [parent pid, state] of every process now running. */
function processTable(): Map<number, [number, string]> {
  const table = new Map<number, [number, string]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // `pid (comm) state ppid ...`: comm may hold spaces and parentheses, so split after the last ')'.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      table.set(Number(name), [Number(ppid), state!]);
    } catch {
      // exited meanwhile
    }
  }
  return table;
}

/** Processes below this one that have not exited (zombies waiting to be reaped count as gone). */
function liveDescendants(): number[] {
  const table = processTable();
  const out: number[] = [];
  const walk = (parent: number) => {
    for (const [pid, [ppid, state]] of table) {
      if (ppid !== parent) continue;
      if (state !== 'Z') out.push(pid);
      walk(pid);
    }
  };
  walk(process.pid);
  return out;
}

function stillRunning(pids: number[]): number[] {
  const table = processTable();
  return pids.filter((pid) => table.has(pid) && table.get(pid)![1] !== 'Z');
}

let server: StaticServer;
afterAll(async () => {
  await server?.close();
});

describe.each(ENGINES)('the %s engine', (engine) => {
  it('evaluates in a page, and closing ends every process the launch started', async () => {
    server ??= await startStaticServer({ files: { '/e.html': '<!doctype html><title>e</title>' } });
    const before = new Set(liveDescendants());
    const browser = await launchEngine(engine);
    let started: number[] = [];
    try {
      expect(browser.version).toMatch(/\d+\.\d+/);
      const page = await browser.newPage();
      await page.goto(`${server.origin}/e.html`);
      expect(await page.evaluate((n: number) => ({ sum: n + 1, none: undefined, title: document.title }), 41)).toEqual({ sum: 42, title: 'e' });
      expect(await page.evaluate(() => undefined)).toBeUndefined();
      await expect(page.evaluate(() => Promise.reject(new RangeError('from the page')))).rejects.toThrow(`in ${engine}: RangeError: from the page`);
      started = liveDescendants().filter((pid) => !before.has(pid));
      expect(started.length).toBeGreaterThan(0);
    } finally {
      await browser.close();
    }
    // Helper processes (a web content process, say) exit a moment after their browser.
    await expect.poll(() => stillRunning(started), { timeout: 15_000, interval: 100 }).toEqual([]);
  });
});
