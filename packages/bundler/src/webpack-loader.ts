import type { LoaderContext } from 'webpack';
import { partOf, type Env } from './compile.js';
import { compilers } from './webpack-registry.js';

export interface LoaderOptions {
  /** Which plugin instance's compiler (and options) to use. */
  compiler: string;
  env: Env;
  /** weft's versions: part of the options so a cached module is rebuilt after an upgrade. */
  versions: string;
}

/** Turns a component into its JS module; the plugin routes only components here. */
export default function weftLoader(this: LoaderContext<LoaderOptions>, source: Buffer): void {
  const done = this.async();
  const { compiler: id, env } = this.getOptions();
  const compiler = compilers.get(id);
  if (!compiler) {
    done(
      new Error(
        `@weft/bundler's loader runs only under the WeftPlugin that adds it (plugin '${id}' is not in this process): use new WeftPlugin() instead of listing the loader`,
      ),
    );
    return;
  }
  const part = partOf(this.resourceQuery) ?? 'module';
  compiler.module(this.resourcePath, part, env, new Uint8Array(source.buffer, source.byteOffset, source.byteLength)).then(
    (code) => done(null, code),
    (err: Error) => done(err),
  );
}

export const raw = true;
