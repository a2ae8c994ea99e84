/**
 * HTTP serving throughput: the hello-world handler component (e2e/fixtures/wat) served by
 * `weft serve` (a fresh instance per request, and `--reuse`) and by `jco serve`, all three
 * running at once and measured in turns by one client with a fixed number of requests in
 * flight, so load on the machine hits every server alike.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildHelloHandler, HELLO_HANDLER_TEXT } from '@weft/e2e/serve-fixtures';
import { startJcoServe, startServerProcess, type ServerProcess } from '@weft/e2e/serve-process';
import { formatRatio, formatSpread, markdownTable } from './format.js';
import { jcoVersion, weftCliBin } from './paths.js';
import { summarize, type Summary } from './stats.js';

export type ServeServer = 'weft' | 'weft --reuse' | 'jco';

export interface ServeRow {
  server: ServeServer;
  /** Requests per second of each sample. */
  rps: Summary;
  /** Median over jco serve's median: above 1, weft serves more requests per second. */
  vsJco: number;
}

export interface ServeResults {
  jco: string;
  requestsPerSample: number;
  concurrency: number;
  rows: ServeRow[];
}

const CONCURRENCY = 10;

/** `count` GETs, `CONCURRENCY` in flight; each body is checked. Returns requests per second. */
async function load(origin: string, count: number): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < count) {
      next++;
      const r = await fetch(`${origin}/`);
      const body = await r.text();
      if (r.status !== 200 || body !== HELLO_HANDLER_TEXT) throw new Error(`${origin} answered ${r.status} ${JSON.stringify(body)}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return count / ((performance.now() - t0) / 1000);
}

function start(server: ServeServer, component: string): Promise<ServerProcess> {
  if (server === 'jco') return startJcoServe(component);
  const args = [weftCliBin, 'serve', component, '--port', '0', ...(server === 'weft --reuse' ? ['--reuse'] : [])];
  return startServerProcess(process.execPath, args, /listening on (http:\/\/\S+)/);
}

export async function measureServe(opts: { quick?: boolean | undefined; log?: (m: string) => void } = {}): Promise<ServeResults> {
  const log = opts.log ?? (() => {});
  // Many short samples: other work on the machine comes and goes within seconds.
  const count = opts.quick ? 200 : 400;
  const samples = opts.quick ? 5 : 15;
  const dir = mkdtempSync(join(tmpdir(), 'weft-bench-serve-'));
  const component = join(dir, 'hello-handler.wasm');
  writeFileSync(component, await buildHelloHandler());
  const servers: ServeServer[] = ['weft', 'weft --reuse', 'jco'];
  const running = new Map<ServeServer, ServerProcess>();
  try {
    for (const s of servers) running.set(s, await start(s, component));
    for (const s of servers) await load(running.get(s)!.origin, 100);
    const rps = new Map<ServeServer, number[]>(servers.map((s) => [s, []]));
    for (let i = 0; i < samples; i++) {
      // A different server goes first each round.
      for (const s of [...servers.slice(i % servers.length), ...servers.slice(0, i % servers.length)]) {
        rps.get(s)!.push(await load(running.get(s)!.origin, count));
      }
      log(`serve: sample ${i + 1}/${samples}`);
    }
    const jcoMedian = summarize(rps.get('jco')!).median;
    return {
      jco: jcoVersion,
      requestsPerSample: count,
      concurrency: CONCURRENCY,
      rows: servers.map((server) => {
        const s = summarize(rps.get(server)!);
        return { server, rps: s, vsJco: s.median / jcoMedian };
      }),
    };
  } finally {
    for (const p of running.values()) await p.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function serveHeading(r: ServeResults): string {
  return `### Serving HTTP: hello-world handler, requests/s (${r.requestsPerSample} requests per sample, ${r.concurrency} in flight, jco ${r.jco})`;
}

const LABELS: Record<ServeServer, string> = {
  weft: 'weft serve (instance per request)',
  'weft --reuse': 'weft serve --reuse (one instance)',
  jco: 'jco serve',
};

export function serveTable(r: ServeResults): string {
  return markdownTable(
    ['server', 'requests/s', 'vs jco serve'],
    r.rows.map((row) => [LABELS[row.server], `${Math.round(row.rps.median)}${formatSpread(row.rps)}`, row.server === 'jco' ? '1x' : formatRatio(row.vsJco)]),
  );
}
