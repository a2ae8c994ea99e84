/**
 * The async modes browser tests run every blocking-WASI scenario under. `asyncify-no-jspi`
 * is asyncify in a page where `WebAssembly.Suspending`/`promising` were deleted first:
 * what a browser without JSPI sees.
 */
export type BrowserAsyncVariant = 'jspi' | 'asyncify' | 'asyncify-no-jspi';

export const BROWSER_ASYNC_VARIANTS: readonly BrowserAsyncVariant[] = ['jspi', 'asyncify', 'asyncify-no-jspi'];

/** Node 20 has no JSPI: asyncify is its only async mode. */
export const NODE_ASYNC_MODES: readonly 'asyncify'[] = ['asyncify'];

export function variantMode(v: BrowserAsyncVariant): 'jspi' | 'asyncify' {
  return v === 'jspi' ? 'jspi' : 'asyncify';
}

export function variantWithoutJspi(v: BrowserAsyncVariant): boolean {
  return v === 'asyncify-no-jspi';
}
