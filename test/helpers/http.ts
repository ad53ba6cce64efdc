/**
 * Helpers for the HTTP function's tests: signed FC events, an in-memory ICE client and queue client, and
 * a handler wired to them with captured logs.
 */
import type { HttpDeps, HttpHandler } from '../../functions/http/app.js';
import { createHttpHandler } from '../../functions/http/app.js';
import { loadHttpConfig } from '../../functions/http/config.js';
import { JobNotFound, QueueError } from '../../shared/errors.js';
import type { HttpResponse } from '../../shared/fc/events.js';
import type { CallOptions, Job, UpdateJobInput } from '../../shared/ice/index.js';
import { createLogger } from '../../shared/logger.js';
import type { OutgoingMessage, QueueClient, SendOutcome } from '../../shared/mns/queue-client.js';
import { signPayload } from '../../shared/webhook-signature.js';
import { captureLogs, fakeClock, fakeContext, type HttpEventInit, httpEventObject } from './fc.js';

export const JOB_ID = 'a1b255d86f7f4587943ce7734d6b9c0d';
export const SECRET = 'whsec_http_test_secret';

export const sampleJob = (overrides: Partial<Job> = {}): Job => ({
  jobId: JOB_ID,
  avatarId: 'avatar-1',
  avatarName: '小树',
  avatarDescription: 'demo',
  avatarType: '2DAvatar',
  status: 'Init',
  message: '',
  createTime: '2025-01-15T08:00:00Z',
  ...overrides,
});

/** The event body exactly as signed: for base64 events, the decoded text. */
export function signedEvent(
  init: HttpEventInit & { secret?: string; unixSeconds: number; signedBody?: string },
): Buffer {
  const { secret = SECRET, unixSeconds, signedBody, ...rest } = init;
  const plain =
    signedBody ?? (rest.isBase64Encoded ? Buffer.from(rest.body ?? '', 'base64').toString() : rest.body);
  const signature = signPayload(secret, plain ?? '', unixSeconds);
  return eventBuffer({ ...rest, headers: { ...rest.headers, 'X-Signature': signature } });
}

/** Like fc.ts httpEvent, but without a default path (the path is the point of most tests). */
export const eventBuffer = (init: HttpEventInit): Buffer =>
  Buffer.from(JSON.stringify(httpEventObject(init)));

/** An in-memory ICE client: a job map, every call recorded, failures scripted per call. */
export function fakeIce(jobs: Job[] = [sampleJob()]) {
  const store = new Map(jobs.map((job) => [job.jobId, job]));
  const calls: { method: 'getJob' | 'updateJob'; input: unknown; options?: CallOptions }[] = [];
  let failWith: (() => unknown) | undefined;
  let n = 0;
  const answer = <T>(
    method: 'getJob' | 'updateJob',
    input: unknown,
    options: CallOptions | undefined,
    ok: () => T,
  ) => {
    calls.push({ method, input, ...(options ? { options } : {}) });
    const failure = failWith?.();
    if (failure !== undefined) return Promise.reject(failure);
    return Promise.resolve(ok());
  };
  const ice = {
    getJob: (jobId: string, options?: CallOptions) =>
      answer('getJob', jobId, options, () => {
        const job = store.get(jobId);
        if (!job) throw JobNotFound(`no job ${jobId}`, { requestId: `ice-${++n}` });
        return { job, requestId: `ice-${++n}` };
      }),
    updateJob: (input: UpdateJobInput, options?: CallOptions) =>
      answer('updateJob', input, options, () => {
        const { jobId, ...changes } = input;
        const job = store.get(jobId);
        if (!job) throw JobNotFound(`no job ${jobId}`, { requestId: `ice-${++n}` });
        store.set(jobId, { ...job, ...changes });
        return { jobId, requestId: `ice-${++n}` };
      }),
  };
  return {
    ice,
    store,
    calls,
    /** Every later call fails with what `make` returns (undefined = succeed). */
    failWith(make: (() => unknown) | undefined) {
      failWith = make;
    },
  };
}

/** An in-memory queue client; `refuse(message, index)` turns one message into a failed outcome. */
export function fakeQueues(
  options: { refuse?: (message: OutgoingMessage) => boolean; throws?: unknown } = {},
) {
  const sent: { queue: string; body: string }[] = [];
  let sends = 0;
  const queues: QueueClient = {
    async send(queue, messages) {
      sends++;
      if (options.throws !== undefined) throw options.throws;
      return messages.map((message, index): SendOutcome => {
        if (options.refuse?.(message)) {
          return {
            index,
            ok: false,
            error: QueueError('refused', { upstreamCode: 'InternalError', retryable: true }),
          };
        }
        sent.push({ queue, body: message.body });
        return { index, ok: true, messageId: `msg-${sent.length}` };
      });
    },
    receive: async () => [],
    delete: async () => [],
  };
  return { queues, sent, sends: () => sends };
}

export interface TestHandlerOptions {
  env?: NodeJS.ProcessEnv;
  onFunctionCompute?: boolean;
  ice?: ReturnType<typeof fakeIce>;
  queues?: ReturnType<typeof fakeQueues>;
  clock?: ReturnType<typeof fakeClock>;
  deps?: Partial<HttpDeps>;
}

/** A handler on fakes, signed with SECRET by default; `logs` holds every line it wrote. */
export function testHandler(options: TestHandlerOptions = {}) {
  const logs = captureLogs();
  const clock = options.clock ?? fakeClock();
  const ice = options.ice ?? fakeIce();
  const queues = options.queues ?? fakeQueues();
  let queueLoads = 0;
  const deps: HttpDeps = {
    config: loadHttpConfig({ WEBHOOK_SECRET: SECRET, ...options.env }),
    ice: ice.ice,
    queues: async () => {
      queueLoads++;
      return queues.queues;
    },
    logger: createLogger({ level: 'debug', sink: logs.sink, now: clock.now }),
    clock,
    onFunctionCompute: options.onFunctionCompute ?? false,
    ...options.deps,
  };
  const handler: HttpHandler = createHttpHandler(deps);
  const nowSeconds = () => Math.floor(clock.now() / 1000);
  return {
    handler,
    ice,
    queues,
    logs,
    clock,
    queueLoads: () => queueLoads,
    /** Sends a request signed now (unless `unsigned`) and returns the parsed response. */
    async send(init: HttpEventInit & { unsigned?: boolean; secret?: string }) {
      const { unsigned, secret, ...rest } = init;
      const event = unsigned
        ? eventBuffer(rest)
        : signedEvent({ ...rest, ...(secret ? { secret } : {}), unixSeconds: nowSeconds() });
      return readResponse(await handler(event, fakeContext()));
    },
    /** The one request log line of the last request. */
    lastRequestLog: () =>
      logs
        .records()
        .filter((r) => r.message === 'request')
        .at(-1)!,
  };
}

export interface ReadResponse {
  status: number;
  headers: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
  json: any;
  raw: HttpResponse;
}

export function readResponse(raw: HttpResponse): ReadResponse {
  return { status: raw.statusCode, headers: raw.headers, json: JSON.parse(raw.body), raw };
}
