import { createHash } from 'node:crypto';
import { mnsErrors } from './errors.js';
import { newMessageId } from './ids.js';
import { type HeapNode, IndexedHeap } from './indexed-heap.js';
import { integerArgument } from './integer-argument.js';
import type { QueueAttributes } from './queue-attributes.js';
import { isReceiptHandle, newReceiptHandle } from './receipt-handle.js';

export type MessageState = 'delayed' | 'visible' | 'inFlight';

export interface SendInput {
  body: string;
  delaySeconds?: number;
  priority?: number;
}

export interface SendResult {
  messageId: string;
  messageBodyMd5: string;
}

/** A message as Peek shows it; times are Unix milliseconds. */
export interface PeekedMessage {
  messageId: string;
  body: string;
  messageBodyMd5: string;
  enqueueTime: number;
  /** Equals `enqueueTime` until the first receive, as MNS reports it. */
  firstDequeueTime: number;
  dequeueCount: number;
  priority: number;
}

export interface ReceivedMessage extends PeekedMessage {
  receiptHandle: string;
  nextVisibleTime: number;
}

export interface QueueCounters {
  sent: number;
  received: number;
  deleted: number;
  deadLettered: number;
  expired: number;
}

export interface MessageSnapshot {
  messageId: string;
  body: string;
  /** The body base64-decoded when it is base64 of UTF-8 text (what Node producers send), else null. */
  decodedBody: string | null;
  messageBodyMd5: string;
  priority: number;
  enqueueTime: number;
  firstDequeueTime: number | null;
  /** When a delayed or in-flight message becomes visible; null for visible ones. */
  nextVisibleTime: number | null;
  dequeueCount: number;
  receiptHandle: string | null;
  /** The id the message had in the queue it was dead-lettered from. */
  originMessageId: string | null;
}

export interface QueueSnapshot {
  name: string;
  attributes: QueueAttributes;
  counters: QueueCounters;
  /** Grouped by state as of now; `visible` in delivery order. */
  messages: Record<MessageState, MessageSnapshot[]>;
}

interface StoredMessage {
  id: string;
  body: string;
  bodyMd5: string;
  priority: number;
  enqueueTime: number;
  firstDequeueTime: number | undefined;
  dequeueCount: number;
  state: MessageState;
  /** When a delayed or in-flight message becomes visible. */
  visibleAt: number;
  expiresAt: number;
  receiptHandle: string | undefined;
  /** Send order, the tie-breaker after priority and enqueue time. */
  sequence: number;
  originMessageId: string | undefined;
  visibleNode: HeapNode<StoredMessage> | undefined;
  timelineNode: HeapNode<StoredMessage> | undefined;
}

const DEFAULT_PRIORITY = 8;

/** Delivery order: priority 1 first, then oldest first (best effort, as in MNS). */
function deliveredBefore(a: StoredMessage, b: StoredMessage): boolean {
  if (a.priority !== b.priority) return a.priority < b.priority;
  if (a.enqueueTime !== b.enqueueTime) return a.enqueueTime < b.enqueueTime;
  return a.sequence < b.sequence;
}

/** The next instant something happens to a message: it becomes visible or its retention ends. */
function dueAt(message: StoredMessage): number {
  return message.state === 'visible' ? message.expiresAt : Math.min(message.visibleAt, message.expiresAt);
}

export function md5Hex(body: string): string {
  return createHash('md5').update(body, 'utf8').digest('hex').toUpperCase();
}

/**
 * One queue's messages as a state machine driven by an explicit `now` (Unix ms), so that every
 * transition can be tested on a fake clock. Time-based transitions happen in `settle(now)`, which
 * every operation runs first; `nextDueAt()` tells the owner when to call it next.
 */
export class MnsQueue {
  readonly counters: QueueCounters = { sent: 0, received: 0, deleted: 0, deadLettered: 0, expired: 0 };
  lastModifyTime: number;
  #attributes: QueueAttributes;
  #sequence = 0;
  readonly #messages = new Map<string, StoredMessage>();
  readonly #byReceiptHandle = new Map<string, StoredMessage>();
  readonly #visible = new IndexedHeap<StoredMessage>(deliveredBefore);
  readonly #timeline = new IndexedHeap<StoredMessage>((a, b) => dueAt(a) < dueAt(b));
  readonly #stateCounts: Record<MessageState, number> = { delayed: 0, visible: 0, inFlight: 0 };

  constructor(
    readonly name: string,
    attributes: QueueAttributes,
    readonly createTime: number,
  ) {
    this.#attributes = attributes;
    this.lastModifyTime = createTime;
  }

  get attributes(): QueueAttributes {
    return this.#attributes;
  }

  /** Active (visible), inactive (in flight) and delayed message counts, as GetQueueAttributes reports. */
  get stateCounts(): Readonly<Record<MessageState, number>> {
    return this.#stateCounts;
  }

  setAttributes(attributes: QueueAttributes, now: number): void {
    const retentionChanged = attributes.messageRetentionPeriod !== this.#attributes.messageRetentionPeriod;
    this.#attributes = attributes;
    this.lastModifyTime = now;
    if (!retentionChanged) return;
    for (const message of this.#messages.values()) {
      message.expiresAt = message.enqueueTime + attributes.messageRetentionPeriod * 1000;
      this.#timeline.update(message.timelineNode!);
    }
  }

  nextDueAt(): number | undefined {
    const next = this.#timeline.peek();
    return next && dueAt(next);
  }

  /** Applies every transition due by `now`; true when a message became visible. */
  settle(now: number): boolean {
    let released = false;
    for (let next = this.#timeline.peek(); next && dueAt(next) <= now; next = this.#timeline.peek()) {
      if (next.expiresAt <= now) {
        this.#remove(next);
        this.counters.expired += 1;
      } else {
        this.#setState(next, 'visible');
        released = true;
      }
    }
    return released;
  }

  /** Validates and enqueues one message; throws `InvalidArgument` for a bad size, delay or priority. */
  send(input: SendInput, now: number): SendResult {
    const size = Buffer.byteLength(input.body, 'utf8');
    if (size > this.#attributes.maximumMessageSize) {
      throw mnsErrors.invalidArgument(
        `The length of MessageBody (${size} bytes) should not exceed the queue's MaximumMessageSize (${this.#attributes.maximumMessageSize} bytes).`,
      );
    }
    const delaySeconds = integerArgument(
      String(input.delaySeconds ?? this.#attributes.delaySeconds),
      'DelaySeconds',
      0,
      604_800,
      ' seconds',
    );
    const priority = integerArgument(String(input.priority ?? DEFAULT_PRIORITY), 'Priority', 1, 16);
    const message = this.#store({
      id: newMessageId(),
      body: input.body,
      bodyMd5: md5Hex(input.body),
      priority,
      enqueueTime: now,
      originMessageId: undefined,
    });
    message.visibleAt = now + delaySeconds * 1000;
    this.#setState(message, delaySeconds > 0 ? 'delayed' : 'visible');
    this.counters.sent += 1;
    return { messageId: message.id, messageBodyMd5: message.bodyMd5 };
  }

  /**
   * Receives up to `max` visible messages, making each invisible for VisibilityTimeout under a new
   * receipt handle. With a dead-letter policy and its target, a message already received
   * `maxReceiveCount` times moves there instead of being delivered.
   */
  receive(max: number, now: number, deadLetterTarget?: MnsQueue): ReceivedMessage[] {
    this.settle(now);
    const policy = this.#attributes.deadLetterPolicy;
    const received: ReceivedMessage[] = [];
    while (received.length < max) {
      const message = this.#visible.peek();
      if (!message) break;
      if (policy && deadLetterTarget && message.dequeueCount >= policy.maxReceiveCount) {
        this.#remove(message);
        this.counters.deadLettered += 1;
        deadLetterTarget.#acceptDeadLetter(message, now);
        continue;
      }
      message.dequeueCount += 1;
      message.firstDequeueTime ??= now;
      message.visibleAt = now + this.#attributes.visibilityTimeout * 1000;
      this.#setState(message, 'inFlight');
      this.#issueReceiptHandle(message);
      this.counters.received += 1;
      received.push(this.#received(message));
    }
    return received;
  }

  /** Up to `max` visible messages in delivery order, without changing anything. */
  peek(max: number, now: number): PeekedMessage[] {
    this.settle(now);
    // Take the first `max` off the heap and put them back: O(max log n) rather than sorting the queue.
    const first: StoredMessage[] = [];
    while (first.length < max) {
      const message = this.#visible.pop();
      if (!message) break;
      first.push(message);
    }
    for (const message of first) message.visibleNode = this.#visible.push(message);
    return first.map((message) => this.#peeked(message));
  }

  delete(receiptHandle: string, now: number): void {
    this.#remove(this.#inFlight(receiptHandle, now));
    this.counters.deleted += 1;
  }

  /** Makes an in-flight message invisible for `seconds` from now, under a new receipt handle. */
  changeVisibility(
    receiptHandle: string,
    seconds: number,
    now: number,
  ): { receiptHandle: string; nextVisibleTime: number } {
    const message = this.#inFlight(receiptHandle, now);
    message.visibleAt = now + seconds * 1000;
    this.#timeline.update(message.timelineNode!);
    return { receiptHandle: this.#issueReceiptHandle(message), nextVisibleTime: message.visibleAt };
  }

  /** Drops every message and handle (the queue is being deleted). */
  clear(): void {
    for (const message of [...this.#messages.values()]) this.#remove(message);
  }

  /** The queue as of `now` without applying any transition, so inspecting never changes behaviour. */
  snapshot(now: number): QueueSnapshot {
    const messages: Record<MessageState, MessageSnapshot[]> = { visible: [], inFlight: [], delayed: [] };
    const live = [...this.#messages.values()].filter((message) => message.expiresAt > now);
    live.sort((a, b) => (deliveredBefore(a, b) ? -1 : deliveredBefore(b, a) ? 1 : 0));
    for (const message of live) {
      const state = message.state !== 'visible' && message.visibleAt <= now ? 'visible' : message.state;
      messages[state].push(snapshotOf(message, state));
    }
    return {
      name: this.name,
      attributes: { ...this.#attributes },
      counters: { ...this.counters },
      messages,
    };
  }

  #acceptDeadLetter(source: StoredMessage, now: number): void {
    // Retention is not reset by the move (reference/mns.md §1.8), so the enqueue time is kept.
    const message = this.#store({ ...source, id: newMessageId(), originMessageId: source.id });
    message.visibleAt = now;
    this.#setState(message, 'visible');
    this.counters.sent += 1;
  }

  #store(
    fields: Pick<StoredMessage, 'id' | 'body' | 'bodyMd5' | 'priority' | 'enqueueTime' | 'originMessageId'>,
  ) {
    this.#sequence += 1;
    const message: StoredMessage = {
      id: fields.id,
      body: fields.body,
      bodyMd5: fields.bodyMd5,
      priority: fields.priority,
      enqueueTime: fields.enqueueTime,
      originMessageId: fields.originMessageId,
      firstDequeueTime: undefined,
      dequeueCount: 0,
      state: 'delayed',
      visibleAt: fields.enqueueTime,
      expiresAt: fields.enqueueTime + this.#attributes.messageRetentionPeriod * 1000,
      receiptHandle: undefined,
      sequence: this.#sequence,
      visibleNode: undefined,
      timelineNode: undefined,
    };
    this.#messages.set(message.id, message);
    this.#stateCounts.delayed += 1;
    message.timelineNode = this.#timeline.push(message);
    return message;
  }

  /** Every state change goes through here, so a receipt handle never outlives the state it was issued in. */
  #setState(message: StoredMessage, state: MessageState): void {
    this.#revokeReceiptHandle(message);
    this.#stateCounts[message.state] -= 1;
    this.#stateCounts[state] += 1;
    message.state = state;
    if (state === 'visible') message.visibleNode ??= this.#visible.push(message);
    else if (message.visibleNode) {
      this.#visible.remove(message.visibleNode);
      message.visibleNode = undefined;
    }
    this.#timeline.update(message.timelineNode!);
  }

  #remove(message: StoredMessage): void {
    this.#revokeReceiptHandle(message);
    this.#stateCounts[message.state] -= 1;
    if (message.visibleNode) this.#visible.remove(message.visibleNode);
    this.#timeline.remove(message.timelineNode!);
    this.#messages.delete(message.id);
  }

  #issueReceiptHandle(message: StoredMessage): string {
    this.#revokeReceiptHandle(message);
    const handle = newReceiptHandle();
    message.receiptHandle = handle;
    this.#byReceiptHandle.set(handle, message);
    return handle;
  }

  #revokeReceiptHandle(message: StoredMessage): void {
    if (message.receiptHandle === undefined) return;
    this.#byReceiptHandle.delete(message.receiptHandle);
    message.receiptHandle = undefined;
  }

  /** The in-flight message a handle currently designates: malformed → 400, stale or expired → 404. */
  #inFlight(receiptHandle: string, now: number): StoredMessage {
    if (!isReceiptHandle(receiptHandle)) throw mnsErrors.receiptHandleError();
    this.settle(now);
    const message = this.#byReceiptHandle.get(receiptHandle);
    if (!message) throw mnsErrors.messageNotExist();
    return message;
  }

  #peeked(message: StoredMessage): PeekedMessage {
    return {
      messageId: message.id,
      body: message.body,
      messageBodyMd5: message.bodyMd5,
      enqueueTime: message.enqueueTime,
      firstDequeueTime: message.firstDequeueTime ?? message.enqueueTime,
      dequeueCount: message.dequeueCount,
      priority: message.priority,
    };
  }

  #received(message: StoredMessage): ReceivedMessage {
    return {
      ...this.#peeked(message),
      receiptHandle: message.receiptHandle!,
      nextVisibleTime: message.visibleAt,
    };
  }
}

function snapshotOf(message: StoredMessage, state: MessageState): MessageSnapshot {
  return {
    messageId: message.id,
    body: message.body,
    decodedBody: decodeBase64Text(message.body),
    messageBodyMd5: message.bodyMd5,
    priority: message.priority,
    enqueueTime: message.enqueueTime,
    firstDequeueTime: message.firstDequeueTime ?? null,
    nextVisibleTime: state === 'visible' ? null : message.visibleAt,
    dequeueCount: message.dequeueCount,
    receiptHandle: state === 'inFlight' ? (message.receiptHandle ?? null) : null,
    originMessageId: message.originMessageId ?? null,
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeBase64Text(body: string): string | null {
  if (body === '' || body.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return null;
  try {
    return utf8.decode(Buffer.from(body, 'base64'));
  } catch {
    return null;
  }
}
