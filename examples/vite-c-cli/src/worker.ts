import { runWc } from './run';

// The same program in a dedicated worker: the component and the shims load in the worker.
self.onmessage = async (e: MessageEvent<{ args: string[]; stdin: string }>) => {
  self.postMessage(await runWc(e.data.args, e.data.stdin));
};
