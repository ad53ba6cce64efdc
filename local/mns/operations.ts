import type { IncomingHttpHeaders } from 'node:http';
import { MnsError, mnsErrors } from './errors.js';
import { integerArgument } from './integer-argument.js';
import type { SendInput } from './queue.js';
import { queueAttributesFromXml } from './queue-attributes.js';
import type { QueueRegistry } from './queue-registry.js';
import {
  type BatchDeleteFailure,
  type BatchSendItem,
  batchDeleteErrorsXml,
  batchSendXml,
  changeVisibilityXml,
  messagesXml,
  queueListXml,
  queueXml,
  sendResultXml,
} from './responses.js';
import { childText, parseXml, type XmlElement } from './xml.js';

export interface OperationRequest {
  method: string;
  /** Raw path, without the query. */
  path: string;
  /** From `parseQuery`: lower-cased keys. */
  query: ReadonlyMap<string, string>;
  headers: IncomingHttpHeaders;
  body: string;
  /** Aborts when the client disconnects, so a held long poll gives up without taking messages. */
  signal: AbortSignal;
}

export interface OperationResult {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

export const MAX_BATCH_MESSAGES = 16;
export const MAX_BATCH_BODY_BYTES = 64 * 1024;
const MAX_LIST_RESULTS = 1000;

const ROUTE = /^\/queues(?:\/([^/]+)(\/messages)?)?$/;

/**
 * Runs one authenticated queue operation (reference/mns.md §1.3). `baseUrl` is the service URL, used
 * for `Location` and `QueueURL`.
 */
export async function performOperation(
  request: OperationRequest,
  registry: QueueRegistry,
  baseUrl: string,
): Promise<OperationResult> {
  const { method, path } = request;
  const route = ROUTE.exec(path);
  const queue = route?.[1];
  if (route && queue === undefined && method === 'GET') return listQueues(request, registry, baseUrl);
  if (route && queue !== undefined && route[2] === undefined) {
    if (method === 'PUT') return putQueue(request, registry, queue, baseUrl);
    if (method === 'GET') return { status: 200, body: queueXml(registry.attributes(queue)) };
    if (method === 'DELETE') {
      registry.delete(queue);
      return { status: 204 };
    }
  }
  if (route && queue !== undefined && route[2] !== undefined) {
    if (method === 'POST') return sendMessages(request, registry, queue);
    if (method === 'GET') return receiveMessages(request, registry, queue);
    if (method === 'DELETE') return deleteMessages(request, registry, queue);
    if (method === 'PUT') return changeVisibility(request, registry, queue);
  }
  throw mnsErrors.invalidRequestUrl(method, path);
}

function header(request: OperationRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function rootElement(body: string, ...names: string[]): XmlElement {
  const root = parseXml(body);
  if (!names.includes(root.name)) {
    throw mnsErrors.invalidArgument(
      `The root element should be ${names.map((name) => `<${name}>`).join(' or ')}.`,
    );
  }
  return root;
}

function listQueues(request: OperationRequest, registry: QueueRegistry, baseUrl: string): OperationResult {
  const marker = header(request, 'x-mns-marker') ?? '';
  const prefix = header(request, 'x-mns-prefix') ?? '';
  const retNumber = header(request, 'x-mns-ret-number');
  const limit =
    retNumber === undefined
      ? MAX_LIST_RESULTS
      : integerArgument(retNumber, 'x-mns-ret-number', 1, MAX_LIST_RESULTS);
  const withMeta = header(request, 'x-mns-with-meta')?.toLowerCase() === 'true';
  // The marker is the first name of the next page, as returned in NextMarker.
  const names = registry.names().filter((name) => name.startsWith(prefix) && name >= marker);
  const page = names.slice(0, limit).map((name) => ({
    url: `${baseUrl}/queues/${name}`,
    ...(withMeta ? { view: registry.attributes(name) } : {}),
  }));
  return { status: 200, body: queueListXml(page, names[limit]) };
}

function putQueue(
  request: OperationRequest,
  registry: QueueRegistry,
  queue: string,
  baseUrl: string,
): OperationResult {
  const attributes =
    request.body.trim() === '' ? {} : queueAttributesFromXml(rootElement(request.body, 'Queue'));
  if (request.query.get('metaoverride')?.toLowerCase() === 'true') {
    registry.setAttributes(queue, attributes);
    return { status: 204 };
  }
  return registry.create(queue, attributes) === 'created'
    ? { status: 201, headers: { location: `${baseUrl}/queues/${queue}` } }
    : { status: 204 };
}

/** Shape only; ranges are the queue's to check. */
function optionalInteger(element: XmlElement, name: string): number | undefined {
  const text = childText(element, name);
  if (text === undefined) return undefined;
  if (!/^\s*-?\d+\s*$/.test(text))
    throw mnsErrors.invalidArgument(`The value of ${name} should be an integer.`);
  return Number(text);
}

function sendInput(message: XmlElement): SendInput {
  const body = childText(message, 'MessageBody');
  if (body === undefined) throw mnsErrors.invalidArgument('The MessageBody element is required.');
  return {
    body,
    delaySeconds: optionalInteger(message, 'DelaySeconds'),
    priority: optionalInteger(message, 'Priority'),
  };
}

function sendMessages(request: OperationRequest, registry: QueueRegistry, queue: string): OperationResult {
  const root = rootElement(request.body, 'Message', 'Messages');
  if (root.name === 'Message')
    return { status: 201, body: sendResultXml(registry.send(queue, sendInput(root))) };

  const messages = root.children.filter((child) => child.name === 'Message');
  if (messages.length === 0 || messages.length > MAX_BATCH_MESSAGES) {
    throw mnsErrors.invalidArgument(
      `The count of messages in a batch should between 1 and ${MAX_BATCH_MESSAGES}.`,
    );
  }
  const totalBytes = messages.reduce(
    (sum, message) => sum + Buffer.byteLength(childText(message, 'MessageBody') ?? '', 'utf8'),
    0,
  );
  if (totalBytes > MAX_BATCH_BODY_BYTES) {
    throw mnsErrors.invalidArgument(
      `The total size of MessageBody in a batch (${totalBytes} bytes) should not exceed ${MAX_BATCH_BODY_BYTES} bytes.`,
    );
  }
  const items = messages.map((message): BatchSendItem => {
    try {
      return registry.send(queue, sendInput(message));
    } catch (error) {
      if (!(error instanceof MnsError) || error.code === 'QueueNotExist') throw error;
      return { errorCode: error.code, errorMessage: error.message };
    }
  });
  // Per-item failures: the status MNS uses is UNCERTAIN; the SDK only looks at the body.
  const failed = items.some((item) => 'errorCode' in item);
  return { status: failed ? 400 : 201, body: batchSendXml(items) };
}

async function receiveMessages(
  request: OperationRequest,
  registry: QueueRegistry,
  queue: string,
): Promise<OperationResult> {
  const count = request.query.get('numofmessages');
  const batch = count !== undefined;
  const max = batch ? integerArgument(count, 'numOfMessages', 1, MAX_BATCH_MESSAGES) : 1;
  if (request.query.get('peekonly')?.toLowerCase() === 'true') {
    const peeked = registry.peek(queue, max);
    if (peeked.length === 0) throw mnsErrors.messageNotExist();
    return { status: 200, body: messagesXml(peeked, batch) };
  }
  const wait = request.query.get('waitseconds');
  const waitSeconds =
    wait === undefined ? undefined : integerArgument(wait, 'waitseconds', 0, 30, ' seconds');
  const received = await registry.receive(queue, max, waitSeconds, request.signal);
  if (received.length === 0) throw mnsErrors.messageNotExist();
  return { status: 200, body: messagesXml(received, batch) };
}

function deleteMessages(request: OperationRequest, registry: QueueRegistry, queue: string): OperationResult {
  const handle = request.query.get('receipthandle');
  if (handle) {
    registry.deleteMessage(queue, handle);
    return { status: 204 };
  }
  if (request.body.trim() === '') throw mnsErrors.missingReceiptHandle();
  const handles = rootElement(request.body, 'ReceiptHandles')
    .children.filter((child) => child.name === 'ReceiptHandle')
    .map((child) => child.text.trim());
  if (handles.length === 0 || handles.length > MAX_BATCH_MESSAGES) {
    throw mnsErrors.invalidArgument(
      `The count of receipt handles should between 1 and ${MAX_BATCH_MESSAGES}.`,
    );
  }
  const failures: BatchDeleteFailure[] = [];
  for (const receiptHandle of handles) {
    try {
      registry.deleteMessage(queue, receiptHandle);
    } catch (error) {
      if (!(error instanceof MnsError) || error.code === 'QueueNotExist') throw error;
      failures.push({ errorCode: error.code, errorMessage: error.message, receiptHandle });
    }
  }
  // 204 only when every handle was deleted; the partial-failure status is UNCERTAIN (404 chosen).
  return failures.length === 0 ? { status: 204 } : { status: 404, body: batchDeleteErrorsXml(failures) };
}

function changeVisibility(
  request: OperationRequest,
  registry: QueueRegistry,
  queue: string,
): OperationResult {
  const handle = request.query.get('receipthandle');
  if (!handle) throw mnsErrors.missingReceiptHandle();
  const timeout = request.query.get('visibilitytimeout');
  if (!timeout) throw mnsErrors.missingVisibilityTimeout();
  const seconds = integerArgument(timeout, 'VisibilityTimeout', 1, 43_200, ' seconds');
  return { status: 200, body: changeVisibilityXml(registry.changeVisibility(queue, handle, seconds)) };
}
