import { configure } from '@weft/wasi-http';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const url = params.get('api') ?? new URL('/items.json', location.href).href;
// The component may reach this page's origin and the API's, nothing else.
const allowedOrigins = [...new Set([location.origin, new URL(url).origin])];
configure({ allowedOrigins });
$('url').value = url;
$('origins').textContent = `Allowed origins: ${allowedOrigins.join(', ')}`;

let runs = 0;
function show(text, failed) {
  $('result').textContent = text;
  $('result').className = failed ? 'failed' : '';
  document.body.dataset.runs = String(++runs);
}

if (!('Suspending' in WebAssembly)) {
  show('This page needs JavaScript Promise Integration (WebAssembly.Suspending), as in Chromium 137 and later.', true);
} else {
  // Imported once JSPI is known to be there: instantiating needs it.
  const { summarise } = await import('./summary.wasm');
  $('form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = await summarise($('url').value);
    show(text, text.startsWith('fetch failed:'));
  });
}
document.body.dataset.ready = 'true';
