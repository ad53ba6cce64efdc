/**
 * The host runs the deployable bundles (`dist/<fn>/index.js`, exactly what `s deploy` uploads), never the
 * TypeScript sources, so local runs exercise the artefact. This rebuilds a bundle that is missing or older
 * than any source it may include (functions/ and shared/).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildFunction } from '../../scripts/build.js';

export interface BundleStatus {
  name: string;
  state: 'fresh' | 'built' | 'no-source';
}

function newestSource(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /\.(?:ts|js|json)$/.test(entry.name)) {
      newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

/** `root` is the project folder (the current directory of `npm start`); builds run there. */
export async function ensureBundles(root: string, names: readonly string[]): Promise<BundleStatus[]> {
  const sources = Math.max(newestSource(join(root, 'functions')), newestSource(join(root, 'shared')));
  return Promise.all(
    names.map(async (name): Promise<BundleStatus> => {
      if (!existsSync(join(root, 'functions', name, 'handler.ts'))) return { name, state: 'no-source' };
      const bundle = join(root, 'dist', name, 'index.js');
      if (existsSync(bundle) && statSync(bundle).mtimeMs >= sources) return { name, state: 'fresh' };
      await buildFunction(name, join(root, 'dist'));
      return { name, state: 'built' };
    }),
  );
}
