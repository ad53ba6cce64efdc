/**
 * Bad queue messages, mixed with valid neighbours, as EventBridge batches for the queue function. Each bad
 * item is built to end as exactly one dead letter, found again by its key (the MNS message ID, or the
 * CloudEvent `id` the function falls back to; null when the item carries neither): malformed JSON, wrong
 * types, unknown fields, empty updates, field rules, oversize, bad base64, bad CloudEvent shapes, whole
 * events that are not JSON, commands ICE refuses, and generated junk (fast-check). Valid neighbours each
 * set a unique description on a job of their own, so their effect can be checked in the ICE store.
 */
import fc from 'fast-check';
import { UpdateCommand } from '../../shared/commands.js';
import { mnsCloudEvent } from '../../test/helpers/fc.js';

export interface BadQueueItem {
  kind: string;
  name: string;
  /** The dead letter's `messageId`. */
  key: string | null;
  reason: 'invalid' | 'rejected';
}

export interface Neighbour {
  jobId: string;
  avatarDescription: string;
}

export interface QueuePlan {
  /** The invocations, in order: EventBridge batches (JSON arrays) and a few whole events. */
  events: Buffer[];
  bad: BadQueueItem[];
  neighbours: Neighbour[];
}

export interface QueuePlanOptions {
  /** Creates a job in ICE (Init) and returns its ID. */
  newJob: () => string;
  /** A job past Init, on which `transparent` is refused. */
  queuingJobId: string;
  generated: number;
  seed: number;
  /** CloudEvents per batch (default 30). */
  batchSize?: number;
}

type Shape = { kind: string; name: string; element: (key: string) => unknown; keyed?: boolean };

const J = 'a1b255d86f7f4587943ce7734d6b9c0d';
const json = (value: unknown) => JSON.stringify(value);
const b64 = (text: string) => Buffer.from(text).toString('base64');

/** Bodies that must each become one `invalid` dead letter. */
const BAD_BODIES: [kind: string, name: string, body: string][] = [
  ['malformed JSON', 'open brace', '{'],
  ['malformed JSON', 'cut after key', '{"jobId":'],
  ['malformed JSON', 'prose', 'please update job a1b2'],
  ['malformed JSON', 'empty body', ''],
  ['malformed JSON', 'blank body', '  '],
  ['malformed JSON', 'undefined', 'undefined'],
  ['malformed JSON', 'single quotes', "{'jobId':'a1','avatarName':'x'}"],
  ['malformed JSON', 'trailing comma', '{"jobId":"a1","avatarName":"x",}'],
  ['malformed JSON', 'NaN', 'NaN'],
  ['malformed JSON', 'trailing garbage', `${json({ jobId: J, avatarName: 'x' })} extra`],
  ['wrong types', 'jobId a number', json({ jobId: 5, avatarName: 'x' })],
  ['wrong types', 'avatarName a number', json({ jobId: J, avatarName: 5 })],
  ['wrong types', 'transparent a string', json({ jobId: J, transparent: 'yes' })],
  ['wrong types', 'avatarDescription an array', json({ jobId: J, avatarDescription: ['a'] })],
  ['wrong types', 'sentAt a number', json({ jobId: J, avatarName: 'x', sentAt: 1_700_000_000 })],
  ['wrong types', 'idempotencyKey an object', json({ jobId: J, avatarName: 'x', idempotencyKey: {} })],
  ['wrong types', 'attempt a string', json({ jobId: J, avatarName: 'x', attempt: '1' })],
  ['wrong types', 'attempt 0', json({ jobId: J, avatarName: 'x', attempt: 0 })],
  ['wrong types', 'attempt 1.5', json({ jobId: J, avatarName: 'x', attempt: 1.5 })],
  ['wrong types', 'portrait a number', json({ jobId: J, portrait: 123 })],
  ['wrong types', 'attempt beyond safe integers', json({ jobId: J, avatarName: 8, attempt: 1e300 })],
  ['unknown fields', 'extra field', json({ jobId: J, avatarName: 'x', foo: 1 })],
  ['unknown fields', 'PascalCase field', json({ jobId: J, AvatarName: 'x' })],
  ['unknown fields', 'wire JobId', json({ JobId: J, avatarName: 'x' })],
  ['unknown fields', '__proto__ key', `{"jobId":"${J}","avatarName":"x","__proto__":{"admin":true}}`],
  ['empty update', 'jobId only', json({ jobId: J })],
  ['empty update', 'jobId and sentAt', json({ jobId: J, sentAt: '2025-01-15T08:00:00Z' })],
  ['empty update', 'jobId and idempotencyKey', json({ jobId: J, idempotencyKey: 'k' })],
  ['empty update', 'empty object', '{}'],
  ['empty update', 'empty array', '[]'],
  ['empty update', 'null', 'null'],
  ['empty update', 'true', 'true'],
  ['empty update', 'number', '42'],
  ['empty update', 'string', '"update"'],
  ['field rules', 'avatarName of 8', json({ jobId: J, avatarName: 'ABCDEFGH' })],
  ['field rules', 'avatarName of 8 CJK', json({ jobId: J, avatarName: '小树小树小树小树' })],
  ['field rules', 'avatarDescription of 1001', json({ jobId: J, avatarDescription: 'd'.repeat(1_001) })],
  ['field rules', 'thumbnail not OSS', json({ jobId: J, thumbnail: 'https://evil.example.com/a.png' })],
  [
    'field rules',
    'thumbnail over http',
    json({ jobId: J, thumbnail: 'http://b-1.oss-cn-shanghai.aliyuncs.com/a' }),
  ],
  ['field rules', 'portrait of 31', json({ jobId: J, portrait: 'p'.repeat(31) })],
  ['field rules', 'video of 33', json({ jobId: J, video: 'v'.repeat(33) })],
  ['field rules', 'jobId with a space', json({ jobId: 'bad id', avatarName: 'x' })],
  ['field rules', 'jobId of 65', json({ jobId: 'j'.repeat(65), avatarName: 'x' })],
  ['field rules', 'sentAt not ISO', json({ jobId: J, avatarName: 'x', sentAt: 'yesterday' })],
  [
    'field rules',
    'idempotencyKey of 129',
    json({ jobId: J, avatarName: 'x', idempotencyKey: 'k'.repeat(129) }),
  ],
  ['oversize', '100 KB description', json({ jobId: J, avatarDescription: 'x'.repeat(100_000) })],
  [
    'oversize',
    '101 commands in one message',
    json(Array.from({ length: 101 }, () => ({ jobId: J, avatarName: 'x' }))),
  ],
  ['oversize', '70 KB of text', 'z'.repeat(70_000)],
  ['bad base64', 'cut base64 of JSON', 'eyJqb2JJZCI6'],
  ['bad base64', 'base64 of prose', b64('hello world')],
  ['bad base64', 'base64 of an invalid command', b64(json({ jobId: J }))],
  ['bad base64', 'base64 without padding', b64(json({ jobId: J, avatarName: 'x' })).replace(/=+$/, '')],
  ['bad base64', 'not base64 characters', '@@@@'],
  ['bad base64', 'base64 of base64', b64(b64(json({ jobId: J, avatarName: 'x' })))],
];

/** CloudEvent elements the function cannot read; `key` lands in `id` or `data.messageId`. */
const BAD_SHAPES: Shape[] = [
  { kind: 'bad CloudEvent shape', name: 'no data', element: (key) => ({ id: key }) },
  { kind: 'bad CloudEvent shape', name: 'data a string', element: (key) => ({ id: key, data: 'x' }) },
  {
    kind: 'bad CloudEvent shape',
    name: 'no messageId',
    element: (key) => ({ id: key, data: { messageBody: json({ jobId: J, avatarName: 'x' }) } }),
  },
  {
    kind: 'bad CloudEvent shape',
    name: 'messageId a number',
    element: (key) => ({ id: key, data: { messageId: 5, messageBody: '{}' } }),
  },
  {
    kind: 'bad CloudEvent shape',
    name: 'messageBody a number',
    element: (key) => ({ data: { messageId: key, messageBody: 5 } }),
  },
  {
    kind: 'bad CloudEvent shape',
    name: 'messageBody an object',
    element: (key) => ({ id: key, data: { messageId: key, messageBody: { jobId: J, avatarName: 'x' } } }),
  },
  {
    kind: 'bad CloudEvent shape',
    name: 'id a number',
    element: (key) => ({ id: 5, data: { messageId: key, messageBody: json({ jobId: J, avatarName: 'x' }) } }),
  },
  { kind: 'bad CloudEvent shape', name: 'null element', element: () => null, keyed: false },
  { kind: 'bad CloudEvent shape', name: 'number element', element: () => 42, keyed: false },
  { kind: 'bad CloudEvent shape', name: 'string element', element: () => 'mns message', keyed: false },
  { kind: 'bad CloudEvent shape', name: 'array element', element: () => [1, 2], keyed: false },
  { kind: 'bad CloudEvent shape', name: 'empty object element', element: () => ({}), keyed: false },
];

/** Whole invocations that are not a batch of CloudEvents: one keyless dead letter each. */
const BAD_EVENTS: [name: string, event: Buffer][] = [
  ['not JSON', Buffer.from('not json')],
  ['empty event', Buffer.alloc(0)],
  ['number', Buffer.from('42')],
  ['null', Buffer.from('null')],
  ['string', Buffer.from('"batch"')],
  ['binary', Buffer.from([0xff, 0xfe, 0x00, 0x01])],
];

const junkValue = fc.oneof(
  fc.string({ maxLength: 10 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.double(),
  fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }),
  fc.stringMatching(/^[A-Za-z0-9]{30,34}$/),
);
const junkCommand = fc
  .record({
    jobId: fc.oneof(fc.constant(J), fc.string({ maxLength: 70 }), fc.integer()),
    fields: fc.dictionary(
      fc.constantFrom(
        'avatarName',
        'avatarDescription',
        'thumbnail',
        'portrait',
        'video',
        'transparent',
        'sentAt',
        'idempotencyKey',
        'attempt',
        'extra',
      ),
      junkValue,
      { maxKeys: 4 },
    ),
  })
  .map(({ jobId, fields }) => ({ jobId, ...fields }))
  .filter((command) => !UpdateCommand.safeParse(command).success)
  .map((command) => ['generated: invalid command', json(command)] as const);
const notJson = (text: string) => {
  try {
    JSON.parse(text);
    return false;
  } catch {
    return true;
  }
};
const junkText = fc
  .string({ maxLength: 120 })
  .filter(notJson)
  .map((text) => ['generated: body not JSON', text] as const);

export function queuePlan(options: QueuePlanOptions): QueuePlan {
  const bad: BadQueueItem[] = [];
  const neighbours: Neighbour[] = [];
  const elements: unknown[] = [];
  let n = 0;
  const nextKey = () => `harden-${String(++n).padStart(4, '0')}`;
  const neighbour = (): Neighbour => {
    const next = { jobId: options.newJob(), avatarDescription: `neighbour ${neighbours.length + 1}` };
    neighbours.push(next);
    return next;
  };
  // A valid neighbour after every second bad item, so bad and valid share every batch.
  const add = (element: unknown, item: BadQueueItem) => {
    elements.push(element);
    bad.push(item);
    if (bad.length % 2 === 0) elements.push(mnsCloudEvent({ body: json(neighbour()), messageId: nextKey() }));
  };
  const addBody = (kind: string, name: string, body: string, reason: BadQueueItem['reason'] = 'invalid') => {
    const key = nextKey();
    add(mnsCloudEvent({ body, messageId: key }), { kind, name, key, reason });
  };

  for (const [kind, name, body] of BAD_BODIES) addBody(kind, name, body);
  for (const shape of BAD_SHAPES) {
    const key = shape.keyed === false ? null : nextKey();
    add(shape.element(key ?? ''), { kind: shape.kind, name: shape.name, key, reason: 'invalid' });
  }
  for (const [name, command] of [
    ['unknown job', { jobId: `harden-missing-${n}`, avatarName: 'x' }],
    ['transparent once queuing', { jobId: options.queuingJobId, transparent: true }],
  ] as const) {
    addBody('refused by ICE', name, json(command), 'rejected');
  }
  for (const name of ['valid then invalid', 'invalid then valid']) {
    const valid = neighbour();
    const invalid = { jobId: valid.jobId, avatarName: 'ABCDEFGH' };
    addBody('mixed message', name, json(name.startsWith('valid') ? [valid, invalid] : [invalid, valid]));
  }
  for (const [kind, body] of fc.sample(fc.oneof(junkCommand, junkText), {
    numRuns: options.generated,
    seed: options.seed,
  })) {
    addBody(kind, `#${n}`, body);
  }

  const batchSize = options.batchSize ?? 30;
  const events: Buffer[] = [];
  for (let i = 0; i < elements.length; i += batchSize) {
    events.push(Buffer.from(json(elements.slice(i, i + batchSize))));
  }
  for (const [name, event] of BAD_EVENTS) {
    events.push(event);
    bad.push({ kind: 'event not a batch', name, key: null, reason: 'invalid' });
  }
  return { events, bad, neighbours };
}
