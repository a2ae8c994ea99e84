import { InputStream, OutputStream } from '@weft/wasi-io';
import { nodeArgs } from './node.js';
import { makeSink, makeSource, type InputSource, type OutputTarget, type StdioSink, type StdinSource } from './stdio.js';

export type { InputSource, OutputTarget, TextContainer, ChunkWriter } from './stdio.js';

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

interface State {
  args: string[];
  env: [string, string][];
  cwd: string | undefined;
  stdin: StdinSource;
  stdout: StdioSink;
  stderr: StdioSink;
}

function defaults(): State {
  return {
    args: nodeArgs(),
    env: [],
    cwd: undefined,
    stdin: makeSource('inherit'),
    stdout: makeSink('inherit', 'stdout'),
    stderr: makeSink('inherit', 'stderr'),
  };
}

let state: State = defaults();

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
  }
}

export const environment = {
  getEnvironment(): [string, string][] {
    return state.env.map(([k, v]) => [k, v]);
  },
  getArguments(): string[] {
    return [...state.args];
  },
  initialCwd(): string | undefined {
    return state.cwd;
  },
};

export const exit = {
  exit(status: { tag: 'ok' | 'err'; val?: unknown }): never {
    if (!status || (status.tag !== 'ok' && status.tag !== 'err')) {
      throw new TypeError(`wasi:cli/exit#exit: expected { tag: 'ok' | 'err' }, got ${JSON.stringify(status)}`);
    }
    flushStdio();
    throw new ComponentExit(status.tag === 'ok' ? 0 : 1);
  },
  exitWithCode(statusCode: number): never {
    if (!Number.isInteger(statusCode) || statusCode < 0 || statusCode > 255) {
      throw new RangeError(`wasi:cli/exit#exit-with-code: ${statusCode} is not a u8`);
    }
    flushStdio();
    throw new ComponentExit(statusCode);
  },
};

/** Each call hands out a new stream over the same source, which the guest's drop must not end. */
export const stdin = {
  getStdin(): InputStream {
    const src = state.stdin;
    return new InputStream({ read: (n) => src.read(n), ready: src.ready?.bind(src), block: src.block?.bind(src) }, 'stdin');
  },
};

function stdioStream(sink: StdioSink, label: string): OutputStream {
  return new OutputStream(
    {
      write: (b) => sink.write(b),
      capacity: sink.capacity?.bind(sink),
      flush: sink.flush?.bind(sink),
      block: sink.block?.bind(sink),
    },
    label,
  );
}

export const stdout = {
  getStdout: (): OutputStream => stdioStream(state.stdout, 'stdout'),
};

export const stderr = {
  getStderr: (): OutputStream => stdioStream(state.stderr, 'stderr'),
};

/** `wasi:cli/terminal-input#terminal-input`: has no methods in WASI 0.2. */
export class TerminalInput {}

/** `wasi:cli/terminal-output#terminal-output`: has no methods in WASI 0.2. */
export class TerminalOutput {}

export const terminalInput = { TerminalInput };
export const terminalOutput = { TerminalOutput };

export const terminalStdin = {
  getTerminalStdin: (): TerminalInput | undefined => (state.stdin.isTerminal ? new TerminalInput() : undefined),
};
export const terminalStdout = {
  getTerminalStdout: (): TerminalOutput | undefined => (state.stdout.isTerminal ? new TerminalOutput() : undefined),
};
export const terminalStderr = {
  getTerminalStderr: (): TerminalOutput | undefined => (state.stderr.isTerminal ? new TerminalOutput() : undefined),
};
