/** Reads a request body as JSON: a JSON media type (or none), UTF-8, parseable. */
import { ValidationError } from '../../shared/errors.js';
import { httpError } from './http-error.js';
import type { HeaderMap } from './request.js';

const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json$/i;

function checkContentType(contentType: string | undefined): void {
  if (contentType === undefined || contentType.trim() === '') return; // many webhook senders omit it
  const [type = '', ...params] = contentType.split(';').map((p) => p.trim());
  const charset = params
    .map((p) => /^charset\s*=\s*"?([^";]*)"?$/i.exec(p)?.[1])
    .find((c) => c !== undefined);
  if (!JSON_TYPE.test(type) || (charset !== undefined && charset.toLowerCase() !== 'utf-8')) {
    throw httpError(
      415,
      'UnsupportedMediaType',
      `Content-Type must be application/json; got ${type.slice(0, 100) || '(empty)'}`,
    );
  }
}

export function readJsonBody(headers: HeaderMap, body: string): unknown {
  checkContentType(headers.get('content-type'));
  if (body.trim() === '') {
    throw ValidationError('A JSON body is required', [{ path: '', message: 'Required' }]);
  }
  try {
    return JSON.parse(body);
  } catch {
    throw httpError(415, 'UnsupportedMediaType', 'The body is not valid JSON');
  }
}
