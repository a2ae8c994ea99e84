import { InputStream, OutputStream } from '@weft/wasi-io';
import { cliState, exitWith } from './config.js';
import type { StdioSink } from './stdio.js';

export type { InputSource, OutputTarget, TextContainer, ChunkWriter } from './stdio.js';
export { configure, resetConfig, flushStdio, ComponentExit, type CliConfig } from './config.js';

export const environment = {
  getEnvironment(): [string, string][] {
    return cliState().env.map(([k, v]) => [k, v]);
  },
  getArguments(): string[] {
    return [...cliState().args];
  },
  initialCwd(): string | undefined {
    return cliState().cwd;
  },
};

export const exit = {
  exit(status: { tag: 'ok' | 'err'; val?: unknown }): never {
    if (!status || (status.tag !== 'ok' && status.tag !== 'err')) {
      throw new TypeError(`wasi:cli/exit#exit: expected { tag: 'ok' | 'err' }, got ${JSON.stringify(status)}`);
    }
    exitWith(status.tag === 'ok' ? 0 : 1);
  },
  exitWithCode(statusCode: number): never {
    if (!Number.isInteger(statusCode) || statusCode < 0 || statusCode > 255) {
      throw new RangeError(`wasi:cli/exit#exit-with-code: ${statusCode} is not a u8`);
    }
    exitWith(statusCode);
  },
};

/** Each call hands out a new stream over the same source, which the guest's drop must not end. */
export const stdin = {
  getStdin(): InputStream {
    const src = cliState().stdin;
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
  getStdout: (): OutputStream => stdioStream(cliState().stdout, 'stdout'),
};

export const stderr = {
  getStderr: (): OutputStream => stdioStream(cliState().stderr, 'stderr'),
};

/** `wasi:cli/terminal-input#terminal-input`: has no methods in WASI 0.2. */
export class TerminalInput {}

/** `wasi:cli/terminal-output#terminal-output`: has no methods in WASI 0.2. */
export class TerminalOutput {}

export const terminalInput = { TerminalInput };
export const terminalOutput = { TerminalOutput };

export const terminalStdin = {
  getTerminalStdin: (): TerminalInput | undefined => (cliState().stdin.isTerminal ? new TerminalInput() : undefined),
};
export const terminalStdout = {
  getTerminalStdout: (): TerminalOutput | undefined => (cliState().stdout.isTerminal ? new TerminalOutput() : undefined),
};
export const terminalStderr = {
  getTerminalStderr: (): TerminalOutput | undefined => (cliState().stderr.isTerminal ? new TerminalOutput() : undefined),
};
