import { defineConfig } from 'vite';
import weft from '@weft/bundler/vite';

// wc.wasm is a command: `lazy` makes its import give `instantiate()`, a fresh instance per run.
const options = { files: { 'src/wc.wasm': { lazy: true } } };

export default defineConfig({
  plugins: [weft(options)],
  worker: { format: 'es', plugins: () => [weft(options)] },
});
