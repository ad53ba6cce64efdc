/**
 * What the HTTP function adds to an ICE call: GET /jobs/{id} through the real handler (FC event Buffer in,
 * response out, signature checked, real shared/ice client) vs a direct shared/ice `getJob` on the same job
 * of the same local ICE service, in the same run.
 *
 * - The ICE service runs in a child process (the real CLI), so its CPU does not share the event loop
 *   whose latency is measured; on 2 cores the service and the bench each get one.
 * - Handler and direct calls alternate (ABBA order), after a warm-up, so machine noise hits both alike.
 * - Log lines are formatted as in production but not written (the sink drops them): stdout throughput
 *   is the platform's, not the function's.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createHttpHandler } from '../functions/http/app.js';
import { depsFromEnv } from '../functions/http/deps.js';
import { localServiceCredentials } from '../local/demo-credentials.js';
import { systemClock } from '../shared/clock.js';
import { iceEnv, parseEnv } from '../shared/config.js';
import { createCredentialResolver } from '../shared/credentials.js';
import type { FcContext } from '../shared/fc/context.js';
import { iceClientFromConfig } from '../shared/ice/index.js';
import { createLogger } from '../shared/logger.js';
import { signPayload } from '../shared/webhook-signature.js';
import { startChildService } from './lib/child-service.js';
import { percentile, round } from './lib/stats.js';

export interface HttpOverheadOptions {
  /** Measured calls per side (default 2,000). */
  samples?: number;
  /** Unmeasured calls per side first (default 300). */
  warmUp?: number;
}

export interface Latency {
  p50Ms: number;
  p99Ms: number;
}

export interface HttpOverheadResult {
  samples: number;
  handler: Latency;
  direct: Latency;
  /** handler p50 / direct p50; goal ≤ 1.10. */
  p50Ratio: number;
  p99Ratio: number;
  /** Calls that did not answer 200 / a job (should be 0). */
  errors: number;
  /**
   * The handler's own cost: mean ms per GET /jobs/{id} when ICE answers from memory (the answer captured
   * from the service), in a tight loop — a best case, caches hot.
   */
  handlerOnlyMeanMs: number;
  setup: string;
}

const ICE_MAIN = fileURLToPath(new URL('../local/ice/main.ts', import.meta.url));
/** Events are re-signed this often, far inside the ±300 s window. */
const RESIGN_EVERY = 100;

/** A GET /jobs/{id} FC HTTP trigger event, signed now, as the Buffer FC passes. */
function getJobEvent(jobId: string, secret: string): Buffer {
  const path = `/jobs/${jobId}`;
  return Buffer.from(
    JSON.stringify({
      version: 'v1',
      rawPath: path,
      headers: {
        Accept: 'application/json',
        'X-Signature': signPayload(secret, '', Math.floor(Date.now() / 1000)),
      },
      queryParameters: {},
      body: '',
      isBase64Encoded: false,
      requestContext: {
        requestId: randomUUID(),
        http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.24' },
      },
    }),
  );
}

export async function runHttpOverheadBench(options: HttpOverheadOptions = {}): Promise<HttpOverheadResult> {
  const samples = options.samples ?? 2_000;
  const warmUp = options.warmUp ?? 300;
  const service = await startChildService(
    ICE_MAIN,
    ['--port', '0', '--seed', '1'],
    /^local ICE listening on (http:\/\/\S+)$/,
    1,
  );
  try {
    const jobId = service.lines[0]!;
    const secret = `whsec_bench_${randomUUID()}`;
    const env = { ICE_ENDPOINT: service.url, WEBHOOK_SECRET: secret };
    const dropLine = () => {};
    const deps = depsFromEnv(env, dropLine);
    const handler = createHttpHandler(deps);
    const ice = iceClientFromConfig(parseEnv(iceEnv, env), {
      logger: createLogger({ sink: dropLine, bindings: { fn: 'http' } }),
      resolveCredentials: createCredentialResolver({}),
      clock: systemClock,
    });
    const context: FcContext = {
      requestId: 'bench',
      credentials: localServiceCredentials(),
      function: { name: 'avatar-job-http', timeout: 30 },
    };

    let event = getJobEvent(jobId, secret);
    let errors = 0;
    const viaHandler = async () => {
      const response = await handler(event, context);
      if (response.statusCode !== 200) errors++;
    };
    const direct = async () => {
      const answer = await ice.getJob(jobId, { context, deadline: systemClock.now() + 30_000 });
      if (answer.job.jobId !== jobId) errors++;
    };
    const timed = async (call: () => Promise<void>, into: number[] | undefined) => {
      const started = performance.now();
      await call();
      into?.push(performance.now() - started);
    };

    const handlerMs: number[] = [];
    const directMs: number[] = [];
    for (let i = 0; i < warmUp + samples; i++) {
      if (i % RESIGN_EVERY === 0) event = getJobEvent(jobId, secret);
      const measured = i >= warmUp;
      // ABBA: neither side always goes first (connection reuse, GC timing).
      if (i % 2 === 0) {
        await timed(viaHandler, measured ? handlerMs : undefined);
        await timed(direct, measured ? directMs : undefined);
      } else {
        await timed(direct, measured ? directMs : undefined);
        await timed(viaHandler, measured ? handlerMs : undefined);
      }
    }
    const answer = await ice.getJob(jobId, { context });
    const fromMemory = createHttpHandler({
      ...deps,
      ice: { getJob: async () => answer, updateJob: deps.ice.updateJob },
    });
    const loopStarted = performance.now();
    for (let i = 0; i < samples; i++) {
      if ((await fromMemory(event, context)).statusCode !== 200) errors++;
    }
    const handlerOnlyMeanMs = round((performance.now() - loopStarted) / samples, 4);

    const latency = (s: number[]): Latency => ({
      p50Ms: round(percentile(s, 50)),
      p99Ms: round(percentile(s, 99)),
    });
    return {
      samples,
      handler: latency(handlerMs),
      direct: latency(directMs),
      p50Ratio: round(percentile(handlerMs, 50) / percentile(directMs, 50)),
      p99Ratio: round(percentile(handlerMs, 99) / percentile(directMs, 99)),
      errors,
      handlerOnlyMeanMs,
      setup: 'local ICE in a child process; handler and direct client in this process, alternating ABBA',
    };
  } finally {
    await service.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await runHttpOverheadBench(), null, 2));
}
