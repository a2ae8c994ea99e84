import { WeftError } from '@weft/transpiler';
import { parseArgs, UsageError } from './args.js';
import { HOST_HELP, HOST_SPEC, loadComponent } from './component-host.js';

export const RUN_HELP = `Usage: weft run <component.wasm> [options] [-- args...]

Runs a wasi:cli/command component in Node with weft's WASI shims: stdin, stdout and
stderr are the process's; the component's exit code becomes weft's.

Options:
${HOST_HELP}`;

export async function runCommand(argv: string[]): Promise<number> {
  const { positional, flags, rest } = parseArgs(argv, HOST_SPEC, 'weft run');
  if (positional.length < 1) throw new UsageError('weft run: expected a component file');
  const [file, ...more] = positional;
  const { instantiate, cli } = await loadComponent(file!, flags, 'weft run', { args: [...more, ...rest], stdin: 'inherit' });
  const exports = (await instantiate()) as { run?: { run?: unknown } };
  const run = exports.run?.run;
  if (typeof run !== 'function') throw new WeftError(`${file} is not a command component: it does not export wasi:cli/run`);
  try {
    await run();
    return 0;
  } catch (e) {
    if (e instanceof cli.ComponentExit) return e.exitCode;
    // `run` returning `err` surfaces as a thrown ComponentError; that is exit status 1.
    if (e && typeof e === 'object' && 'payload' in e) return 1;
    throw e;
  } finally {
    cli.flushStdio();
  }
}
