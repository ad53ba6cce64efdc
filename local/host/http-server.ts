/**
 * The host's one HTTP server: the FC invoke API for `@alicloud/fc2` on its two paths, and every other
 * request as the HTTP trigger of the function that has one. Sharing the port keeps `npm start` to one URL;
 * only POSTs to `/2016-08-15/…/invocations` and `/2023-03-30/…/invocations` are taken from the function.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../../shared/logger.js';
import { newRequestId } from './context.js';
import { type KeyPair, verifyFcRequest } from './fc-signature.js';
import type { InvocationOutcome, InvocationResult } from './function-instance.js';
import { buildHttpEvent, checkRequestHead, HTTP_LIMITS, safeDecode } from './http-event.js';
import { fcError, functionErrorReply, httpReplyFrom, type Reply, writeReply } from './reply.js';
import type { FunctionSpec, HttpTriggerConfig } from './s-yaml.js';

export interface Invoker {
  has(functionName: string): boolean;
  invoke(
    functionName: string,
    event: Buffer,
    init: { requestId: string; retryCount?: number },
  ): Promise<InvocationOutcome>;
}

export interface HttpServerOptions {
  invoker: Invoker;
  /** The function whose HTTP trigger answers requests outside the invoke API. */
  httpFunction?: { spec: FunctionSpec; trigger: HttpTriggerConfig };
  /** Key pairs the invoke API accepts. */
  keys: readonly KeyPair[];
  accountId: string;
  /** 0 picks a free port. */
  port: number;
  hostname?: string;
  logger: Logger;
  now?: () => number;
}

export interface HttpServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** FC's async invocation payload limit. */
export const ASYNC_BODY_BYTES = 128 * 1024;
const INVOKE_2016 = /^\/2016-08-15\/services\/([^/]+)\/functions\/([^/]+)\/invocations$/;
const INVOKE_2023 = /^\/2023-03-30\/functions\/([^/]+)\/invocations$/;

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

const resultBytes = (result: InvocationResult): Buffer =>
  result.kind === 'empty'
    ? Buffer.alloc(0)
    : result.kind === 'bytes'
      ? result.data
      : Buffer.from(result.text);

function routeInvoke(pathname: string): { functionName: string; qualifier?: string } | undefined {
  const v2 = INVOKE_2016.exec(pathname);
  if (v2) {
    const [, service = '', functionName = ''] = v2;
    const dot = service.indexOf('.');
    return { functionName, ...(dot < 0 ? {} : { qualifier: service.slice(dot + 1) }) };
  }
  const v3 = INVOKE_2023.exec(pathname);
  return v3 ? { functionName: v3[1] as string } : undefined;
}

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const now = options.now ?? Date.now;
  const { invoker, logger } = options;
  const trigger = options.httpFunction;

  const invokeApi = async (
    req: IncomingMessage,
    pathname: string,
    search: URLSearchParams,
    body: Buffer,
    requestId: string,
  ): Promise<Reply> => {
    const route = routeInvoke(pathname) as { functionName: string; qualifier?: string };
    const failure = verifyFcRequest(
      { method: 'POST', path: safeDecode(pathname), headers: req.headers, body },
      options.keys,
      now(),
    );
    if (failure) return fcError(failure.status, failure.code, failure.message);
    const qualifier = route.qualifier ?? search.get('qualifier') ?? 'LATEST';
    if (qualifier !== 'LATEST')
      return fcError(404, 'AliasNotFound', `qualifier '${qualifier}' does not exist locally`);
    if (!invoker.has(route.functionName)) {
      return fcError(404, 'FunctionNotFound', `function '${route.functionName}' does not exist`);
    }
    if (String(req.headers['x-fc-invocation-type'] ?? '').toLowerCase() === 'async') {
      if (body.length > ASYNC_BODY_BYTES) {
        return fcError(
          400,
          'InvalidArgument',
          `Async invocation payloads are limited to ${ASYNC_BODY_BYTES} bytes`,
        );
      }
      void invoker.invoke(route.functionName, body, { requestId }).then((outcome) => {
        if (!outcome.ok)
          logger.warn('async invocation failed', {
            function: route.functionName,
            requestId,
            error: outcome.error,
          });
      });
      return { status: 202, headers: {}, body: Buffer.alloc(0) };
    }
    const outcome = await invoker.invoke(route.functionName, body, { requestId });
    if (!outcome.ok) return functionErrorReply(200, outcome.error);
    return {
      status: 200,
      headers: { 'content-type': 'application/octet-stream' },
      body: resultBytes(outcome.result),
    };
  };

  const httpTrigger = async (req: IncomingMessage, body: Buffer, requestId: string): Promise<Reply> => {
    if (!trigger) return fcError(404, 'TriggerNotFound', 'No function in s.yaml has an HTTP trigger');
    const method = req.method ?? 'GET';
    if (!(trigger.trigger.methods as string[]).includes(method)) {
      return fcError(
        405,
        'MethodNotAllowed',
        `The HTTP trigger accepts ${trigger.trigger.methods.join(', ')}`,
      );
    }
    const event = buildHttpEvent(
      {
        method,
        url: req.url ?? '/',
        rawHeaders: req.rawHeaders,
        body,
        sourceIp: (req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
        httpVersion: req.httpVersion,
      },
      { requestId, accountId: options.accountId, domainName: req.headers.host ?? '', now: now() },
    );
    const outcome = await invoker.invoke(trigger.spec.name, Buffer.from(JSON.stringify(event)), {
      requestId,
    });
    if (!outcome.ok) {
      logger.warn('function error', {
        function: trigger.spec.name,
        requestId,
        errorType: outcome.error.errorType,
        errorMessage: outcome.error.errorMessage,
      });
      return functionErrorReply(502, outcome.error);
    }
    return httpReplyFrom(outcome.result);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const requestId = newRequestId(now());
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const pathname = queryAt < 0 ? url : url.slice(0, queryAt);
    const search = new URLSearchParams(queryAt < 0 ? '' : url.slice(queryAt + 1));
    const isInvoke = req.method === 'POST' && routeInvoke(pathname) !== undefined;
    const tooBig = checkRequestHead({ url, rawHeaders: req.rawHeaders });
    if (tooBig) {
      req.resume();
      return writeReply(res, fcError(400, 'InvalidArgument', tooBig.message), requestId);
    }
    let body: Buffer;
    try {
      body = await readBody(req, HTTP_LIMITS.syncBodyBytes);
    } catch (error) {
      const message =
        error instanceof BodyTooLarge
          ? `The body exceeds ${HTTP_LIMITS.syncBodyBytes} bytes`
          : 'The body could not be read';
      res.shouldKeepAlive = false;
      return writeReply(res, fcError(400, 'InvalidArgument', message), requestId);
    }
    const reply = isInvoke
      ? await invokeApi(req, pathname, search, body, requestId)
      : await httpTrigger(req, body, requestId);
    writeReply(res, reply, requestId);
  };

  const server = createServer({ maxHeaderSize: 64 * 1024, keepAliveTimeout: 5_000 }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error('local host failed to answer', { error });
      writeReply(res, fcError(500, 'InternalServerError', 'The local host failed'), newRequestId(now()));
    });
  });
  // Beyond Node's own parser limits: still FC's JSON error, never a bare socket reset.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const body = JSON.stringify({
      ErrorCode: 'InvalidArgument',
      ErrorMessage: `Malformed request (${error.code ?? 'parse error'})`,
    });
    socket.end(
      `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json; charset=utf-8\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });

  const hostname = options.hostname ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, hostname, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('the local host did not bind a TCP port');
  return {
    url: `http://${hostname}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
