import { EXIT_KEY } from '@weft/wasi-manifest';
import { nodeArgs } from './node.js';
import { makeSink, makeSource, type InputSource, type OutputTarget, type StdioSink, type StdinSource } from './stdio.js';

/** What `configure` accepts; every field is optional and replaces only itself. */
export interface CliConfig {
  /** `argv`, program name first. Default: in Node the process's (see `nodeArgs`), elsewhere `[]`. */
  args?: readonly string[];
  /** Environment variables. Default: none, so the host's never leak in by accident. */
  env?: Readonly<Record<string, string>> | readonly (readonly [string, string])[];
  /** What `initial-cwd` reports. Default: none. */
  cwd?: string | null;
  stdin?: InputSource;
  stdout?: OutputTarget;
  stderr?: OutputTarget;
}

/** What the guest sees, as `configure` last set it; both WASI versions' interfaces read it. */
export interface CliState {
  args: string[];
  env: [string, string][];
  cwd: string | undefined;
  stdin: StdinSource;
  stdout: StdioSink;
  stderr: StdioSink;
}

function defaults(): CliState {
  return {
    args: nodeArgs(),
    env: [],
    cwd: undefined,
    stdin: makeSource('inherit'),
    stdout: makeSink('inherit', 'stdout'),
    stderr: makeSink('inherit', 'stderr'),
  };
}

let state: CliState = defaults();

function stringList(value: readonly unknown[], what: string): string[] {
  return value.map((v, i) => {
    if (typeof v !== 'string') throw new TypeError(`configure: ${what}[${i}] must be a string, got ${typeof v}`);
    return v;
  });
}

function envPairs(env: CliConfig['env']): [string, string][] {
  const pairs = Array.isArray(env) ? env : Object.entries(env as Record<string, unknown>);
  return pairs.map((pair, i) => {
    const [k, v] = pair as readonly unknown[];
    if (typeof k !== 'string' || typeof v !== 'string') {
      throw new TypeError(`configure: env entry ${i} must be a pair of strings`);
    }
    if (k.includes('=')) throw new TypeError(`configure: env name ${JSON.stringify(k)} must not contain '='`);
    return [k, v];
  });
}

/**
 * Set what the guest sees as its command line, environment and stdio. Fields left out
 * keep their current value; call before running the component.
 */
export function configure(config: CliConfig): void {
  if (!config || typeof config !== 'object') throw new TypeError('configure: expected an options object');
  const next = { ...state };
  if (config.args !== undefined) {
    if (!Array.isArray(config.args)) throw new TypeError('configure: args must be an array of strings');
    next.args = stringList(config.args, 'args');
  }
  if (config.env !== undefined) next.env = envPairs(config.env);
  if (config.cwd !== undefined) {
    if (config.cwd !== null && typeof config.cwd !== 'string') throw new TypeError('configure: cwd must be a string or null');
    next.cwd = config.cwd ?? undefined;
  }
  if (config.stdin !== undefined) next.stdin = makeSource(config.stdin);
  if (config.stdout !== undefined) next.stdout = makeSink(config.stdout, 'stdout');
  if (config.stderr !== undefined) next.stderr = makeSink(config.stderr, 'stderr');
  state = next;
}

/** Back to the defaults: Node's args (none elsewhere), no env, the process's (or console's) stdio. */
export function resetConfig(): void {
  state = defaults();
}

/** Emit any partial last line a line-buffered target (console, DOM element) is holding. */
export function flushStdio(): void {
  state.stdout.drain();
  state.stderr.drain();
}

/** Thrown by `wasi:cli/exit`: the guest asked to end with `exitCode`. */
export class ComponentExit extends Error {
  readonly exitCode: number;

  constructor(exitCode: number) {
    super(`component exited with code ${exitCode}`);
    this.name = 'ComponentExit';
    this.exitCode = exitCode;
    Object.defineProperty(this, Symbol.for(EXIT_KEY), { value: true });
  }
}

/** The current configuration; `configure` replaces it whole, so a caller may hold on to it. */
export function cliState(): CliState {
  return state;
}

/** Flush stdio and end the guest with `code`, as both versions' `exit` do. */
export function exitWith(code: number): never {
  flushStdio();
  throw new ComponentExit(code);
}
