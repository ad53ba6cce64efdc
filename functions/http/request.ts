/**
 * Turns the FC 3.0 HTTP trigger event into checked request parts. Every check here runs before any
 * signature check or ICE call, and each failure is a 4xx naming what is wrong.
 */
import { randomUUID } from 'node:crypto';
import { ValidationError } from '../../shared/errors.js';
import { eventText, HttpEvent } from '../../shared/fc/events.js';
import { issuesFromZod } from '../../shared/validation.js';
import { httpError } from './http-error.js';

/** The largest body accepted, counted after base64 decoding. */
export const MAX_BODY_BYTES = 64 * 1024;
/** FC's own limits: request headers ≤ 8 KB, path + query ≤ 4 KB. Checked again here, as defence in depth. */
export const MAX_HEADER_BYTES = 8 * 1024;
export const MAX_PATH_CHARS = 4 * 1024;

const pathIssue = (message: string) =>
  ValidationError(`Invalid path: ${message}`, [{ path: 'path', message }]);

export function readHttpEvent(event: unknown): HttpEvent {
  let json: unknown;
  try {
    json = JSON.parse(eventText(event));
  } catch {
    throw ValidationError('The event is not JSON; expected an FC HTTP trigger event', [
      { path: '', message: 'Not JSON' },
    ]);
  }
  const parsed = HttpEvent.safeParse(json);
  if (!parsed.success) {
    throw ValidationError('The event is not an FC HTTP trigger event', issuesFromZod(parsed.error));
  }
  return parsed.data;
}

export type HeaderMap = ReadonlyMap<string, string>;

/** Lower-cased header names (FC sends canonical casing); a name given twice in different case is refused. */
export function requestHeaders(event: HttpEvent): HeaderMap {
  const headers = new Map<string, string>();
  let bytes = 0;
  for (const [name, value] of Object.entries(event.headers)) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value) + 4;
    const key = name.toLowerCase();
    if (headers.has(key)) {
      throw ValidationError(`Header ${key} is given more than once`, [
        { path: `headers.${key}`, message: 'Duplicate header' },
      ]);
    }
    headers.set(key, value);
  }
  if (bytes > MAX_HEADER_BYTES) {
    throw httpError(431, 'HeaderFieldsTooLarge', `Request headers exceed ${MAX_HEADER_BYTES} bytes`);
  }
  return headers;
}

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The caller's `x-request-id` when it is a plain token (it goes into logs), else a fresh UUID. Read from the
 * raw event so that even a request refused for its headers is answered with a correlation ID.
 */
export function correlationIdOf(event: Pick<HttpEvent, 'headers'>, newId: () => string = randomUUID): string {
  const name = Object.keys(event.headers).find((key) => key.toLowerCase() === 'x-request-id');
  const given = name === undefined ? undefined : event.headers[name]?.trim();
  return given && CORRELATION_ID.test(given) ? given : newId();
}

/** `rawPath` without any query string or fragment a local caller may have left on it. */
export const pathOf = (rawPath: string): string => rawPath.split(/[?#]/, 1)[0] ?? '';

/**
 * Decoded path segments of `rawPath` (URL-encoded, per the FC doc). Refuses anything that is not one
 * canonical spelling of a path: empty segments (double or trailing slashes), dot segments, encoded
 * slashes or backslashes, control characters and malformed escapes.
 */
export function pathSegments(rawPath: string): string[] {
  const path = pathOf(rawPath);
  if (path.length > MAX_PATH_CHARS)
    throw httpError(414, 'UriTooLong', `Path exceeds ${MAX_PATH_CHARS} characters`);
  if (!path.startsWith('/')) throw pathIssue('must start with "/"');
  if (path === '/') return [];
  return path
    .slice(1)
    .split('/')
    .map((raw) => {
      if (raw === '') throw pathIssue('empty segment (double or trailing slash)');
      let segment: string;
      try {
        segment = decodeURIComponent(raw);
      } catch {
        throw pathIssue('malformed percent-encoding');
      }
      if (segment === '.' || segment === '..') throw pathIssue('"." and ".." segments are not allowed');
      if (/[/\\]/.test(segment)) throw pathIssue('encoded "/" or "\\" is not allowed');
      // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
      if (/[\u0000-\u001f\u007f]/.test(segment)) throw pathIssue('control characters are not allowed');
      return segment;
    });
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The body as the caller sent it. A base64 body (`isBase64Encoded`) is decoded to its bytes, which must be
 * UTF-8; the signature covers those decoded bytes, i.e. exactly what the caller sent.
 */
export function requestBody(event: Pick<HttpEvent, 'body' | 'isBase64Encoded'>): string {
  if (!event.isBase64Encoded) {
    if (Buffer.byteLength(event.body) > MAX_BODY_BYTES) throw tooLarge();
    return event.body;
  }
  // Cheap size check before decoding: 4 base64 characters carry 3 bytes.
  if (event.body.length > Math.ceil(MAX_BODY_BYTES / 3) * 4) throw tooLarge();
  if (!BASE64.test(event.body)) {
    throw ValidationError('The body is marked base64 but is not valid base64', [
      { path: 'body', message: 'Invalid base64' },
    ]);
  }
  const bytes = Buffer.from(event.body, 'base64');
  if (bytes.length > MAX_BODY_BYTES) throw tooLarge();
  try {
    return utf8.decode(bytes);
  } catch {
    throw httpError(415, 'UnsupportedMediaType', 'The body is not UTF-8 text; send JSON');
  }
}

const tooLarge = () => httpError(413, 'PayloadTooLarge', `The body exceeds ${MAX_BODY_BYTES} bytes`);
