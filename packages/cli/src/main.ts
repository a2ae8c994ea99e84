import { WeftError } from '@weft/transpiler';
import { UsageError } from './args.js';
import { INSPECT_HELP, inspectCommand } from './inspect-command.js';
import { RUN_HELP, runCommand } from './run-command.js';
import { SERVE_HELP, serveCommand } from './serve-command.js';
import { TRANSPILE_HELP, transpileCommand } from './transpile-command.js';

const HELP = `Usage: weft <command> [options]

Commands:
  transpile <component.wasm> -o <dir>   component -> core wasm + ES module glue
  inspect <component.wasm>              print the component's imports, exports and core modules
  run <component.wasm> [-- args...]     run a wasi:cli/command component in Node
  serve <component.wasm> --port <n>     serve a wasi:http/proxy component over HTTP in Node

Run 'weft <command> --help' for a command's options.
`;

const COMMANDS: Record<string, { help: string; run: (argv: string[], log: (s: string) => void) => Promise<number> }> = {
  transpile: { help: TRANSPILE_HELP, run: transpileCommand },
  inspect: { help: INSPECT_HELP, run: inspectCommand },
  run: { help: RUN_HELP, run: (argv) => runCommand(argv) },
  serve: { help: SERVE_HELP, run: serveCommand },
};

/** Runs the CLI; returns the exit code. Errors about the input are printed, never thrown. */
export async function main(argv: string[], log = (s: string) => console.log(s), err = (s: string) => console.error(s)): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    log(HELP);
    return name ? 0 : 2;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    err(`weft: unknown command '${name}'\n\n${HELP}`);
    return 2;
  }
  const untilDashes = rest.indexOf('--') >= 0 ? rest.slice(0, rest.indexOf('--')) : rest;
  if (untilDashes.includes('--help') || untilDashes.includes('-h')) {
    log(cmd.help);
    return 0;
  }
  try {
    return await cmd.run(rest, log);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`${e.message}\n\n${cmd.help}`);
      return 2;
    }
    if (e instanceof WeftError) {
      err(`error: ${e.message}`);
      return 1;
    }
    const code = (e as NodeJS.ErrnoException)?.code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') {
      err(`error: ${(e as Error).message}`);
      return 1;
    }
    throw e;
  }
}
