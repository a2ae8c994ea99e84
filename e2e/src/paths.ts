import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The e2e package root, whether this runs from src/ (vitest) or dist/ (built). */
export const e2eRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = join(e2eRoot, '..');
export const cacheDir = join(e2eRoot, '.cache');
export const cFixturesDir = join(e2eRoot, 'fixtures', 'c');
/** Guests written as component text against WASI 0.3 (callback-lifted, as wit-bindgen's are). */
export const p3FixturesDir = join(e2eRoot, 'fixtures', 'p3');
