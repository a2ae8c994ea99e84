import { defineConfig } from 'vite';

/** The transpiler gets a chunk of its own, so its size is seen (and cached) apart from the page's. */
function chunkOf(id: string): string | undefined {
  if (/[\\/](packages[\\/]transpiler|@weft[\\/]transpiler)[\\/]/.test(id)) return 'transpiler';
  if (/[\\/](shims[\\/][a-z]+|@weft[\\/]wasi-[a-z]+)[\\/]/.test(id)) return 'wasi-shims';
  return undefined;
}

export default defineConfig({
  build: { rollupOptions: { output: { manualChunks: chunkOf } } },
});
