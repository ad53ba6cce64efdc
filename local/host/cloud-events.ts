/**
 * MNS messages → what EventBridge pushes to the function (reference/fc.md §5): CloudEvents whose
 * `data` is `{requestId, messageId, messageBody}`, the body base64-decoded when `IsBase64Decode` is on;
 * `RawData` delivers only `data`. event-streaming sends an array (even of one), event-driven one object.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { decodeBody } from '../../shared/mns/queue-client.js';

export interface SourceMessage {
  messageId: string;
  receiptHandle: string;
  /** The body as stored in MNS. */
  body: string;
  enqueueTime: number;
  dequeueCount: number;
}

export interface EventSourceInfo {
  functionName: string;
  triggerName: string;
  queueName: string;
  region: string;
  accountId: string;
  base64Decode: boolean;
  eventSchema: 'CloudEvents' | 'RawData';
}

const iso = (ms: number) => new Date(ms).toISOString();

export function toEvent(
  message: SourceMessage,
  source: EventSourceInfo,
  now: number,
): Record<string, unknown> {
  // A body that is not base64 is delivered as it is (what EventBridge does then is undocumented).
  const data = {
    requestId: randomBytes(12).toString('hex').toUpperCase(),
    messageId: message.messageId,
    messageBody: source.base64Decode ? decodeBody(message.body) : message.body,
  };
  if (source.eventSchema === 'RawData') return data;
  const bus = `MNS-${source.functionName}-${source.triggerName}`;
  return {
    id: randomUUID(),
    source: bus,
    specversion: '1.0',
    type: 'mns:Queue:SendMessage',
    datacontenttype: 'application/json; charset=utf-8',
    subject: `acs:mns:${source.region}:${source.accountId}:queues/${source.queueName}`,
    time: iso(message.enqueueTime),
    aliyunaccountid: source.accountId,
    aliyunpublishtime: iso(now),
    aliyunoriginalaccountid: source.accountId,
    aliyuneventbusname: bus,
    aliyunregionid: source.region,
    aliyunpublishaddr: '127.0.0.1',
    data,
  };
}

/**
 * Splits a batch into invocation payloads: one object per message in event-driven mode; otherwise arrays
 * kept under the invocation body limit (a lone oversized event still goes alone).
 */
export function payloads(
  events: readonly Record<string, unknown>[],
  mode: 'event-streaming' | 'event-driven',
  maxBytes: number,
): { indexes: number[]; body: Buffer }[] {
  if (mode === 'event-driven') {
    return events.map((event, index) => ({ indexes: [index], body: Buffer.from(JSON.stringify(event)) }));
  }
  const out: { indexes: number[]; body: Buffer }[] = [];
  let current: { indexes: number[]; parts: string[]; bytes: number } = { indexes: [], parts: [], bytes: 2 };
  const flush = () => {
    if (current.indexes.length === 0) return;
    out.push({ indexes: current.indexes, body: Buffer.from(`[${current.parts.join(',')}]`) });
    current = { indexes: [], parts: [], bytes: 2 };
  };
  events.forEach((event, index) => {
    const text = JSON.stringify(event);
    const size = Buffer.byteLength(text) + 1;
    if (current.bytes + size > maxBytes) flush();
    current.indexes.push(index);
    current.parts.push(text);
    current.bytes += size;
  });
  flush();
  return out;
}
