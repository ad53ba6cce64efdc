import { existsSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildHttpEvent,
  canonicalHeaderName,
  checkRequestHead,
  eventBody,
  HTTP_LIMITS,
  type IncomingHttp,
} from '../../local/host/http-event.js';
import { HttpEvent } from '../../shared/fc/events.js';

const FIXTURE = '../shared/fixtures/fc/http-get-job.json';
const info = {
  requestId: '1-67876bc2-0b5d3e1f4a7c9e2b6d81',
  accountId: '1234567890123456',
  domainName: '127.0.0.1:9000',
  now: 1736928194123,
};
const request = (init: Partial<IncomingHttp> = {}): IncomingHttp => ({
  method: 'GET',
  url: '/jobs/a1b255d86f7f4587943ce7734d6b9c0d',
  rawHeaders: ['Host', '127.0.0.1:9000', 'accept', 'application/json', 'user-agent', 'curl/8.5.0'],
  body: Buffer.alloc(0),
  sourceIp: '127.0.0.1',
  httpVersion: '1.1',
  ...init,
});

describe('buildHttpEvent (an HTTP request as the FC 3.0 HTTP trigger event)', () => {
  it('has the documented v1 shape, which the shared HttpEvent schema accepts', () => {
    const event = buildHttpEvent(request(), info);
    expect(HttpEvent.safeParse(event).success).toBe(true);
    expect(event).toMatchObject({
      version: 'v1',
      rawPath: '/jobs/a1b255d86f7f4587943ce7734d6b9c0d',
      body: '',
      isBase64Encoded: false,
      queryParameters: {},
      requestContext: {
        accountId: '1234567890123456',
        http: {
          method: 'GET',
          path: '/jobs/a1b255d86f7f4587943ce7734d6b9c0d',
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: 'curl/8.5.0',
        },
        requestId: info.requestId,
        time: '2025-01-15T08:03:14Z',
        timeEpoch: '1736928194123',
      },
    });
  });

  it.runIf(existsSync(FIXTURE))('has the same keys at every level as the fixture event', () => {
    const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8'));
    const event = buildHttpEvent(request(), info);
    const keys = (o: object) => Object.keys(o).sort();
    expect(keys(event)).toEqual(keys(fixture));
    expect(keys(event.requestContext)).toEqual(keys(fixture.requestContext));
    expect(keys(event.requestContext.http)).toEqual(keys(fixture.requestContext.http));
  });

  it('keeps rawPath encoded and decodes requestContext.http.path', () => {
    const event = buildHttpEvent(request({ url: '/jobs/a%20b/%E4%B8%AD?x=1' }), info);
    expect(event.rawPath).toBe('/jobs/a%20b/%E4%B8%AD');
    expect(event.requestContext.http.path).toBe('/jobs/a b/中');
    expect(buildHttpEvent(request({ url: '/bad%zz' }), info).requestContext.http.path).toBe('/bad%zz');
  });

  it('joins repeated headers and query keys with commas, in arrival order', () => {
    const event = buildHttpEvent(
      request({
        url: '/p?tag=a&tag=b&q=hello+world&e=%26',
        rawHeaders: ['X-Tag', 'one', 'x-tag', 'two', 'Accept', 'text/plain'],
      }),
      info,
    );
    expect(event.headers).toEqual({ 'X-Tag': 'one,two', Accept: 'text/plain' });
    expect(event.queryParameters).toEqual({ tag: 'a,b', q: 'hello world', e: '&' });
  });

  it('names headers canonically and drops Host, Content-Length, hop-by-hop and x-fc-* headers', () => {
    expect(canonicalHeaderName('x-request-id')).toBe('X-Request-Id');
    expect(canonicalHeaderName('CONTENT-TYPE')).toBe('Content-Type');
    const event = buildHttpEvent(
      request({
        rawHeaders: [
          'host',
          'h',
          'content-length',
          '2',
          'connection',
          'keep-alive',
          'x-fc-invocation-type',
          'Async',
          'x-signature',
          't=1,v1=ab',
        ],
      }),
      info,
    );
    expect(event.headers).toEqual({ 'X-Signature': 't=1,v1=ab' });
  });
});

describe('eventBody', () => {
  it('passes UTF-8 text of a textual or absent content type as a string', () => {
    expect(eventBody(Buffer.from('{"avatarName":"小树"}'), 'application/json')).toEqual({
      body: '{"avatarName":"小树"}',
      isBase64Encoded: false,
    });
    expect(eventBody(Buffer.from('a=1&b=2'), 'application/x-www-form-urlencoded')).toEqual({
      body: 'a=1&b=2',
      isBase64Encoded: false,
    });
    expect(eventBody(Buffer.from('plain'), undefined)).toEqual({ body: 'plain', isBase64Encoded: false });
  });

  it('base64-encodes bytes that are not UTF-8, or of a binary content type', () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x81]);
    expect(eventBody(bytes, 'application/json')).toEqual({
      body: bytes.toString('base64'),
      isBase64Encoded: true,
    });
    expect(eventBody(Buffer.from('text'), 'application/octet-stream')).toEqual({
      body: 'dGV4dA==',
      isBase64Encoded: true,
    });
  });

  it('never loses a byte: the body decodes back to the bytes sent', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 256 }),
        fc.constantFrom('application/json', 'image/png', undefined),
        (bytes, type) => {
          const { body, isBase64Encoded } = eventBody(Buffer.from(bytes), type);
          expect(Buffer.from(body, isBase64Encoded ? 'base64' : 'utf8').equals(Buffer.from(bytes))).toBe(
            true,
          );
        },
      ),
    );
  });
});

describe('checkRequestHead (FC request limits)', () => {
  it('accepts headers up to 8 KB in total and refuses one byte more', () => {
    const fill = (total: number) => ['x-big', 'a'.repeat(total - 'x-big'.length)];
    expect(checkRequestHead({ url: '/', rawHeaders: fill(HTTP_LIMITS.headerBytes) })).toBeUndefined();
    expect(checkRequestHead({ url: '/', rawHeaders: fill(HTTP_LIMITS.headerBytes + 1) })?.message).toMatch(
      /8193 bytes; the limit is 8192/,
    );
  });

  it('accepts a path and query up to 4 KB and refuses one byte more', () => {
    const url = (total: number) => `/${'p'.repeat(total - 1)}`;
    expect(checkRequestHead({ url: url(HTTP_LIMITS.pathAndQueryBytes), rawHeaders: [] })).toBeUndefined();
    expect(
      checkRequestHead({ url: url(HTTP_LIMITS.pathAndQueryBytes + 1), rawHeaders: [] })?.message,
    ).toMatch(/Path and query/);
  });
});
