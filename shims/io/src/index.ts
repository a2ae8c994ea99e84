export { error, IoError } from './error.js';
export { poll, Pollable, pollList, readyPollable, timerPollable, type Readiness } from './poll.js';
export {
  streams,
  InputStream,
  OutputStream,
  bytesSource,
  streamClosed,
  lastOperationFailed,
  DEFAULT_WRITE_BUDGET,
  BLOCKING_WRITE_LIMIT,
  type ByteSource,
  type ByteSink,
  type StreamError,
} from './streams.js';
export { sleepUntil, canBlock, asyncWaitAllowed, WouldBlockError, MAX_SPIN_MS } from './sleep.js';
