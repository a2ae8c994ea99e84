/** `pnpm --filter @weft/e2e build:fixtures`: build (or find cached) every C fixture component. */
import { buildCFixture, cFixtureNames } from './fixtures.js';

for (const name of cFixtureNames()) {
  const bytes = await buildCFixture(name);
  console.log(`${name}: ${bytes.length} bytes`);
}
