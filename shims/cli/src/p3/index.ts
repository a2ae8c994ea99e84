/**
 * `wasi:cli@0.3.0`: the same configuration and stdio targets as the 0.2 interfaces
 * (`configure` from `@weft/wasi-cli`), with stdio as streams and futures.
 */
import { checkByteStream, err, pipeToSink, sourceStream, type Result } from '@weft/wasi-io/web-streams';
import { cliState } from '../config.js';
import { environment as environment02 } from '../index.js';
import type { StdioSink } from '../stdio.js';

export { exit, terminalInput, terminalOutput, terminalStdin, terminalStdout, terminalStderr, TerminalInput, TerminalOutput } from '../index.js';
export { configure, resetConfig, flushStdio, ComponentExit, type CliConfig } from '../config.js';

/** `wasi:cli/types#error-code`. */
export type ErrorCode = 'io' | 'illegal-byte-sequence' | 'pipe';

/** `wasi:cli/types` declares only the error-code type; a guest imports it for that. */
export const types = {};

export const environment = {
  getEnvironment: environment02.getEnvironment,
  getArguments: environment02.getArguments,
  getInitialCwd: environment02.initialCwd,
};

function errorCode(e: unknown): ErrorCode {
  return (e as { code?: unknown } | null)?.code === 'EPIPE' ? 'pipe' : 'io';
}

export const stdin = {
  /**
   * A new stream over the configured stdin on each call; they share the source, so bytes
   * one reads another does not. The future settles ok at end of input or when the guest
   * drops the stream, err if reading fails.
   */
  readViaStream(): [ReadableStream<Uint8Array>, Promise<Result<undefined, ErrorCode>>] {
    const src = cliState().stdin;
    const { stream, done } = sourceStream(src.nonBlocking?.() ?? src, { closeOnCancel: false });
    return [stream, done.then((r) => (r.tag === 'ok' ? r : err(errorCode(r.val))))];
  },
};

async function writeTo(sink: StdioSink, data: ReadableStream<Uint8Array>): Promise<Result<undefined, ErrorCode>> {
  const r = await pipeToSink(data, sink);
  return r.tag === 'ok' ? r : err(errorCode(r.val));
}

export const stdout = {
  /** Copies the guest's stream into the stdout target; the future settles when the stream ends. */
  writeViaStream(data: ReadableStream<Uint8Array>): Promise<Result<undefined, ErrorCode>> {
    return writeTo(cliState().stdout, checkByteStream(data, 'wasi:cli/stdout#write-via-stream: data'));
  },
};

export const stderr = {
  /** Copies the guest's stream into the stderr target; the future settles when the stream ends. */
  writeViaStream(data: ReadableStream<Uint8Array>): Promise<Result<undefined, ErrorCode>> {
    return writeTo(cliState().stderr, checkByteStream(data, 'wasi:cli/stderr#write-via-stream: data'));
  },
};
