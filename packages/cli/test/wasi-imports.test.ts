import { describe, expect, it } from 'vitest';
import * as cli from '@weft/wasi-cli';
import * as cliP3 from '@weft/wasi-cli/p3';
import * as filesystemP3 from '@weft/wasi-filesystem/p3';
import * as io from '@weft/wasi-io';
import { wasiImports } from '../src/wasi-imports.js';

describe('weft run: the WASI import object', () => {
  it('serves each WASI interface from the shim for its version, under the name the component imports', () => {
    const imports = wasiImports([
      'wasi:cli/environment@0.2.0',
      'wasi:cli/environment@0.3.0',
      'wasi:cli/terminal-stdin@0.3.0-rc-2026-03-15',
      'wasi:filesystem/preopens@0.3.0',
      'wasi:io/streams@0.2.3',
      'wasi:io/streams@0.3.0',
      'local:app/host',
    ]);
    expect(imports).toEqual({
      'wasi:cli/environment@0.2.0': cli.environment,
      'wasi:cli/environment@0.3.0': cliP3.environment,
      'wasi:cli/terminal-stdin@0.3.0-rc-2026-03-15': cliP3.terminalStdin,
      'wasi:filesystem/preopens@0.3.0': filesystemP3.preopens,
      'wasi:io/streams@0.2.3': io.streams,
    });
    expect(imports['wasi:cli/environment@0.3.0']).toHaveProperty('getInitialCwd');
  });
});
