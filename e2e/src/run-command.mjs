/**
 * Child-process runner: runs one transpiled WASI command with real process stdio, so
 * the shims' Node paths (fd 0/1/2) are what is tested, and exit codes reach the parent
 * as this process's own exit code.
 *
 * argv[2] is JSON: { entry, shims: 'weft' | 'preview2-shim', args, env, stdout?: 'inherit' | 'writable',
 * withoutWebAssembly?: boolean }
 */
import { pathToFileURL } from 'node:url';

const spec = JSON.parse(process.argv[2]);
if (spec.withoutWebAssembly) delete globalThis.WebAssembly;

async function runWeft() {
  const cli = await import('@weft/wasi-cli');
  cli.configure({
    args: spec.args,
    env: spec.env,
    stdin: 'inherit',
    stdout: spec.stdout === 'writable' ? process.stdout : 'inherit',
    stderr: spec.stdout === 'writable' ? process.stderr : 'inherit',
  });
  try {
    const mod = await import(pathToFileURL(spec.entry).href);
    // In the async modes run() returns a promise.
    await mod.run.run();
  } catch (err) {
    if (err instanceof cli.ComponentExit) {
      process.exitCode = err.exitCode;
      return;
    }
    throw err;
  }
}

async function runPreview2Shim() {
  const cli = await import('@bytecodealliance/preview2-shim/cli');
  cli._setArgs(spec.args);
  cli._setEnv(Object.fromEntries(spec.env));
  const mod = await import(pathToFileURL(spec.entry).href);
  mod.run.run();
}

await (spec.shims === 'preview2-shim' ? runPreview2Shim() : runWeft());
