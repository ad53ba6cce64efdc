/**
 * The one adapter to `@alicloud/mns`. Bodies are base64-encoded by default: the Node SDK sends them raw
 * (an `&` or `<` breaks the XML), and the FC trigger decodes them with `IsBase64Decode: true`.
 */
import MNSClient from '@alicloud/mns';
import type { CredentialResolver, Credentials, CredentialsCarrier } from '../credentials.js';
import { type AppError, QueueError } from '../errors.js';

export const MAX_BATCH_MESSAGES = 16;
/** MNS caps a batch at 64 KB of message bodies. */
export const MAX_BATCH_BYTES = 64 * 1024;

export interface OutgoingMessage {
  /** Plain text (usually JSON); encoded on the wire unless the client was built with `encoding: 'raw'`. */
  body: string;
  delaySeconds?: number;
  priority?: number;
}

export type SendOutcome =
  | { index: number; ok: true; messageId: string }
  | { index: number; ok: false; error: AppError };

export interface ReceivedMessage {
  messageId: string;
  receiptHandle: string;
  /** Decoded body. */
  body: string;
  dequeueCount: number;
  enqueueTime: number;
  nextVisibleTime: number;
}

export interface QueueCallOptions {
  context?: CredentialsCarrier;
}

export interface QueueClient {
  /** Sends in batches of ≤ 16 messages and ≤ 64 KB; one outcome per message, in input order. */
  send(queue: string, messages: OutgoingMessage[], options?: QueueCallOptions): Promise<SendOutcome[]>;
  /** Up to `max` (≤ 16) messages; an empty queue is `[]`, not an error. */
  receive(
    queue: string,
    max: number,
    waitSeconds: number,
    options?: QueueCallOptions,
  ): Promise<ReceivedMessage[]>;
  /** Deletes by receipt handle; returns the handles that could not be deleted, with why. */
  delete(
    queue: string,
    receiptHandles: string[],
    options?: QueueCallOptions,
  ): Promise<{ receiptHandle: string; error: AppError }[]>;
}

export interface QueueClientOptions {
  endpointUrl: string;
  accountId: string;
  resolveCredentials: CredentialResolver;
  encoding?: 'base64' | 'raw';
  readTimeoutMs?: number;
}

const RETRYABLE_MNS = new Set(['InternalError', 'InternalServerError', 'QpsLimitExceeded', 'TimeExpired']);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** `MNSQueueNotExistError` → `QueueNotExist`; network and timeout errors keep their own code. */
export function toQueueError(error: unknown, action: string): AppError {
  const e = (error ?? {}) as { name?: string; message?: string; code?: string };
  const mnsCode = /^MNS(.+)Error$/.exec(e.name ?? '')?.[1];
  const upstreamCode = mnsCode ?? e.code ?? e.name;
  const requestId = /requestid: ([^,]+)/.exec(e.message ?? '')?.[1];
  const retryable = mnsCode ? RETRYABLE_MNS.has(mnsCode) : true;
  return QueueError(`MNS ${action} failed: ${upstreamCode ?? 'error'}`, {
    cause: error,
    upstreamCode,
    requestId,
    retryable,
  });
}

export const encodeBody = (body: string, encoding: 'base64' | 'raw' = 'base64') =>
  encoding === 'base64' ? Buffer.from(body, 'utf8').toString('base64') : body;

/** Decodes a body we encoded; a body that is not valid base64 was sent raw by someone else and is kept. */
export function decodeBody(body: string): string {
  if (body.length === 0 || body.length % 4 !== 0 || !BASE64.test(body)) return body;
  const decoded = Buffer.from(body, 'base64').toString('utf8');
  // Exact UTF-8 re-encodes to the same text; a body that legitimately holds U+FFFD must still decode.
  return encodeBody(decoded) === body ? decoded : body;
}

/** Splits messages into batches within the count and size limits (a lone oversized message gets its own). */
export function planBatches(sizes: number[]): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  sizes.forEach((size, index) => {
    if (current.length > 0 && (current.length === MAX_BATCH_MESSAGES || bytes + size > MAX_BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(index);
    bytes += size;
  });
  if (current.length > 0) batches.push(current);
  return batches;
}

const sameKeys = (a: Credentials, b: Credentials) =>
  a.accessKeyId === b.accessKeyId &&
  a.accessKeySecret === b.accessKeySecret &&
  a.securityToken === b.securityToken;

export function createQueueClient(options: QueueClientOptions): QueueClient {
  const encoding = options.encoding ?? 'base64';
  const readTimeout = options.readTimeoutMs ?? 35_000;
  let cached: { credentials: Credentials; client: MNSClient } | undefined;
  const clientFor = async (callOptions?: QueueCallOptions): Promise<MNSClient> => {
    const credentials = await options.resolveCredentials(callOptions?.context);
    if (!cached || !sameKeys(cached.credentials, credentials)) {
      const client = new MNSClient(options.accountId, {
        ...credentials,
        endpoint: options.endpointUrl,
        readTimeout,
        // httpx hands connectTimeout to the socket as an idle timeout, so a shorter one would cut long polls.
        connectTimeout: readTimeout,
      });
      cached = { credentials, client };
    }
    return cached.client;
  };

  return {
    async send(queue, messages, callOptions) {
      const client = await clientFor(callOptions);
      const wire = messages.map((m) => ({
        MessageBody: encodeBody(m.body, encoding),
        ...(m.delaySeconds ? { DelaySeconds: m.delaySeconds } : {}),
        ...(m.priority ? { Priority: m.priority } : {}),
      }));
      const outcomes: SendOutcome[] = [];
      for (const batch of planBatches(wire.map((w) => Buffer.byteLength(w.MessageBody)))) {
        try {
          const res = await client.batchSendMessage(
            queue,
            batch.map((i) => wire[i]!),
          );
          const items = Array.isArray(res.body) ? res.body : [res.body];
          batch.forEach((index, k) => {
            const item = items[k];
            if (item && 'MessageId' in item) outcomes.push({ index, ok: true, messageId: item.MessageId });
            else {
              const code = item && 'ErrorCode' in item ? item.ErrorCode : 'NoResult';
              const error = QueueError(`MNS did not accept message ${index}: ${code}`, {
                upstreamCode: code,
                retryable: RETRYABLE_MNS.has(code),
              });
              outcomes.push({ index, ok: false, error });
            }
          });
        } catch (error) {
          const failure = toQueueError(error, 'BatchSendMessage');
          for (const index of batch) outcomes.push({ index, ok: false, error: failure });
        }
      }
      return outcomes;
    },

    async receive(queue, max, waitSeconds, callOptions) {
      const client = await clientFor(callOptions);
      try {
        const res = await client.batchReceiveMessage(queue, Math.min(max, MAX_BATCH_MESSAGES), waitSeconds);
        const items = Array.isArray(res.body) ? res.body : res.body ? [res.body] : [];
        return items.map((m) => ({
          messageId: m.MessageId,
          receiptHandle: m.ReceiptHandle,
          body: encoding === 'base64' ? decodeBody(m.MessageBody) : m.MessageBody,
          dequeueCount: Number(m.DequeueCount),
          enqueueTime: Number(m.EnqueueTime),
          nextVisibleTime: Number(m.NextVisibleTime),
        }));
      } catch (error) {
        if ((error as Error).name === 'MNSMessageNotExistError') return [];
        throw toQueueError(error, 'BatchReceiveMessage');
      }
    },

    async delete(queue, receiptHandles, callOptions) {
      if (receiptHandles.length === 0) return [];
      const client = await clientFor(callOptions);
      const failures: { receiptHandle: string; error: ReturnType<typeof toQueueError> }[] = [];
      for (let i = 0; i < receiptHandles.length; i += MAX_BATCH_MESSAGES) {
        const chunk = receiptHandles.slice(i, i + MAX_BATCH_MESSAGES);
        try {
          const res = await client.batchDeleteMessage(queue, chunk);
          const errors = res.body ? (Array.isArray(res.body) ? res.body : [res.body]) : [];
          for (const e of errors) {
            failures.push({
              receiptHandle: e.ReceiptHandle,
              error: QueueError(`MNS could not delete a message: ${e.ErrorCode}`, {
                upstreamCode: e.ErrorCode,
              }),
            });
          }
        } catch (error) {
          const failure = toQueueError(error, 'BatchDeleteMessage');
          for (const receiptHandle of chunk) failures.push({ receiptHandle, error: failure });
        }
      }
      return failures;
    },
  };
}
