/** What makes a request's parts and options valid, for both WASI versions' resources. */
export type Method = { tag: 'get' | 'head' | 'post' | 'put' | 'delete' | 'connect' | 'options' | 'trace' | 'patch' } | { tag: 'other'; val: string };

export type Scheme = { tag: 'HTTP' | 'HTTPS' } | { tag: 'other'; val: string };

/** WIT `result` without an error payload: the glue turns any thrown plain value into `err`. */
export function errUnit(): never {
  throw undefined;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+\-.]*$/;
/** host, IPv6 literal or reg-name, with an optional port; no userinfo (fetch refuses it). */
export const AUTHORITY = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]+)(:[0-9]{0,5})?$/;
export const PATH = /^\/[\x21-\x7e]*$/;

const METHOD_TAGS = new Set(['get', 'head', 'post', 'put', 'delete', 'connect', 'options', 'trace', 'patch']);

export function validMethod(m: unknown): m is Method {
  if (!m || typeof m !== 'object') return false;
  const { tag, val } = m as { tag?: unknown; val?: unknown };
  if (tag === 'other') return typeof val === 'string' && TOKEN.test(val);
  return typeof tag === 'string' && METHOD_TAGS.has(tag);
}

export function validScheme(s: unknown): s is Scheme {
  if (!s || typeof s !== 'object') return false;
  const { tag, val } = s as { tag?: unknown; val?: unknown };
  if (tag === 'other') return typeof val === 'string' && SCHEME.test(val);
  return tag === 'HTTP' || tag === 'HTTPS';
}

export function checkDuration(d: bigint | undefined): void {
  if (d === undefined) return;
  if (typeof d !== 'bigint' || d < 0n || d > 0xffffffffffffffffn) errUnit();
}
