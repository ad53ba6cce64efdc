import { describe, expect, it } from 'vitest';
import {
  fcError,
  functionErrorReply,
  httpReplyFrom,
  MAX_RESPONSE_HEADER_BYTES,
} from '../../local/host/reply.js';

const json = (value: unknown) => ({ kind: 'json' as const, text: JSON.stringify(value) });

describe('httpReplyFrom (a handler result as the HTTP trigger answers it)', () => {
  it('writes the FC response shape: status, headers and a text body', () => {
    const reply = httpReplyFrom(
      json({
        statusCode: 201,
        headers: { 'content-type': 'application/json', 'x-count': 3 },
        body: '{"ok":true}',
      }),
    );
    expect(reply.status).toBe(201);
    expect(reply.headers).toEqual({ 'content-type': 'application/json', 'x-count': '3' });
    expect(reply.body.toString()).toBe('{"ok":true}');
  });

  it('decodes a base64 body when isBase64Encoded is true', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
    const reply = httpReplyFrom(
      json({ statusCode: 200, isBase64Encoded: true, body: png.toString('base64') }),
    );
    expect(reply.body.equals(png)).toBe(true);
  });

  it("drops a handler's own framing headers, which the host sets itself", () => {
    const reply = httpReplyFrom(
      json({
        statusCode: 200,
        headers: {
          'Content-Length': '3',
          'Transfer-Encoding': 'chunked',
          Connection: 'close',
          'x-kept': 'y',
        },
        body: 'hello',
      }),
    );
    expect(reply.headers).toEqual({ 'x-kept': 'y' });
    expect(reply.body.toString()).toBe('hello');
  });

  it('sends no body with 204 or 304', () => {
    for (const statusCode of [204, 304]) {
      expect(httpReplyFrom(json({ statusCode, body: 'ignored' })).body.length).toBe(0);
    }
  });

  it('keeps multi-value headers (Set-Cookie) as separate values', () => {
    const reply = httpReplyFrom(
      json({ statusCode: 200, headers: { 'set-cookie': ['a=1', 'b=2'] }, body: '' }),
    );
    expect(reply.headers['set-cookie']).toEqual(['a=1', 'b=2']);
  });

  it('answers a value without statusCode as JSON, a string as text and a Buffer as bytes', () => {
    expect(httpReplyFrom(json({ hello: 'world' }))).toMatchObject({
      status: 200,
      body: Buffer.from('{"hello":"world"}'),
    });
    expect(httpReplyFrom({ kind: 'text', text: 'hi' })).toMatchObject({
      status: 200,
      body: Buffer.from('hi'),
    });
    expect(httpReplyFrom({ kind: 'bytes', data: Buffer.from([1, 2]) }).body).toEqual(Buffer.from([1, 2]));
    expect(httpReplyFrom({ kind: 'empty' })).toMatchObject({ status: 200, body: Buffer.alloc(0) });
  });

  it('answers 502 BadResponse for an invalid response shape', () => {
    for (const bad of [
      { statusCode: 99, body: '' },
      { statusCode: 200, body: { nested: true } },
      { statusCode: '200' },
    ]) {
      const reply = httpReplyFrom(json(bad));
      expect(reply.status).toBe(502);
      expect(JSON.parse(reply.body.toString())).toMatchObject({ ErrorCode: 'BadResponse' });
    }
  });

  it('answers 502 BadResponse when the response headers exceed 8 KB', () => {
    const within = { 'x-a': 'a'.repeat(MAX_RESPONSE_HEADER_BYTES - 3) };
    expect(httpReplyFrom(json({ statusCode: 200, headers: within, body: '' })).status).toBe(200);
    const over = { 'x-a': 'a'.repeat(MAX_RESPONSE_HEADER_BYTES - 2) };
    expect(httpReplyFrom(json({ statusCode: 200, headers: over, body: '' })).status).toBe(502);
  });
});

describe('FC error replies', () => {
  it('uses {ErrorCode, ErrorMessage} for FC errors', () => {
    const reply = fcError(404, 'FunctionNotFound', 'no such function');
    expect(reply.status).toBe(404);
    expect(JSON.parse(reply.body.toString())).toEqual({
      ErrorCode: 'FunctionNotFound',
      ErrorMessage: 'no such function',
    });
  });

  it('marks unhandled function errors with x-fc-error-type and FC runtime error fields', () => {
    const reply = functionErrorReply(502, {
      errorType: 'TypeError',
      errorMessage: 'boom',
      stackTrace: ['at x'],
    });
    expect(reply.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(JSON.parse(reply.body.toString())).toEqual({
      errorType: 'TypeError',
      errorMessage: 'boom',
      stackTrace: ['at x'],
    });
  });
});
