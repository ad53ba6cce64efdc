/**
 * The bundle budget: each function's deployable `index.js` must stay within BUNDLE_BUDGET_BYTES (1 MiB).
 * Small code packages keep FC cold starts short (the docs' first advice). `npm test` enforces it
 * (test/unit/s-yaml-bundles.test.ts); `tsx scripts/check-bundles.ts` prints the sizes.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFunction, FUNCTIONS } from './build.js';

export const BUNDLE_BUDGET_BYTES = 1024 * 1024;

export interface BundleSize {
  name: string;
  /** `index.js` bytes, or undefined when the function has no source yet. */
  bytes?: number;
  mapBytes?: number;
  withinBudget: boolean;
}

/** Builds every function that has a source into `outRoot` (a fresh temp folder by default) and measures it. */
export async function measureBundles(
  names: readonly string[] = FUNCTIONS,
  outRoot?: string,
): Promise<BundleSize[]> {
  const out = outRoot ?? mkdtempSync(join(tmpdir(), 'bundles-'));
  try {
    return await Promise.all(
      names.map(async (name): Promise<BundleSize> => {
        if (!existsSync(join('functions', name, 'handler.ts'))) return { name, withinBudget: true };
        const file = await buildFunction(name, out);
        const bytes = statSync(file).size;
        return {
          name,
          bytes,
          mapBytes: statSync(`${file}.map`).size,
          withinBudget: bytes <= BUNDLE_BUDGET_BYTES,
        };
      }),
    );
  } finally {
    if (outRoot === undefined) rmSync(out, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = await measureBundles();
  for (const s of sizes) {
    const size =
      s.bytes === undefined
        ? 'no source yet'
        : `${(s.bytes / 1024).toFixed(1)} KiB (map ${((s.mapBytes ?? 0) / 1024).toFixed(1)} KiB)`;
    console.log(
      `${s.withinBudget ? 'ok  ' : 'OVER'} ${s.name.padEnd(6)} ${size}  budget ${BUNDLE_BUDGET_BYTES / 1024} KiB`,
    );
  }
  process.exit(sizes.every((s) => s.withinBudget) ? 0 : 1);
}
