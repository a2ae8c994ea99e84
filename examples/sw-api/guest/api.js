// The page's API, answered by this component inside the page's Service Worker:
// StarlingMonkey's fetch event is the component's wasi:http/incoming-handler export.

const text = (body, status = 200) => new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `n` lines, one every `ms` milliseconds, each sent as soon as it is made. */
function countdown(n, ms) {
  const encoder = new TextEncoder();
  let left = n;
  return new ReadableStream({
    async pull(controller) {
      if (left < n) await sleep(ms);
      controller.enqueue(encoder.encode(left > 0 ? `${left}…\n` : 'liftoff\n'));
      if (left-- === 0) controller.close();
    },
  });
}

async function handle(request) {
  const url = new URL(request.url);
  switch (url.pathname) {
    case '/api/hello':
      return text(`hello from a wasm component, answering ${request.method} ${url.pathname}\n`);
    case '/api/countdown':
      return new Response(countdown(Number(url.searchParams.get('from') ?? '3'), Number(url.searchParams.get('ms') ?? '250')), {
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      });
    case '/api/echo': {
      const body = new Uint8Array(await request.arrayBuffer());
      return new Response(body, { headers: { 'content-type': 'application/octet-stream', 'x-echo-length': String(body.length) } });
    }
    default:
      return text(`no API route ${url.pathname}\n`, 404);
  }
}

addEventListener('fetch', (event) => event.respondWith(handle(event.request)));
