import { defineConfig } from 'vite';
import weft from '@weft/bundler/vite';

// fetch() returns a promise: under JSPI the component's exports wait for it.
export default defineConfig({
  plugins: [weft({ files: { 'src/summary.wasm': { asyncMode: 'jspi' } } })],
});
