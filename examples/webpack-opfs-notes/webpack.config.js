import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WeftPlugin } from '@weft/bundler/webpack';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Emits public/index.html into the build as index.html. */
class IndexHtml {
  apply(compiler) {
    compiler.hooks.thisCompilation.tap('IndexHtml', (compilation) => {
      compilation.hooks.processAssets.tap({ name: 'IndexHtml', stage: compiler.webpack.Compilation.PROCESS_ASSETS_STAGE_ADDITIONAL }, () => {
        compilation.emitAsset('index.html', new compiler.webpack.sources.RawSource(readFileSync(`${here}public/index.html`)));
      });
    });
  }
}

export default {
  context: here,
  entry: './src/main.js',
  output: { path: `${here}dist`, publicPath: '/', clean: true },
  plugins: [
    // notes.wasm waits on OPFS, whose browser API returns promises: asyncify lets the C code
    // wait in any engine. `lazy` gives instantiate(): a command runs once per instance.
    new WeftPlugin({ files: { 'src/notes.wasm': { asyncMode: 'asyncify', lazy: true } } }),
    new IndexHtml(),
  ],
  devServer: { host: '127.0.0.1', port: 4181, static: false },
};
