/** The bundle budget: every function s.yaml deploys builds into one index.js of at most 1 MiB. */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadFunctions } from '../../local/host/s-yaml.js';
import { BUNDLE_BUDGET_BYTES, measureBundles } from '../../scripts/check-bundles.js';

describe('the deployable bundles', () => {
  it('stay within the 1 MiB budget each (a function without source yet is the only one not built)', async () => {
    const resources = loadFunctions('s.yaml', { env: {} }).map((spec) => spec.resource);
    const sizes = await measureBundles(resources);
    for (const size of sizes) {
      const hasSource = existsSync(`functions/${size.name}/handler.ts`);
      expect(
        size.bytes === undefined,
        `${size.name}: built only when functions/${size.name}/handler.ts exists`,
      ).toBe(!hasSource);
      if (size.bytes !== undefined) {
        expect(size.bytes, `${size.name}/index.js is ${size.bytes} bytes`).toBeLessThanOrEqual(
          BUNDLE_BUDGET_BYTES,
        );
      }
    }
  }, 60_000);
});
