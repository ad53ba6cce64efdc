/**
 * Cold-start hygiene (issue 8): the HTTP function loads an SDK only when a request needs it, so GET /healthz
 * on a fresh instance loads none and GET /jobs/{id} loads the ICE SDK but not MNS. Each case runs in a
 * fresh Node process: which packages are loaded is read from its CommonJS module cache.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const DEPS = new URL('../../functions/http/deps.ts', import.meta.url).href;

/** The `@alicloud/*` packages a fresh process has loaded after answering one unsigned GET `path`. */
async function sdksLoadedAfter(path: string): Promise<{ status: number; sdks: string[] }> {
  const script = `
    import { createRequire } from 'node:module';
    const { handlerFromEnv } = await import(${JSON.stringify(DEPS)});
    // Port 9 refuses connections: an ICE call fails fast, after its SDK has loaded.
    const handler = handlerFromEnv({ ICE_ENDPOINT: 'http://127.0.0.1:9' }, () => {});
    const event = {
      rawPath: ${JSON.stringify(path)},
      requestContext: { requestId: 'r', http: { method: 'GET' } },
    };
    const context = {
      requestId: 'r',
      credentials: { accessKeyId: 'id', accessKeySecret: 'secret' },
      function: { timeout: 5 },
    };
    const { statusCode } = await handler(Buffer.from(JSON.stringify(event)), context);
    const sdks = new Set(
      Object.keys(createRequire(import.meta.url).cache).flatMap(
        (file) => /node_modules\\/(@alicloud\\/[^/]+)\\//.exec(file)?.[1] ?? [],
      ),
    );
    console.log(JSON.stringify({ status: statusCode, sdks: [...sdks].sort() }));
  `;
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '--eval', script],
    {
      env: { PATH: process.env.PATH ?? '' },
    },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
}

describe('the HTTP function on a fresh instance', () => {
  it('answers GET /healthz without loading any Alibaba Cloud SDK', async () => {
    expect(await sdksLoadedAfter('/healthz')).toEqual({ status: 200, sdks: [] });
  }, 30_000);

  it('loads the ICE SDK for GET /jobs/{id}, and not the MNS one', async () => {
    const { status, sdks } = await sdksLoadedAfter('/jobs/a1b2c3');
    expect(status).toBe(503);
    expect(sdks).toContain('@alicloud/openapi-client');
    expect(sdks).not.toContain('@alicloud/mns');
  }, 30_000);
});
