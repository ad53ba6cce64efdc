import { type ChildProcess, spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { localServiceCredentials } from '../local/demo-credentials.js';
import { createIceCaller } from '../local/ice/ice-client.js';
import { signIceRequest } from '../local/ice/sign-ice-request.js';
import type { IceCredentials } from '../local/ice/verify.js';

/**
 * Throughput of signed GetAvatarTrainingJob calls against the local ICE service.
 * The service runs in a child process (the real CLI, `local/ice/main.ts`), so the load generator and
 * the server each get their own event loop and core. Two load generators, reported separately:
 * - the real `@alicloud/openapi-client` `callApi` (the headline `iceGetPerSecond`); on this machine
 *   it is the bottleneck, so the figure is a floor of what the service sustains;
 * - `rawHttp`: a lean keep-alive client signing each request with the service's own ACS3 module
 *   (the same wire format), which shows the service's own capacity.
 */

export interface IceLocalBenchOptions {
  /** Wall-clock budget per load generator (default 3 s). */
  durationMs?: number;
  /** Request cap per load generator (default 100,000). */
  maxRequests?: number;
  /** Requests in flight (default 32). */
  concurrency?: number;
}

export interface LoadFigures {
  getPerSecond: number;
  requests: number;
  errors: number;
}

export interface IceLocalBenchResult {
  /** Through the real openapi-client. */
  iceGetPerSecond: number;
  requests: number;
  errors: number;
  loadGenerator: 'real @alicloud/openapi-client callApi, service in a child process';
  /** The same measurement with the lean raw-HTTP signer as the load generator. */
  rawHttp: LoadFigures;
}

const MAIN = fileURLToPath(new URL('../local/ice/main.ts', import.meta.url));

interface ChildService {
  child: ChildProcess;
  endpoint: string;
  jobId: string;
}

/** Starts `local/ice/main.ts --port 0 --seed 1` and reads its URL and seeded job from stdout. */
async function startChildService(): Promise<ChildService> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--port', '0', '--seed', '1'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  let endpoint: string | undefined;
  for await (const line of lines) {
    const listening = /^local ICE listening on http:\/\/(\S+)$/.exec(line);
    if (listening) endpoint = listening[1];
    else if (endpoint !== undefined) {
      lines.close();
      return { child, endpoint, jobId: line.trim() };
    }
  }
  throw new Error('the local ICE service exited before it was listening');
}

async function drive(
  options: Required<IceLocalBenchOptions>,
  call: () => Promise<boolean>,
): Promise<LoadFigures> {
  let started = 0;
  let errors = 0;
  const begin = performance.now();
  const deadline = begin + options.durationMs;
  const worker = async () => {
    while (started < options.maxRequests && performance.now() < deadline) {
      started++;
      if (!(await call().catch(() => false))) errors++;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - begin) / 1000;
  // Only answered requests count towards the rate; failures are reported beside it.
  return { getPerSecond: Math.round((started - errors) / seconds), requests: started, errors };
}

function rawHttpCall(endpoint: string, credentials: IceCredentials, jobId: string, agent: Agent) {
  const [host, port] = endpoint.split(':') as [string, string];
  return () =>
    new Promise<boolean>((resolve, reject) => {
      const signed = signIceRequest({
        endpoint,
        action: 'GetAvatarTrainingJob',
        query: { JobId: jobId },
        ...credentials,
      });
      const req = request(
        { host, port: Number(port), method: 'POST', path: signed.path, headers: signed.headers, agent },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode === 200));
        },
      );
      req.on('error', reject);
      req.end();
    });
}

export async function runIceLocalBench(options: IceLocalBenchOptions = {}): Promise<IceLocalBenchResult> {
  const settings = { durationMs: 3_000, maxRequests: 100_000, concurrency: 32, ...options };
  const credentials = localServiceCredentials();
  const service = await startChildService();
  const agent = new Agent({ keepAlive: true, maxSockets: settings.concurrency });
  try {
    const callIce = createIceCaller({ endpoint: service.endpoint, ...credentials });
    const realClientCall = async () =>
      (await callIce('GetAvatarTrainingJob', { JobId: service.jobId })).statusCode === 200;
    const rawCall = rawHttpCall(service.endpoint, credentials, service.jobId, agent);
    // Short warm-ups so JIT and connection setup are not measured.
    const warmUp = { ...settings, durationMs: 300 };
    await drive(warmUp, realClientCall);
    const realClient = await drive(settings, realClientCall);
    await drive(warmUp, rawCall);
    const rawHttp = await drive(settings, rawCall);
    return {
      iceGetPerSecond: realClient.getPerSecond,
      requests: realClient.requests,
      errors: realClient.errors,
      loadGenerator: 'real @alicloud/openapi-client callApi, service in a child process',
      rawHttp,
    };
  } finally {
    agent.destroy();
    service.child.kill('SIGTERM');
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runIceLocalBench();
  console.log(JSON.stringify(result));
  console.log(
    `local ICE GetAvatarTrainingJob: ${result.iceGetPerSecond}/s through the real openapi-client ` +
      `(${result.requests} requests, ${result.errors} errors); ` +
      `${result.rawHttp.getPerSecond}/s with a lean raw-HTTP signer ` +
      `(${result.rawHttp.requests} requests, ${result.rawHttp.errors} errors); service in a child process`,
  );
}
