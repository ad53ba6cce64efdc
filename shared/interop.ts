/**
 * Default import of a CJS package that sets `exports.default` (the @alicloud SDKs): esbuild and vitest hand
 * over `exports.default`, Node's ESM loader (tsx) hands over the whole `module.exports`. This accepts both.
 */
export function interopDefault<T>(module: T): T {
  return (module as { default?: T }).default ?? module;
}
