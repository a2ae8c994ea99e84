/** What `configure` accepts; every field is optional and replaces only itself. */
export interface HttpConfig {
  /**
   * Origins (`https://api.example.com`, `http://127.0.0.1:8080`) the guest may reach;
   * `null` (the default) allows any origin the platform's fetch allows.
   */
  allowedOrigins?: readonly string[] | null;
  /**
   * Stream request bodies to `fetch` as the guest writes them. Default: on in Node; off
   * in browsers, whose fetch streams uploads only over HTTP/2, so there bodies are sent
   * when the guest finishes them.
   */
  streamRequestBodies?: boolean;
}

/** The settings both WASI versions' clients obey. */
export interface HttpState {
  allowedOrigins: Set<string> | null;
  streamRequestBodies: boolean;
}

export const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

function defaults(): HttpState {
  return { allowedOrigins: null, streamRequestBodies: isNode };
}

let state: HttpState = defaults();

export function configure(config: HttpConfig): void {
  if (!config || typeof config !== 'object') throw new TypeError('configure: expected an options object');
  const next = { ...state };
  if (config.allowedOrigins !== undefined) {
    if (config.allowedOrigins === null) next.allowedOrigins = null;
    else {
      if (!Array.isArray(config.allowedOrigins)) throw new TypeError('configure: allowedOrigins must be an array of origins or null');
      next.allowedOrigins = new Set(
        config.allowedOrigins.map((o, i) => {
          let url: URL;
          try {
            url = new URL(String(o));
          } catch {
            throw new TypeError(`configure: allowedOrigins[${i}] ${JSON.stringify(o)} is not a URL`);
          }
          if (url.protocol !== 'http:' && url.protocol !== 'https:') {
            throw new TypeError(`configure: allowedOrigins[${i}] ${JSON.stringify(o)} is not an http(s) origin`);
          }
          return url.origin;
        }),
      );
    }
  }
  if (config.streamRequestBodies !== undefined) {
    if (typeof config.streamRequestBodies !== 'boolean') throw new TypeError('configure: streamRequestBodies must be a boolean');
    next.streamRequestBodies = config.streamRequestBodies;
  }
  state = next;
}

/** Back to the defaults: every origin allowed, streamed uploads only in Node. */
export function resetConfig(): void {
  state = defaults();
}

/** The current settings; `configure` replaces them whole. */
export function httpConfig(): HttpState {
  return state;
}
