import { mnsErrors } from './errors.js';

/**
 * Parses a raw query string: keys lower-cased (the SDKs disagree on `ReceiptHandle`/`receiptHandle`),
 * `%XX` decoded, but `+` kept as `+` because the SDK sends receipt handles unencoded. First value wins.
 */
export function parseQuery(rawQuery: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const key = decodeComponent(equals < 0 ? pair : pair.slice(0, equals)).toLowerCase();
    const value = equals < 0 ? '' : decodeComponent(pair.slice(equals + 1));
    if (!params.has(key)) params.set(key, value);
  }
  return params;
}

function decodeComponent(text: string): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    throw mnsErrors.invalidQueryString();
  }
}
