#!/usr/bin/env node
// Runs the component-model reference tests against weft (or jco with WEFT_ENGINE=jco).
// Usage: run-spec.mjs <component-model checkout> [--filter substr] [--jobs n]
//        [--timeout ms] [--verbose] [--json out.json] [--browser]
// --browser runs each file in headless Chromium (CHROMIUM_PATH, default /usr/bin/chromium).
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const dist = new URL('../dist/index.js', import.meta.url);
if (!existsSync(fileURLToPath(dist))) {
  console.error('run-spec: dist/ is missing; build first with `pnpm --filter @weft/conformance build`');
  process.exit(2);
}
const { runSpec, summarize, engineName } = await import(dist.href);

const args = process.argv.slice(2);
const opts = { filter: undefined, jobs: undefined, timeoutMs: 10_000, verbose: false, json: undefined, browser: false };
let checkout;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const value = () => {
    const v = args[++i];
    if (v === undefined) usage(`${a} needs a value`);
    return v;
  };
  if (a === '--filter') opts.filter = value();
  else if (a === '--jobs') opts.jobs = Number(value());
  else if (a === '--timeout') opts.timeoutMs = Number(value());
  else if (a === '--json') opts.json = value();
  else if (a === '--verbose') opts.verbose = true;
  else if (a === '--browser') opts.browser = true;
  else if (a.startsWith('--')) usage(`unknown option ${a}`);
  else if (checkout === undefined) checkout = a;
  else usage(`unexpected argument ${a}`);
}
if (!checkout) usage('missing the path of a component-model checkout');
if (!existsSync(`${checkout}/test`)) usage(`${checkout}/test does not exist`);

function usage(msg) {
  console.error(
    `run-spec: ${msg}\nusage: run-spec.mjs <component-model checkout> [--filter substr] [--jobs n] [--timeout ms] [--verbose] [--json out.json] [--browser]`,
  );
  process.exit(2);
}

const engine = engineName();
const MAX_SHOWN = 12;
const clip = (text, n = 240) => {
  const s = text.replace(/\s*\n\s*/g, ' | ');
  return s.length > n ? `${s.slice(0, n - 3)}...` : s;
};

function printFile(r) {
  const label = r.status === 'pass' ? 'PASS' : r.status === 'nyi' ? 'NYI ' : 'FAIL';
  const hollow = r.commands.filter((c) => c.ok && c.hollow).length;
  const otherMessage = r.commands.filter((c) => c.ok && c.messageMatched === false && !c.hollow).length;
  const notes = [
    r.error,
    otherMessage ? `${otherMessage} passed with a different error message` : undefined,
    hollow ? `${hollow} passed only through weft's not-supported trap` : undefined,
  ].filter(Boolean);
  console.log(`${label} ${r.file.padEnd(52)} ${String(r.passed).padStart(4)}/${r.total}${notes.length ? `  (${notes.join('; ')})` : ''}`);
  if (r.status === 'pass') return;
  const failed = r.commands.filter((c) => !c.ok);
  for (const c of opts.verbose ? failed : failed.slice(0, MAX_SHOWN)) {
    console.log(`     line ${String(c.line).padEnd(5)} ${c.kind}: ${clip(c.detail ?? '')}`);
  }
  if (!opts.verbose && failed.length > MAX_SHOWN) console.log(`     ... ${failed.length - MAX_SHOWN} more failed commands (--verbose shows all)`);
}

function section(title, files) {
  console.log(`\n== ${title} ==`);
  for (const r of files) printFile(r);
  const s = summarize(files);
  const commands = files.reduce((a, f) => [a[0] + f.passed, a[1] + f.total], [0, 0]);
  return { ...s, commands };
}

console.log(`engine: ${engine}${opts.browser ? ' (in Chromium)' : ''}`);
let done = 0;
const onFile = (r) => {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K[${++done}] ${r.file} ${r.status}`);
};
const report = await runSpec(checkout, { engine, filter: opts.filter, jobs: opts.jobs, timeoutMs: opts.timeoutMs, browser: opts.browser, onFile });
if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
const main = section('component-model tests', report.main);
const asyncS = section('async (Preview 3; no stack switching unless WEFT_ASYNC_MODE=asyncify or jspi)', report.async);
if (opts.json) await writeFile(opts.json, JSON.stringify({ engine, browser: opts.browser, ...report }, null, 2));
console.log(`\nasync: ${asyncS.passed} passed, ${asyncS.failed} failed, ${asyncS.nyi} nyi (commands ${asyncS.commands[0]}/${asyncS.commands[1]})`);
console.log(`commands: ${main.commands[0]}/${main.commands[1]} passed; nyi files: ${main.nyi}`);
console.log(`${main.passed} passed, ${main.failed} failed`);
process.exitCode = main.failed > 0 ? 1 : 0;
