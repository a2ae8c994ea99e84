/**
 * The C programs' runs and what each must print, shared by the Node, Chromium and
 * differential tests so all three hold the shims to the same expectations.
 */

import { CLOCKS_STDOUT } from '../src/fixtures.js';

export interface Run {
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

export interface Case {
  /** Test title. */
  title: string;
  /** C fixture (fixtures/c/<program>.c). */
  program: string;
  args: string[];
  env: [string, string][];
  stdin?: string;
  expected: Run;
}

const utf8 = new TextEncoder();

/** What args_env.c prints for these arguments and this environment. */
export function argsEnvOutput(args: string[], env: [string, string][]): string {
  const lines = [`argc=${args.length}`, ...args.map((a, i) => `argv[${i}]=${a}`), ...env.map(([k, v]) => `env ${k}=${v}`)];
  const greeting = env.find(([k]) => k === 'GREETING');
  lines.push(`GREETING=${greeting ? greeting[1] : '(unset)'}`);
  return lines.map((l) => `${l}\n`).join('');
}

/** What big_stdout.c prints: 16384 lines of 64 bytes. */
export function bigStdoutText(): string {
  let s = '';
  for (let i = 0; i < 16384; i++) s += `line ${String(i).padStart(5, '0')} ${String(i * 7).padStart(52, '0')}\n`;
  return s;
}

const stdinText = Array.from({ length: 120 }, (_, i) => `line ${i}: héllo wörld ✓ ${'x'.repeat(i % 37)}`).join('\n') + '\n';

const argsEnvArgs = ['args_env', 'two words', 'ünïcödé ✓', ''];
const argsEnvEnv: [string, string][] = [
  ['GREETING', 'hello there'],
  ['WITH_EQUALS', 'a=b=c'],
  ['UNICODE', 'ünï ✓'],
];

export const cases: Case[] = [
  {
    title: 'hello world',
    program: 'hello',
    args: ['hello'],
    env: [],
    expected: { stdout: 'Hello, weft!\n', stderr: '', exitCode: 0 },
  },
  {
    title: 'arguments and environment',
    program: 'args_env',
    args: argsEnvArgs,
    env: argsEnvEnv,
    expected: { stdout: argsEnvOutput(argsEnvArgs, argsEnvEnv), stderr: '', exitCode: 0 },
  },
  {
    title: 'no arguments, no environment',
    program: 'args_env',
    args: [],
    env: [],
    expected: { stdout: argsEnvOutput([], []), stderr: '', exitCode: 0 },
  },
  {
    title: 'clock reads and nanosleep',
    program: 'clocks',
    args: ['clocks'],
    env: [],
    expected: {
      stdout: CLOCKS_STDOUT,
      stderr: '',
      exitCode: 0,
    },
  },
  {
    title: 'random bytes (getentropy and a 200000-byte random_get)',
    program: 'random',
    args: ['random'],
    env: [],
    expected: {
      stdout: 'two draws differ: yes\nall 256 byte values seen: yes\ntail filled: yes\n',
      stderr: '',
      exitCode: 0,
    },
  },
  {
    title: 'stdin echo',
    program: 'stdin_echo',
    args: ['stdin_echo'],
    env: [],
    stdin: stdinText,
    expected: { stdout: stdinText, stderr: `echoed ${utf8.encode(stdinText).length} bytes\n`, exitCode: 0 },
  },
  {
    title: 'stdin echo of empty input',
    program: 'stdin_echo',
    args: ['stdin_echo'],
    env: [],
    stdin: '',
    expected: { stdout: '', stderr: 'echoed 0 bytes\n', exitCode: 0 },
  },
  {
    title: 'exit(0)',
    program: 'exit_code',
    args: ['exit_code', '0'],
    env: [],
    expected: { stdout: 'exiting with 0\n', stderr: '', exitCode: 0 },
  },
  {
    // The preview1 adapter reports any non-zero proc_exit status as exit(err), i.e. 1.
    title: 'exit(7)',
    program: 'exit_code',
    args: ['exit_code', '7'],
    env: [],
    expected: { stdout: 'exiting with 7\n', stderr: '', exitCode: 1 },
  },
  {
    title: '1 MiB of stdout',
    program: 'big_stdout',
    args: ['big_stdout'],
    env: [],
    expected: { stdout: bigStdoutText(), stderr: '', exitCode: 0 },
  },
  {
    title: 'a heap filled between waits stays intact',
    program: 'heap_waits',
    args: ['heap_waits'],
    env: [],
    expected: { stdout: '300 blocks of 256 bytes, 0 damaged\n', stderr: '', exitCode: 0 },
  },
  {
    title: 'stderr output',
    program: 'stderr_out',
    args: ['stderr_out'],
    env: [],
    expected: { stdout: 'to stdout\n', stderr: 'to stderr, line 1\nto stderr, line 2\n', exitCode: 0 },
  },
];

/**
 * `toBe` on a megabyte string prints a megabyte diff: compare big texts by length and
 * first difference instead.
 */
export function sameText(actual: string, expected: string): { equal: boolean; where: string } {
  if (actual === expected) return { equal: true, where: '' };
  let i = 0;
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++;
  return {
    equal: false,
    where: `lengths ${actual.length} vs ${expected.length}; first difference at ${i}: ${JSON.stringify(actual.slice(i, i + 40))} vs ${JSON.stringify(expected.slice(i, i + 40))}`,
  };
}
