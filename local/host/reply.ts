/**
 * What the host answers: a handler's `{statusCode, headers, isBase64Encoded, body}` turned into HTTP, FC's
 * own errors (`{ErrorCode, ErrorMessage}`), and unhandled function errors (`x-fc-error-type` with
 * `{errorMessage, errorType, stackTrace}`).
 */
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { FunctionError, InvocationResult } from './function-instance.js';

export interface Reply {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** FC 2.0 documents 502 BadResponse past 8 KB of response headers; FC 3.0 is assumed the same. */
export const MAX_RESPONSE_HEADER_BYTES = 8 * 1024;
const JSON_TYPE = 'application/json; charset=utf-8';

export const FcHttpResponse = z.object({
  statusCode: z.number().int().min(100).max(599),
  headers: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]))
    .optional()
    .default({}),
  isBase64Encoded: z.boolean().optional().default(false),
  body: z.string().optional().default(''),
});

const json = (status: number, value: unknown, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { 'content-type': JSON_TYPE, ...headers },
  body: Buffer.from(JSON.stringify(value)),
});

/** An error of FC itself (bad request, unknown function, bad signature…). */
export const fcError = (status: number, code: string, message: string): Reply =>
  json(status, { ErrorCode: code, ErrorMessage: message });

/** A handler that threw, timed out or crashed. */
export const functionErrorReply = (status: number, error: FunctionError): Reply =>
  json(status, error, { 'x-fc-error-type': 'UnhandledInvocationError' });

/** The HTTP trigger's view of a handler's return value. */
export function httpReplyFrom(result: InvocationResult): Reply {
  switch (result.kind) {
    case 'empty':
      return { status: 200, headers: {}, body: Buffer.alloc(0) };
    case 'bytes':
      return { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: result.data };
    case 'text':
      return {
        status: 200,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: Buffer.from(result.text),
      };
    case 'json':
      return fromJson(result.text);
  }
}

const HOP_BY_HOP = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);
const BODILESS = new Set([204, 304]);

function fromJson(text: string): Reply {
  const value: unknown = JSON.parse(text);
  const looksLikeResponse = value !== null && typeof value === 'object' && 'statusCode' in value;
  // How FC maps a value without statusCode is undocumented: answer it as JSON, status 200.
  if (!looksLikeResponse)
    return { status: 200, headers: { 'content-type': JSON_TYPE }, body: Buffer.from(text) };
  const parsed = FcHttpResponse.safeParse(value);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    return fcError(502, 'BadResponse', `The function returned an invalid HTTP response (${detail})`);
  }
  const { statusCode, headers, isBase64Encoded, body } = parsed.data;
  const outHeaders = Object.fromEntries(
    Object.entries(headers)
      // Framing is the host's job (as FC's front end): a handler's own length or encoding would contradict it.
      .filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase()))
      .map(([name, v]) => [name, Array.isArray(v) ? v : String(v)]),
  );
  const headerBytes = Object.entries(outHeaders).reduce(
    (sum, [name, v]) => sum + Buffer.byteLength(name) + Buffer.byteLength(Array.isArray(v) ? v.join('') : v),
    0,
  );
  if (headerBytes > MAX_RESPONSE_HEADER_BYTES) {
    return fcError(
      502,
      'BadResponse',
      `Response headers total ${headerBytes} bytes; the limit is ${MAX_RESPONSE_HEADER_BYTES}`,
    );
  }
  return {
    status: statusCode,
    headers: outHeaders,
    // HTTP forbids a body on these statuses.
    body: BODILESS.has(statusCode) ? Buffer.alloc(0) : Buffer.from(body, isBase64Encoded ? 'base64' : 'utf8'),
  };
}

export function writeReply(res: ServerResponse, reply: Reply, requestId: string): void {
  if (res.headersSent || res.destroyed) return;
  try {
    res.writeHead(reply.status, {
      ...reply.headers,
      'content-length': String(reply.body.length),
      'x-fc-request-id': requestId,
    });
  } catch (error) {
    // An invalid header name or value from the handler.
    const bad = fcError(
      502,
      'BadResponse',
      `The function returned an invalid header: ${(error as Error).message}`,
    );
    res.writeHead(bad.status, {
      ...bad.headers,
      'content-length': String(bad.body.length),
      'x-fc-request-id': requestId,
    });
    res.end(bad.body);
    return;
  }
  res.end(reply.body);
}
