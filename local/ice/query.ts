import type { QueryParams } from './acs3-signature.js';
import { IceError } from './ice-error.js';

/**
 * Decodes `a=1&b=x%20y` (query string or form body) into a null-prototype record. `+` means space,
 * as in form encoding; the client never sends a raw `+` (it encodes it as `%2B`). A repeated key keeps
 * its last value. Bad percent-encoding is a 400, never an exception escaping the server.
 */
export function parseQuery(raw: string, into: QueryParams = Object.create(null)): QueryParams {
  if (raw === '') return into;
  for (const pair of raw.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? '' : pair.slice(eq + 1);
    into[decode(key)] = decode(value);
  }
  return into;
}

function decode(part: string): string {
  const spaced = part.includes('+') ? part.replaceAll('+', ' ') : part;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    throw new IceError(400, 'InvalidParameter', 'The query string is not valid percent-encoded UTF-8.');
  }
}
