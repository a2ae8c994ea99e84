/** Serves public/ on http://127.0.0.1:8090 (a Service Worker needs http://localhost-like or https). */
import { startStaticServer } from '@weft/e2e/browser';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(new URL('..', import.meta.url)), 'public');
const server = await startStaticServer({ root, port: Number(process.env.PORT ?? 8090) });
console.log(`open ${server.origin}/index.html`);
