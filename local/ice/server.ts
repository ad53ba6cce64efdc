import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { localServiceCredentials } from '../demo-credentials.js';
import type { QueryParams } from './acs3-signature.js';
import { createIceActions, ICE_API_VERSION } from './actions.js';
import { FaultInjector, type IceFaults, parseFaults } from './faults.js';
import { IceError, iceErrorBody } from './ice-error.js';
import { JobStore, type TrainingOutcome } from './jobs.js';
import { parseQuery } from './query.js';
import { createRequestVerifier, type IceCredentials } from './verify.js';

export interface IceServiceOptions {
  /** 0 (default) picks a free port. The service only ever listens on 127.0.0.1. */
  port?: number;
  /** Default: localServiceCredentials() (env ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET, else the demo pair). */
  credentials?: { accessKeyId: string; accessKeySecret: string };
  /** When set, requests must carry this STS token (x-acs-security-token) and x-acs-accesskey-id. */
  securityToken?: string;
  /** Service clock (ms) for the date check, nonce window, rate limit and job lifecycle. */
  now?: () => number;
  /** Random source for fault draws and training outcomes. */
  random?: () => number;
  /** Base durations of the Queuing and Training phases, divided by `timeScale`. */
  queuingMs?: number;
  trainingMs?: number;
  /** > 1 speeds the job lifecycle up (default 1). */
  timeScale?: number;
  /** Probability that a training attempt without a forced outcome fails (default 0). */
  failRate?: number;
  /** Number of demo jobs to create at start. */
  seed?: number;
  /** Initial fault injection and rate limit (`maxRps`). */
  faults?: IceFaults;
  /** `HostId` of error bodies; default the endpoint (`127.0.0.1:PORT`). */
  hostId?: string;
  /** Accepted x-acs-date skew (default 15 minutes). */
  skewMs?: number;
}

export interface IceCounters {
  /** API requests received (inspection and control endpoints excluded). */
  requests: number;
  /** Authenticated calls per known action, whatever their outcome. */
  actions: Record<string, number>;
  /** Injected faults: `Throttling`, `InternalError`, `ServiceUnAvailable`, `slow`, `dropped`. */
  faults: Record<string, number>;
  /** Requests refused with `Throttling.User` by the `maxRps` limit. */
  throttled: number;
  /** Requests refused while checking the signature, date, nonce or token. */
  signatureFailures: number;
  /** Every error response, by `Code`. */
  errors: Record<string, number>;
}

export interface IceService {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `127.0.0.1:PORT`, the value for the client's `config.endpoint`. */
  endpoint: string;
  port: number;
  credentials: IceCredentials;
  /** The in-process job store: create, seed, get, list, submit, update, remove, setOutcome, snapshot. */
  jobs: JobStore;
  /** Replaces the fault configuration; throws a RangeError when invalid. */
  setFaults(faults: IceFaults): void;
  faults(): IceFaults;
  counters(): IceCounters;
  close(): Promise<void>;
}

export const DEFAULT_QUEUING_MS = 3_000;
export const DEFAULT_TRAINING_MS = 15_000;

const JSON_CONTENT_TYPE = 'application/json;charset=utf-8';
const MAX_BODY_BYTES = 1 << 20;
const EMPTY_BODY = Buffer.alloc(0);
const LOOPBACK: ReadonlySet<string | undefined> = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const OUTCOME_PATH = /^\/_local\/ice\/jobs\/([^/]+)\/outcome$/;

const API_NOT_FOUND = new IceError(
  404,
  'InvalidAction.NotFound',
  'Specified api is not found, please check your url and method.',
);
const BODY_TOO_LARGE = new IceError(
  413,
  'RequestBodyTooLarge',
  `The request body exceeds ${MAX_BODY_BYTES} bytes.`,
);

export async function startIceService(options: IceServiceOptions = {}): Promise<IceService> {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0)) throw new RangeError('timeScale must be > 0');
  const pair = options.credentials ?? localServiceCredentials();
  const credentials: IceCredentials = {
    accessKeyId: pair.accessKeyId,
    accessKeySecret: pair.accessKeySecret,
    ...(options.securityToken === undefined ? {} : { securityToken: options.securityToken }),
  };
  const jobs = new JobStore({
    now,
    random,
    queuingMs: (options.queuingMs ?? DEFAULT_QUEUING_MS) / timeScale,
    trainingMs: (options.trainingMs ?? DEFAULT_TRAINING_MS) / timeScale,
    failRate: options.failRate ?? 0,
  });
  jobs.seed(options.seed ?? 0);
  const actions = createIceActions(jobs);
  const faults = new FaultInjector(random, now, options.faults);
  const verify = createRequestVerifier({ credentials, now, skewMs: options.skewMs });
  const counters: IceCounters = {
    requests: 0,
    actions: {},
    faults: {},
    throttled: 0,
    signatureFailures: 0,
    errors: {},
  };
  const slowTimers = new Set<NodeJS.Timeout>();
  let hostId = options.hostId ?? '127.0.0.1';

  const bump = (table: Record<string, number>, key: string) => {
    table[key] = (table[key] ?? 0) + 1;
  };

  const sendJson = (res: ServerResponse, status: number, requestId: string, json: string) => {
    if (res.destroyed || res.headersSent) return;
    res.writeHead(status, {
      'content-type': JSON_CONTENT_TYPE,
      'content-length': Buffer.byteLength(json),
      'x-acs-request-id': requestId,
    });
    res.end(json);
  };

  /** Status and JSON body of the error response; counts it by code. */
  const errorReply = (requestId: string, thrown: unknown): [number, string] => {
    const error =
      thrown instanceof IceError
        ? thrown
        : new IceError(500, 'InternalError', 'The request processing has failed due to some unknown error.');
    bump(counters.errors, error.code);
    return [error.status, JSON.stringify(iceErrorBody(error, requestId, hostId))];
  };

  const sendError = (res: ServerResponse, requestId: string, thrown: unknown) => {
    const [status, json] = errorReply(requestId, thrown);
    sendJson(res, status, requestId, json);
  };

  const handleApi = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const requestId = randomUUID().toUpperCase();
    try {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const pathname = q < 0 ? url : url.slice(0, q);
      if (req.method !== 'POST' || pathname !== '/') throw API_NOT_FOUND;
      const query = parseQuery(q < 0 ? '' : url.slice(q + 1));
      try {
        verify({ method: 'POST', pathname, query, headers: req.headers, body });
      } catch (error) {
        counters.signatureFailures++;
        throw error;
      }
      const version = req.headers['x-acs-version'];
      if (version !== ICE_API_VERSION) {
        throw new IceError(400, 'InvalidVersion', `Specified parameter Version "${version}" is not valid.`);
      }
      const actionName = req.headers['x-acs-action'] as string;
      const action = actions.get(actionName);
      if (action === undefined) throw API_NOT_FOUND;
      bump(counters.actions, actionName);

      const limited = faults.rateLimit();
      if (limited !== undefined) {
        counters.throttled++;
        throw limited;
      }
      const fault = faults.decide();
      if (fault.kind === 'drop') {
        bump(counters.faults, 'dropped');
        req.socket.destroy();
        return;
      }
      if (fault.kind === 'error') {
        bump(counters.faults, fault.error.code);
        throw fault.error;
      }

      let reply: [number, string];
      try {
        const data = action(formParams(req, body, query));
        reply = [200, JSON.stringify({ RequestId: requestId, Success: true, Data: data })];
      } catch (error) {
        reply = errorReply(requestId, error);
      }
      if (fault.kind === 'slow') {
        // The action has run: a client that times out cannot tell whether it took effect.
        bump(counters.faults, 'slow');
        const timer = setTimeout(() => {
          slowTimers.delete(timer);
          sendJson(res, reply[0], requestId, reply[1]);
        }, fault.delayMs);
        slowTimers.add(timer);
        return;
      }
      sendJson(res, reply[0], requestId, reply[1]);
    } catch (error) {
      sendError(res, requestId, error);
    }
  };

  const handleLocal = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const requestId = randomUUID().toUpperCase();
    const ok = (value: unknown) => sendJson(res, 200, requestId, JSON.stringify(value));
    try {
      if (!LOOPBACK.has(req.socket.remoteAddress)) {
        throw new IceError(403, 'Forbidden', 'The local control endpoints only answer loopback clients.');
      }
      const path = (req.url ?? '').split('?', 1)[0];
      const route = `${req.method} ${path}`;
      if (route === 'GET /_local/ice/jobs') return ok({ jobs: jobs.snapshot() });
      if (route === 'GET /_local/ice/counters') return ok(snapshotCounters(counters));
      if (route === 'GET /_local/ice/faults') return ok({ faults: faults.current });
      if (route === 'PUT /_local/ice/faults') {
        faults.set(parseFaults(parseJsonBody(body)));
        return ok({ faults: faults.current });
      }
      const outcome = req.method === 'PUT' ? OUTCOME_PATH.exec(path ?? '') : null;
      if (outcome !== null) {
        const jobId = decodeURIComponent(outcome[1] as string);
        jobs.setOutcome(jobId, parseOutcome(parseJsonBody(body)));
        return ok({ job: jobs.snapshot().find((job) => job.JobId === jobId) });
      }
      throw new IceError(404, 'NotFound', `No local endpoint ${route}.`);
    } catch (error) {
      const invalid = error instanceof RangeError || error instanceof URIError;
      sendError(res, requestId, invalid ? new IceError(400, 'InvalidParameter', error.message) : error);
    }
  };

  const server = createServer({ keepAlive: true, keepAliveTimeout: 10_000 }, (req, res) => {
    const handle = req.url?.startsWith('/_local/') ? handleLocal : handleApi;
    if (handle === handleApi) counters.requests++;
    const length = req.headers['content-length'];
    if ((length === undefined || length === '0') && req.headers['transfer-encoding'] === undefined) {
      handle(req, res, EMPTY_BODY);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) {
        res.shouldKeepAlive = false;
        sendError(res, randomUUID().toUpperCase(), BODY_TOO_LARGE);
        return;
      }
      handle(req, res, Buffer.concat(chunks, size));
    });
    req.on('error', () => req.socket.destroy());
  });

  // Malformed HTTP (garbage request line, oversized headers) still gets the JSON error shape.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const requestId = randomUUID().toUpperCase();
    const iceError = tooLarge
      ? new IceError(431, 'RequestHeaderFieldsTooLarge', 'The request headers are too large.')
      : new IceError(
          400,
          'MalformedRequest',
          `The request is not valid HTTP (${error.code ?? 'parse error'}).`,
        );
    bump(counters.errors, iceError.code);
    const json = JSON.stringify(iceErrorBody(iceError, requestId, hostId));
    socket.end(
      `HTTP/1.1 ${iceError.status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
        `content-type: ${JSON_CONTENT_TYPE}\r\ncontent-length: ${Buffer.byteLength(json)}\r\n` +
        `x-acs-request-id: ${requestId}\r\nconnection: close\r\n\r\n${json}`,
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('the ICE service did not bind a TCP port');
  const { port } = address;
  const endpoint = `127.0.0.1:${port}`;
  hostId = options.hostId ?? endpoint;

  return {
    url: `http://${endpoint}`,
    endpoint,
    port,
    credentials: { ...credentials },
    jobs,
    setFaults: (next) => faults.set(next),
    faults: () => faults.current,
    counters: () => snapshotCounters(counters),
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of slowTimers) clearTimeout(timer);
        slowTimers.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function snapshotCounters(counters: IceCounters): IceCounters {
  return {
    ...counters,
    actions: { ...counters.actions },
    faults: { ...counters.faults },
    errors: { ...counters.errors },
  };
}

/** A form body adds parameters the query does not already carry (the signature covers it via its hash). */
function formParams(req: IncomingMessage, body: Buffer, query: QueryParams): QueryParams {
  if (body.length === 0 || !req.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) {
    return query;
  }
  return Object.assign(parseQuery(body.toString('utf8')), query);
}

function parseJsonBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new RangeError('the body must be JSON');
  }
}

function parseOutcome(value: unknown): TrainingOutcome | undefined {
  const outcome = (value as { outcome?: unknown } | null)?.outcome;
  if (outcome === 'Success' || outcome === 'Fail' || outcome === null) return outcome ?? undefined;
  throw new RangeError('outcome must be "Success", "Fail" or null');
}
