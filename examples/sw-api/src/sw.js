// The Service Worker: requests for /api/* on this origin go to the component, each to a
// fresh instance; everything else goes to the network as usual.
import { serveIncomingHandler } from '@weft/wasi-http';
import { instantiate } from '../build/api.js';
import { imports, loadCoreModule } from '../build/api.host.js';

const compiled = new Map();
/** Core modules are compiled once; instances are cheap next to that. */
const getCoreModule = (file) => {
  if (!compiled.has(file)) compiled.set(file, loadCoreModule(file));
  return compiled.get(file);
};

const handle = serveIncomingHandler(async () => (await instantiate(getCoreModule, imports())).incomingHandler, {
  onGuestError: (error) => console.error('the API component failed:', error),
});

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (url.origin === self.location.origin && url.pathname.startsWith('/api/')) event.respondWith(handle(event.request));
});
