import { createHash } from 'node:crypto';
import MNSClient from '@alicloud/mns';
import { type MnsService, type MnsServiceOptions, startMnsService } from '../../local/mns/server.js';
import { mnsSignature, mnsStringToSign } from '../../local/mns/signature.js';

type MNSClientOptions = ConstructorParameters<typeof MNSClient>[1];

export interface TestMnsService {
  service: MnsService;
  /** The REAL `@alicloud/mns` client, configured for the service (endpoint, account, its credentials). */
  client: MNSClient;
  /** Another real client for the same service with some settings changed (wrong secret, STS token…). */
  clientWith(overrides: Partial<MNSClientOptions>): MNSClient;
  close(): Promise<void>;
}

/** Starts the local MNS service on an ephemeral loopback port; remember to `close()` it. */
export async function startTestMnsService(options: MnsServiceOptions = {}): Promise<TestMnsService> {
  const service = await startMnsService({ port: 0, ...options });
  const clientWith = (overrides: Partial<MNSClientOptions>) =>
    new MNSClient(service.accountId, {
      ...service.credentials,
      endpoint: service.url,
      ...(service.securityToken === undefined ? {} : { securityToken: service.securityToken }),
      ...overrides,
    });
  return { service, client: clientWith({}), clientWith, close: () => service.close() };
}

export interface RawMnsRequest {
  method: string;
  /** Path and query exactly as sent and signed, e.g. `/queues/q/messages?waitseconds=1`. */
  resource: string;
  body?: string;
  /** Default: now. */
  date?: Date;
  /** Extra headers, signed when they are `x-mns-*`; `null` removes one of the defaults. */
  headers?: Record<string, string | null>;
  /** Headers set after signing, to forge a request. */
  tamper?: Record<string, string>;
}

/**
 * A request built and signed the way the Node SDK does it (Content-MD5 = base64 of the hex MD5), for
 * cases the SDK cannot produce: stale dates, missing headers.
 */
export async function rawMnsRequest(
  service: MnsService,
  request: RawMnsRequest,
): Promise<{ status: number; headers: Headers; body: string }> {
  const date = (request.date ?? new Date()).toUTCString();
  const body = request.body ?? '';
  const withBody = request.method !== 'GET' && request.method !== 'HEAD';
  const merged: Record<string, string | null> = {
    date,
    'x-mns-date': date,
    'x-mns-version': '2015-06-06',
    ...(withBody
      ? {
          'content-type': 'text/xml',
          'content-md5': Buffer.from(createHash('md5').update(body).digest('hex')).toString('base64'),
        }
      : {}),
    ...request.headers,
  };
  const headers = Object.fromEntries(
    Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== null),
  );
  const signature = mnsSignature(
    service.credentials.accessKeySecret,
    mnsStringToSign({
      method: request.method,
      contentMd5: headers['content-md5'],
      contentType: headers['content-type'],
      date: headers.date ?? '',
      headers,
      resource: request.resource,
    }),
  );
  const sent: Record<string, string> = {
    authorization: `MNS ${service.credentials.accessKeyId}:${signature}`,
    ...headers,
    ...request.tamper,
  };
  if (merged.authorization === null) delete sent.authorization;
  const response = await fetch(`${service.url}${request.resource}`, {
    method: request.method,
    headers: sent,
    ...(withBody ? { body } : {}),
  });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/** Resolves once `queue` holds a long poll, so a test can move a fake clock knowing the poll is waiting. */
export async function untilPollWaiting(service: MnsService, queue: string, timeoutMs = 5_000): Promise<void> {
  const stopAt = Date.now() + timeoutMs;
  while (service.queues.waitingReceives(queue) === 0) {
    if (Date.now() > stopAt) throw new Error(`no long poll reached ${queue} within ${timeoutMs} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
