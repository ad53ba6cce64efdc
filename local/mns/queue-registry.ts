import { mnsErrors } from './errors.js';
import { type HeapNode, IndexedHeap } from './indexed-heap.js';
import {
  MnsQueue,
  type PeekedMessage,
  type QueueCounters,
  type QueueSnapshot,
  type ReceivedMessage,
  type SendInput,
  type SendResult,
} from './queue.js';
import {
  type QueueAttributes,
  type QueueAttributesInput,
  resolveQueueAttributes,
  sameQueueAttributes,
} from './queue-attributes.js';

/** GetQueueAttributes: the settable attributes plus read-only ones (times in Unix seconds). */
export interface QueueAttributeView extends QueueAttributes {
  queueName: string;
  createTime: number;
  lastModifyTime: number;
  activeMessages: number;
  inactiveMessages: number;
  delayMessages: number;
}

export interface QueueSummary {
  name: string;
  counters: QueueCounters;
  messages: { visible: number; inFlight: number; delayed: number };
}

interface Waiter {
  entry: QueueEntry;
  max: number;
  deadline: number;
  resolve: (messages: ReceivedMessage[]) => void;
  node: HeapNode<Waiter> | undefined;
  detach: () => void;
}

interface QueueEntry {
  queue: MnsQueue;
  /** Long polls in arrival order; never non-empty while the queue has visible messages. */
  waiters: Set<Waiter>;
}

const QUEUE_NAME = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
const MAX_QUEUE_NAME_LENGTH = 120;
// setTimeout cannot wait longer than this.
const MAX_TIMER_DELAY = 2 ** 31 - 1;

export function assertQueueName(name: string): void {
  if (name.length === 0 || name.length > MAX_QUEUE_NAME_LENGTH) throw mnsErrors.queueNameLengthError();
  if (!QUEUE_NAME.test(name)) throw mnsErrors.invalidQueueName();
}

/**
 * The account's queues and everything time-driven around them: long polls wait in per-queue lists and
 * are answered as soon as a message becomes visible; one timer is armed for the next due instant
 * (a delayed or in-flight message becoming visible, a retention end, a long-poll deadline). All times
 * come from `now`; with a fake clock, move it and call `tick()`.
 */
export class QueueRegistry {
  readonly #now: () => number;
  readonly #entries = new Map<string, QueueEntry>();
  readonly #deadlines = new IndexedHeap<Waiter>((a, b) => a.deadline < b.deadline);
  #timer: NodeJS.Timeout | undefined;
  #timerDueAt = Number.POSITIVE_INFINITY;
  #closed = false;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** CreateQueue: `'created'`, or `'unchanged'` when it exists with the same attributes; else `QueueAlreadyExist`. */
  create(name: string, attributes: QueueAttributesInput = {}): 'created' | 'unchanged' {
    assertQueueName(name);
    const resolved = this.#resolve(name, attributes);
    const existing = this.#entries.get(name);
    if (existing) {
      if (sameQueueAttributes(existing.queue.attributes, resolved)) return 'unchanged';
      throw mnsErrors.queueAlreadyExist();
    }
    this.#entries.set(name, { queue: new MnsQueue(name, resolved, this.#now()), waiters: new Set() });
    return 'created';
  }

  setAttributes(name: string, attributes: QueueAttributesInput): void {
    const { queue } = this.#entry(name);
    queue.setAttributes(this.#resolve(name, attributes, queue.attributes), this.#now());
    this.#reschedule();
  }

  attributes(name: string): QueueAttributeView {
    const { queue } = this.#entry(name);
    return {
      ...queue.attributes,
      queueName: queue.name,
      createTime: Math.floor(queue.createTime / 1000),
      lastModifyTime: Math.floor(queue.lastModifyTime / 1000),
      activeMessages: queue.stateCounts.visible,
      inactiveMessages: queue.stateCounts.inFlight,
      delayMessages: queue.stateCounts.delayed,
    };
  }

  delete(name: string): void {
    const entry = this.#entry(name);
    for (const waiter of entry.waiters) this.#finish(waiter, []);
    entry.queue.clear();
    this.#entries.delete(name);
    this.#reschedule();
  }

  /** Queue names in lexicographic order. */
  names(): string[] {
    return [...this.#entries.keys()].sort();
  }

  /** Every queue with counters and message counts as of now; changes nothing. */
  list(): QueueSummary[] {
    return this.names().map((name) => {
      const { name: queueName, counters, messages } = this.inspect(name);
      return {
        name: queueName,
        counters,
        messages: {
          visible: messages.visible.length,
          inFlight: messages.inFlight.length,
          delayed: messages.delayed.length,
        },
      };
    });
  }

  /** How many long polls this queue holds open right now (tests wait for one before moving a fake clock). */
  waitingReceives(name: string): number {
    return this.#entry(name).waiters.size;
  }

  /** One queue's messages grouped by state as of now; changes nothing. */
  inspect(name: string): QueueSnapshot {
    assertQueueName(name);
    const entry = this.#entries.get(name);
    if (!entry) throw mnsErrors.queueNotExist();
    return entry.queue.snapshot(this.#now());
  }

  send(name: string, input: SendInput): SendResult {
    const entry = this.#entry(name);
    const result = entry.queue.send(input, this.#now());
    this.#dispatch(entry);
    this.#reschedule();
    return result;
  }

  /**
   * Receives up to `max` messages, holding the call up to `waitSeconds` (default: the queue's
   * PollingWaitSeconds) until one is visible. Resolves an empty array when none came (the caller answers
   * `MessageNotExist`) or when `signal` aborts (the client went away, so nothing is taken on its behalf).
   */
  async receive(
    name: string,
    max: number,
    waitSeconds?: number,
    signal?: AbortSignal,
  ): Promise<ReceivedMessage[]> {
    const entry = this.#entry(name);
    const wait = waitSeconds ?? entry.queue.attributes.pollingWaitSeconds;
    const messages = this.#receiveNow(entry, max);
    if (messages.length > 0 || wait <= 0 || this.#closed || signal?.aborted) {
      this.#reschedule();
      return messages;
    }
    return new Promise((resolve) => {
      const onAbort = () => this.#finish(waiter, []);
      const waiter: Waiter = {
        entry,
        max,
        deadline: this.#now() + wait * 1000,
        resolve,
        node: undefined,
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      entry.waiters.add(waiter);
      waiter.node = this.#deadlines.push(waiter);
      this.#reschedule();
    });
  }

  peek(name: string, max: number): PeekedMessage[] {
    return this.#entry(name).queue.peek(max, this.#now());
  }

  deleteMessage(name: string, receiptHandle: string): void {
    this.#entry(name).queue.delete(receiptHandle, this.#now());
    this.#reschedule();
  }

  changeVisibility(
    name: string,
    receiptHandle: string,
    seconds: number,
  ): { receiptHandle: string; nextVisibleTime: number } {
    const result = this.#entry(name).queue.changeVisibility(receiptHandle, seconds, this.#now());
    this.#reschedule();
    return result;
  }

  /** Applies everything due by `now()`: releases delayed and expired in-flight messages, answers long polls. */
  tick(): void {
    for (const entry of this.#entries.values()) this.#settle(entry);
    const now = this.#now();
    for (
      let waiter = this.#deadlines.peek();
      waiter && waiter.deadline <= now;
      waiter = this.#deadlines.peek()
    ) {
      this.#finish(waiter, []);
    }
    this.#reschedule();
  }

  /** Answers every pending long poll with no message and stops the timer. */
  close(): void {
    this.#closed = true;
    for (let waiter = this.#deadlines.peek(); waiter; waiter = this.#deadlines.peek())
      this.#finish(waiter, []);
    clearTimeout(this.#timer);
    this.#timerDueAt = Number.POSITIVE_INFINITY;
  }

  #resolve(name: string, input: QueueAttributesInput, base?: QueueAttributes): QueueAttributes {
    const resolved = resolveQueueAttributes(input, base);
    const target = resolved.deadLetterPolicy?.deadLetterTargetQueue;
    if (target !== undefined) {
      assertQueueName(target);
      if (target === name) throw mnsErrors.invalidArgument('A queue cannot be its own dead-letter queue.');
    }
    return resolved;
  }

  /** The queue for an operation, brought up to date first. */
  #entry(name: string): QueueEntry {
    assertQueueName(name);
    const entry = this.#entries.get(name);
    if (!entry) throw mnsErrors.queueNotExist();
    this.#settle(entry);
    return entry;
  }

  #settle(entry: QueueEntry): void {
    if (entry.queue.settle(this.#now())) this.#dispatch(entry);
  }

  #receiveNow(entry: QueueEntry, max: number): ReceivedMessage[] {
    const policy = entry.queue.attributes.deadLetterPolicy;
    const target = policy && this.#entries.get(policy.deadLetterTargetQueue);
    const deadLettered = entry.queue.counters.deadLettered;
    const messages = entry.queue.receive(max, this.#now(), target?.queue);
    if (target && entry.queue.counters.deadLettered > deadLettered) this.#dispatch(target);
    return messages;
  }

  /** Hands visible messages to waiting long polls, oldest poll first. */
  #dispatch(entry: QueueEntry): void {
    for (const waiter of entry.waiters) {
      if (entry.queue.stateCounts.visible === 0) return;
      const messages = this.#receiveNow(entry, waiter.max);
      // Empty when every visible message was dead-lettered instead; the waiter keeps waiting.
      if (messages.length > 0) this.#finish(waiter, messages);
    }
  }

  #finish(waiter: Waiter, messages: ReceivedMessage[]): void {
    if (!waiter.entry.waiters.delete(waiter)) return;
    if (waiter.node) this.#deadlines.remove(waiter.node);
    waiter.detach();
    waiter.resolve(messages);
  }

  #reschedule(): void {
    if (this.#closed) return;
    let next = this.#deadlines.peek()?.deadline ?? Number.POSITIVE_INFINITY;
    for (const { queue } of this.#entries.values()) next = Math.min(next, queue.nextDueAt() ?? next);
    if (next === this.#timerDueAt) return;
    clearTimeout(this.#timer);
    this.#timerDueAt = next;
    if (next === Number.POSITIVE_INFINITY) return;
    const delay = Math.min(Math.max(0, next - this.#now()), MAX_TIMER_DELAY);
    this.#timer = setTimeout(() => {
      this.#timerDueAt = Number.POSITIVE_INFINITY;
      this.tick();
    }, delay);
    // The HTTP server keeps the process alive while it serves; the timer alone should not.
    this.#timer.unref();
  }
}
