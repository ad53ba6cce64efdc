import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AccessKeyPair, localServiceCredentials } from '../demo-credentials.js';
import { authenticate, DEFAULT_MAX_CLOCK_SKEW_MS, MNS_API_VERSION } from './authenticate.js';
import { MnsError, mnsErrors } from './errors.js';
import { newRequestId } from './ids.js';
import { performOperation } from './operations.js';
import { parseQuery } from './query.js';
import type { QueueAttributesInput } from './queue-attributes.js';
import { QueueRegistry } from './queue-registry.js';
import { errorXml } from './responses.js';

export interface QueueDefinition {
  name: string;
  /** Including `deadLetterPolicy: { deadLetterTargetQueue, maxReceiveCount }` for redrive. */
  attributes?: QueueAttributesInput;
}

export interface MnsServiceOptions {
  /** 0 (default) picks a free port. The service only ever listens on 127.0.0.1. */
  port?: number;
  /** Default `local`. The SDK needs one but only uses it for its default endpoint. */
  accountId?: string;
  /** Default: localServiceCredentials() (env ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET, else the demo pair). */
  credentials?: AccessKeyPair;
  /** When set, requests must carry this STS token in the `security-token` header. */
  securityToken?: string;
  /** Queues to create at start, in order. */
  queues?: (string | QueueDefinition)[];
  /**
   * Clock (Unix ms) for all message and long-poll timing. With a fake clock, move it and call
   * `service.tick()`. The Date-skew check uses the wall clock instead, which is what clients sign with.
   */
  now?: () => number;
  /** Accepted Date skew; default 15 minutes. */
  maxClockSkewMs?: number;
}

export interface MnsService {
  /** `http://127.0.0.1:PORT`, the SDK's `endpoint`. */
  readonly url: string;
  readonly port: number;
  readonly accountId: string;
  readonly credentials: AccessKeyPair;
  readonly securityToken: string | undefined;
  /** In-process API: create, setAttributes, attributes, delete, names, list, inspect, send, receive, peek, … */
  readonly queues: QueueRegistry;
  /** Applies everything due by `now()` (delays, visibility expiry, retention, long-poll deadlines). */
  tick(): void;
  /** Answers held long polls with MessageNotExist, then stops listening. */
  close(): Promise<void>;
}

const XML_CONTENT_TYPE = 'text/xml;charset=utf-8';
const JSON_CONTENT_TYPE = 'application/json;charset=utf-8';
// A 64 KB batch whose bodies are entity-escaped stays far below this.
const MAX_BODY_BYTES = 1 << 20;
const INSPECTION_PREFIX = '/_local/mns/queues';

export async function startMnsService(options: MnsServiceOptions = {}): Promise<MnsService> {
  const credentials = options.credentials ?? localServiceCredentials();
  const accountId = options.accountId ?? 'local';
  const auth = {
    credentials,
    securityToken: options.securityToken,
    maxClockSkewMs: options.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS,
  };
  const queues = new QueueRegistry(options.now ?? Date.now);
  for (const definition of options.queues ?? []) {
    const { name, attributes } = typeof definition === 'string' ? { name: definition } : definition;
    queues.create(name, attributes);
  }

  let url = '';
  const server = createServer((request, response) => {
    const rawUrl = request.url ?? '/';
    const handled = rawUrl.startsWith('/_local/')
      ? inspect(request, response, rawUrl)
      : serveMns(request, response, rawUrl);
    handled.catch((error: unknown) => {
      console.error('local MNS: unexpected failure', error);
      response.destroy();
    });
  });

  async function serveMns(request: IncomingMessage, response: ServerResponse, rawUrl: string): Promise<void> {
    const requestId = newRequestId();
    const aborted = new AbortController();
    response.once('close', () => aborted.abort());
    try {
      const body = await readBody(request);
      const method = request.method ?? 'GET';
      authenticate(method, rawUrl, request.headers, auth, Date.now());
      const queryStart = rawUrl.indexOf('?');
      const result = await performOperation(
        {
          method,
          path: queryStart < 0 ? rawUrl : rawUrl.slice(0, queryStart),
          query: parseQuery(queryStart < 0 ? '' : rawUrl.slice(queryStart + 1)),
          headers: request.headers,
          body,
          signal: aborted.signal,
        },
        queues,
        url,
      );
      reply(response, result.status, requestId, result.body, result.headers);
    } catch (error) {
      const failure = error instanceof MnsError ? error : mnsErrors.internalError();
      if (failure !== error) console.error('local MNS: internal error', error);
      reply(response, failure.status, requestId, errorXml(failure.code, failure.message, requestId, url));
    }
  }

  /** `GET /_local/mns/queues[/{name}]`: JSON, unsigned, never changes queue state. */
  async function inspect(request: IncomingMessage, response: ServerResponse, rawUrl: string): Promise<void> {
    request.resume();
    const { status, payload } = inspection(request.method ?? 'GET', rawUrl.split('?')[0] ?? '');
    response.writeHead(status, { 'content-type': JSON_CONTENT_TYPE });
    response.end(JSON.stringify(payload));
  }

  function inspection(method: string, path: string): { status: number; payload: unknown } {
    if (method !== 'GET') return { status: 405, payload: { error: 'MethodNotAllowed', message: 'Use GET.' } };
    if (path === INSPECTION_PREFIX) return { status: 200, payload: { queues: queues.list() } };
    if (!path.startsWith(`${INSPECTION_PREFIX}/`)) {
      return {
        status: 404,
        payload: { error: 'NotFound', message: `Try GET ${INSPECTION_PREFIX}[/{name}].` },
      };
    }
    try {
      return {
        status: 200,
        payload: queues.inspect(decodeURIComponent(path.slice(INSPECTION_PREFIX.length + 1))),
      };
    } catch (error) {
      const failure = error instanceof MnsError ? error : mnsErrors.invalidQueueName();
      return { status: failure.status, payload: { error: failure.code, message: failure.message } };
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Longer than any client's idle keep-alive, so the server never closes a socket a client is reusing.
  server.keepAliveTimeout = 65_000;
  const { port } = server.address() as AddressInfo;
  url = `http://127.0.0.1:${port}`;

  return {
    url,
    port,
    accountId,
    credentials,
    securityToken: options.securityToken,
    queues,
    tick: () => queues.tick(),
    close: async () => {
      queues.close();
      // Let the long polls just answered write their MessageNotExist before connections are cut.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

function reply(
  response: ServerResponse,
  status: number,
  requestId: string,
  body?: string,
  headers: Record<string, string> = {},
): void {
  if (response.destroyed) return;
  response.writeHead(status, {
    ...headers,
    'content-type': XML_CONTENT_TYPE,
    'x-mns-request-id': requestId,
    'x-mns-version': MNS_API_VERSION,
    ...(body === undefined ? {} : { 'content-length': Buffer.byteLength(body) }),
  });
  response.end(body);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  if (size > MAX_BODY_BYTES)
    throw mnsErrors.invalidArgument(`The request body exceeds ${MAX_BODY_BYTES} bytes.`);
  return Buffer.concat(chunks).toString('utf8');
}
