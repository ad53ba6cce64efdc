/**
 * Bundles each function into one CommonJS file, `dist/<fn>/index.js` exporting `handler`, which is what
 * s.yaml deploys (`handler: index.handler`). No node_modules are needed at deploy time.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';

export const FUNCTIONS = ['http', 'queue', 'sync'] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

/**
 * zod re-exports every locale as `z.locales`, which esbuild cannot shake out of `import { z } from 'zod'`
 * (~255 KB of each bundle; our code imports `* as z`, which esbuild shakes, so this is the guard for any
 * `{ z }` import). Nothing here uses `z.locales`; English messages are registered separately
 * (zod/v4/classic/schemas.js imports locales/en.js itself), so the index is replaced by an empty module.
 */
const withoutZodLocales: Plugin = {
  name: 'without-zod-locales',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      args.importer.includes('/node_modules/zod/') ? { path: 'zod-locales', namespace: 'empty' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

export async function buildFunction(name: string, outRoot = 'dist'): Promise<string> {
  const outdir = join(outRoot, name);
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: [join('functions', name, 'handler.ts')],
    outfile: join(outdir, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [withoutZodLocales],
  });
  // The repo is "type": "module"; this keeps `index.js` CommonJS when loaded from inside the checkout too.
  writeFileSync(join(outdir, 'package.json'), '{"type":"commonjs"}\n');
  return join(outdir, 'index.js');
}

export async function buildAll(outRoot = 'dist'): Promise<string[]> {
  const present = FUNCTIONS.filter((name) => existsSync(join('functions', name, 'handler.ts')));
  return Promise.all(present.map((name) => buildFunction(name, outRoot)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outputs = await buildAll();
  for (const file of outputs) console.log(`built ${file}`);
}
