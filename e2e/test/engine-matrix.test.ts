/**
 * The root README's engine matrix is what the browser suites check: it must be the table
 * rendered from the facts they take their runs and expected failures from.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineMatrixMarkdown } from '../src/engine-matrix.js';
import { repoRoot } from '../src/paths.js';

describe('README engine matrix', () => {
  it('is the table the browser suites hold true', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const m = /<!-- engine-matrix -->\n([\s\S]*?)\n<!-- \/engine-matrix -->/.exec(readme);
    expect(m, 'README.md has no <!-- engine-matrix --> block').not.toBeNull();
    expect(m![1]).toBe(engineMatrixMarkdown());
  });
});
