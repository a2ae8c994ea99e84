/**
 * The same components, transpiled for @bytecodealliance/preview2-shim and for weft's
 * shims, must print the same and exit the same in Node. And with the shim held fixed,
 * weft's glue must hand preview2-shim exactly what jco's glue hands it: every call the
 * guest makes into the shim, with its arguments, in order.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspect } from '@weft/transpiler';
import { buildCFixture } from '../src/fixtures.js';
import { runInNode, type CommandRun } from '../src/node-run.js';
import { cacheDir, e2eRoot } from '../src/paths.js';
import { transpileForTest, type Engine } from '../src/transpile-for-test.js';
import { cases, sameText, type Case } from './cases.js';

const entries = new Map<string, { weft: string; preview2: string }>();

beforeAll(async () => {
  for (const program of new Set(cases.map((c) => c.program))) {
    const component = await buildCFixture(program);
    const weft = await transpileForTest(component, { name: program });
    const preview2 = await transpileForTest(component, { name: program, shims: 'preview2-shim' });
    entries.set(program, { weft: weft.entry, preview2: preview2.entry });
  }
});

describe('weft shims vs @bytecodealliance/preview2-shim', () => {
  for (const c of cases) {
    it(c.title, async () => {
      const e = entries.get(c.program)!;
      const opts = { args: c.args, env: c.env, stdin: c.stdin };
      const theirs = await runInNode(e.preview2, { shims: 'preview2-shim', ...opts });
      const ours = await runInNode(e.weft, { shims: 'weft', ...opts });
      expect(sameText(theirs.stdout.toString(), c.expected.stdout).where, 'preview2-shim prints the expected').toBe('');
      expect(sameText(ours.stdout.toString('latin1'), theirs.stdout.toString('latin1')).where, 'same stdout bytes').toBe('');
      expect(ours.stderr.toString()).toBe(theirs.stderr.toString());
      expect(ours.exitCode).toBe(theirs.exitCode);
    });
  }
});

interface RecordedRun extends CommandRun {
  calls: string[];
}

/** Runs an `--instantiation async` output on preview2-shim in a child process, recording the guest's calls into it. */
async function runRecorded(program: string, engine: Engine, c: Case, imports: string[]): Promise<RecordedRun> {
  const component = await buildCFixture(program);
  const out = await transpileForTest(component, { name: program, engine, instantiation: 'async' });
  const logDir = join(cacheDir, 'recorded');
  mkdirSync(logDir, { recursive: true });
  const log = join(logDir, `${program}-${engine}.jsonl`);
  const spec = { entry: out.entry, dir: out.dir, imports, args: c.args, env: c.env, log };
  const child = spawn(process.execPath, [join(e2eRoot, 'src', 'run-recorded.mjs'), JSON.stringify(spec)], { cwd: e2eRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => stdout.push(b));
  child.stderr.on('data', (b: Buffer) => stderr.push(b));
  child.stdin.on('error', () => {});
  child.stdin.end(c.stdin ?? '');
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, sig) => resolve([code, sig]));
  });
  const calls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  return { stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr), exitCode, signal, calls };
}

describe("weft's glue vs jco's glue, both on preview2-shim: every call into the shim", () => {
  let compared = 0;
  afterAll(() => console.log(`glue differential: ${cases.length} command runs, ${compared} calls into preview2-shim compared`));
  for (const c of cases) {
    it(c.title, async () => {
      const component = await buildCFixture(c.program);
      const imports = inspect(component).imports.map((i) => i.name);
      const jco = await runRecorded(c.program, 'jco', c, imports);
      const weft = await runRecorded(c.program, 'weft', c, imports);
      expect(jco.calls.length, 'the guest calls into the shim').toBeGreaterThan(0);
      const first = weft.calls.findIndex((line, i) => line !== jco.calls[i]);
      const at = first < 0 ? weft.calls.length : first;
      expect(weft.calls[at], `call ${at} of ${jco.calls.length} (weft made ${weft.calls.length})`).toBe(jco.calls[at]);
      compared += jco.calls.length;
      expect(sameText(weft.stdout.toString('latin1'), jco.stdout.toString('latin1')).where, 'same stdout bytes').toBe('');
      expect(weft.stderr.toString()).toBe(jco.stderr.toString());
      expect(weft.exitCode).toBe(jco.exitCode);
    });
  }
});
