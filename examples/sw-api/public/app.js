// Registers the Service Worker, then calls this page's own /api/*: no server runs the API.
const $ = (id) => document.getElementById(id);

async function controlled() {
  await navigator.serviceWorker.register('/sw.js', { type: 'module' });
  if (navigator.serviceWorker.controller) return;
  await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
}

async function hello() {
  const response = await fetch('/api/hello');
  const text = await response.text();
  $('hello').textContent = `${response.status} ${text}`;
  return { status: response.status, text };
}

async function countdown() {
  const started = performance.now();
  const response = await fetch('/api/countdown?from=3&ms=250');
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const chunks = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    $('countdown').textContent += `${value.trimEnd()}   (at ${Math.round(performance.now() - started)} ms)\n`;
  }
  return { status: response.status, chunks };
}

/** 1 MiB in which every 4-byte word differs, so a lost or repeated chunk shows. */
function upload() {
  const bytes = new Uint8Array(1 << 20);
  const words = new Uint32Array(bytes.buffer);
  let x = 0x9e3779b9;
  for (let i = 0; i < words.length; i++) words[i] = x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
  return bytes;
}

async function echo() {
  const sent = upload();
  const response = await fetch('/api/echo', { method: 'POST', body: sent });
  const back = new Uint8Array(await response.arrayBuffer());
  let firstDifference = -1;
  for (let i = 0; i < Math.max(sent.length, back.length); i++) {
    if (sent[i] !== back[i]) {
      firstDifference = i;
      break;
    }
  }
  const same = firstDifference < 0;
  $('echo').className = same ? 'ok' : 'bad';
  $('echo').textContent = same
    ? `${response.status}: sent ${sent.length} bytes, got ${back.length} back, identical byte for byte`
    : `${response.status}: sent ${sent.length} bytes, got ${back.length}; first difference at byte ${firstDifference}`;
  return { status: response.status, sent: sent.length, received: back.length, identical: same };
}

window.apiResults = (async () => {
  await controlled();
  $('status').textContent = 'the Service Worker controls this page; its /api/* is a wasm component';
  return { hello: await hello(), countdown: await countdown(), echo: await echo() };
})();
window.apiResults.catch((error) => {
  $('status').className = 'bad';
  $('status').textContent = `failed: ${error}`;
});
