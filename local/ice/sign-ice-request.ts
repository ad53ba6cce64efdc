import { randomBytes } from 'node:crypto';
import { stringify } from 'node:querystring';
import { EMPTY_BODY_SHA256, type QueryParams, signRequest } from './acs3-signature.js';
import { ICE_API_VERSION } from './actions.js';
import { isoSeconds } from './jobs.js';

/**
 * A lean signer that produces the same request the real client sends for a query-only RPC call
 * (reference ice.md §2.4), for raw-HTTP load generation and for crafting replays or stale dates.
 */
export interface SignIceRequestInput {
  /** `host:port`, signed as the `host` header. */
  endpoint: string;
  action: string;
  query?: Readonly<QueryParams>;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
  /** Default: now. */
  dateMs?: number;
  /** Default: 32 random hex characters. */
  nonce?: string;
  version?: string;
}

export interface SignedIceRequest {
  method: 'POST';
  /** `/?` plus the query as the client puts it on the wire. */
  path: string;
  headers: Record<string, string>;
}

export function signIceRequest(input: SignIceRequestInput): SignedIceRequest {
  const query = input.query ?? {};
  const headers: Record<string, string> = {
    host: input.endpoint,
    'x-acs-version': input.version ?? ICE_API_VERSION,
    'x-acs-action': input.action,
    'x-acs-date': isoSeconds(input.dateMs ?? Date.now()),
    'x-acs-signature-nonce': input.nonce ?? randomBytes(16).toString('hex'),
    accept: 'application/json',
    'x-acs-content-sha256': EMPTY_BODY_SHA256,
    'x-acs-credentials-provider': input.securityToken === undefined ? 'static_ak' : 'static_sts',
  };
  if (input.securityToken !== undefined) {
    headers['x-acs-accesskey-id'] = input.accessKeyId;
    headers['x-acs-security-token'] = input.securityToken;
  }
  headers.authorization = signRequest({
    method: 'POST',
    pathname: '/',
    query,
    headers,
    accessKeyId: input.accessKeyId,
    accessKeySecret: input.accessKeySecret,
  });
  const search = stringify(query);
  return { method: 'POST', path: search === '' ? '/' : `/?${search}`, headers };
}
