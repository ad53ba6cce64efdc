/**
 * EventBridge event → validated update commands. Nothing here throws: whatever cannot be read becomes an
 * invalid item (a dead letter), so one bad message never blocks its neighbours.
 */
import { MAX_COMMANDS_PER_MESSAGE, UpdateCommand } from '../../shared/commands.js';
import type { Issue } from '../../shared/errors.js';
import { eventText, MnsCloudEvent } from '../../shared/fc/events.js';
import { decodeBody } from '../../shared/mns/index.js';
import { issuesFromZod } from '../../shared/validation.js';

export interface ReceivedCommand {
  command: UpdateCommand;
  /** The item exactly as it arrived, for dead letters. */
  original: unknown;
  messageId: string;
  /** Delivery position in the invocation: message order, then position inside the message. */
  seq: number;
  /** Epoch ms that orders a job's commands: `sentAt`, else the event time; -Infinity when neither. */
  orderTime: number;
}

export interface InvalidItem {
  original: unknown;
  messageId: string | null;
  message: string;
  issues: Issue[];
  attempts: number;
}

export interface ParsedBatch {
  /** Messages (CloudEvents) in the event. */
  received: number;
  commands: ReceivedCommand[];
  invalid: InvalidItem[];
  /** Messages and commands skipped because their messageId or idempotencyKey was already seen. */
  duplicates: number;
}

type Json = { ok: true; value: unknown } | { ok: false };

function parseJson(text: string): Json {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The body as sent: JSON, or (trigger with IsBase64Decode off) base64 of JSON. */
function parseBody(body: string): Json {
  const direct = parseJson(body);
  if (direct.ok && typeof direct.value === 'object' && direct.value !== null) return direct;
  const decoded = decodeBody(body);
  return decoded === body ? direct : parseJson(decoded);
}

/** A CloudEvent, or the bare `data` part that `eventSchema: RawData` delivers. */
function readEvent(element: unknown) {
  const event = MnsCloudEvent.safeParse(element);
  if (event.success) return { ok: true as const, data: event.data.data, time: event.data.time };
  const raw = MnsCloudEvent.shape.data.safeParse(element);
  if (raw.success && isObject(element) && !('data' in element)) return { ok: true as const, data: raw.data };
  return { ok: false as const, issues: issuesFromZod(event.error) };
}

function messageIdOf(element: unknown): string | null {
  if (!isObject(element)) return null;
  const data = element.data;
  if (isObject(data) && typeof data.messageId === 'string') return data.messageId;
  if (typeof element.messageId === 'string') return element.messageId;
  return typeof element.id === 'string' ? element.id : null;
}

/** An invalid command's own `attempt`, when it is a usable count (1e300 is not); else 1. */
const attemptsOf = (item: unknown) =>
  isObject(item) && Number.isSafeInteger(item.attempt) && (item.attempt as number) >= 1
    ? (item.attempt as number)
    : 1;

function timeOf(value: string | undefined): number | undefined {
  const ms = value === undefined ? Number.NaN : Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

export function parseBatch(event: unknown): ParsedBatch {
  const batch: ParsedBatch = { received: 0, commands: [], invalid: [], duplicates: 0 };
  const text = eventText(event);
  const parsed = parseJson(text);
  if (!parsed.ok || (!Array.isArray(parsed.value) && !isObject(parsed.value))) {
    batch.received = 1;
    batch.invalid.push({
      original: text,
      messageId: null,
      message: 'The event is not a CloudEvent or an array of CloudEvents',
      issues: [{ path: '', message: parsed.ok ? 'Expected an array or an object' : 'Not JSON' }],
      attempts: 1,
    });
    return batch;
  }

  const elements = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
  batch.received = elements.length;
  const seenMessages = new Set<string>();
  const seenKeys = new Set<string>();
  let seq = 0;

  for (const element of elements) {
    const cloudEvent = readEvent(element);
    if (!cloudEvent.ok) {
      batch.invalid.push({
        original: element,
        messageId: messageIdOf(element),
        message: 'The event is not an MNS CloudEvent',
        issues: cloudEvent.issues,
        attempts: 1,
      });
      continue;
    }
    const { messageId, messageBody } = cloudEvent.data;
    if (seenMessages.has(messageId)) {
      batch.duplicates++;
      continue;
    }
    seenMessages.add(messageId);

    const body = parseBody(messageBody);
    if (!body.ok) {
      batch.invalid.push({
        original: messageBody,
        messageId,
        message: 'The message body is not JSON (nor base64-encoded JSON)',
        issues: [{ path: '', message: 'Not JSON' }],
        attempts: 1,
      });
      continue;
    }
    if (
      Array.isArray(body.value) &&
      (body.value.length === 0 || body.value.length > MAX_COMMANDS_PER_MESSAGE)
    ) {
      batch.invalid.push({
        original: body.value,
        messageId,
        message: `A message holds one command or an array of 1 to ${MAX_COMMANDS_PER_MESSAGE}`,
        issues: [{ path: '', message: `Array of ${body.value.length} commands` }],
        attempts: 1,
      });
      continue;
    }

    const eventTime = timeOf(cloudEvent.time);
    for (const item of Array.isArray(body.value) ? body.value : [body.value]) {
      const result = UpdateCommand.safeParse(item);
      if (!result.success) {
        batch.invalid.push({
          original: item,
          messageId,
          message: 'Invalid update command',
          issues: issuesFromZod(result.error),
          attempts: attemptsOf(item),
        });
        continue;
      }
      const command = result.data;
      if (command.idempotencyKey !== undefined) {
        if (seenKeys.has(command.idempotencyKey)) {
          batch.duplicates++;
          continue;
        }
        seenKeys.add(command.idempotencyKey);
      }
      batch.commands.push({
        command,
        original: item,
        messageId,
        seq: seq++,
        orderTime: timeOf(command.sentAt) ?? eventTime ?? Number.NEGATIVE_INFINITY,
      });
    }
  }
  return batch;
}
