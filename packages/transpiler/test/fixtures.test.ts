import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { assembleWat, readFixture } from './harness.js';

const fixtures = readdirSync(fileURLToPath(new URL('./fixtures/', import.meta.url))).filter((f) => f.endsWith('.wat'));

// The text assembler does not validate; wit-component's decoder does, so a fixture that
// breaks a component-model rule fails here rather than as a confusing transpiler error.
describe('every fixture is a valid component', () => {
  test.each(fixtures)('%s', async (f) => {
    const { componentWit } = await import('@bytecodealliance/jco');
    const bytes = await assembleWat(readFixture(f));
    expect(await (componentWit as (b: Uint8Array) => Promise<string> | string)(bytes)).toMatch(/world/);
  });
});
