/**
 * Chaos: 2,000 commands while 20% of ICE calls fail (every fault kind the local service injects) and MNS
 * now and then refuses a re-enqueue or dead letter (so whole batches fail and are redelivered by the
 * EventBridge-like poller). At the end every command is applied or dead-lettered with a reason, and ICE
 * holds the last writer's value for every job and field.
 *
 * Cross-batch order: the function orders a job's commands within a batch; a command deferred to a later
 * batch can be overtaken by a newer one for the same field sent in between (see README). So each message
 * carries every command for one (job, field), and a job's deferred commands travel together — the
 * per-field last writer is then well defined whatever the delivery order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadLetter } from '../../functions/queue/dead-letter.js';
import { depsFromEnv } from '../../functions/queue/deps-from-env.js';
import { createHandler } from '../../functions/queue/handler.js';
import type { UpdateCommand } from '../../shared/commands.js';
import { QueueError } from '../../shared/errors.js';
import { createLogger } from '../../shared/logger.js';
import { createQueueClient, type QueueClient } from '../../shared/mns/index.js';
import { createEventBridgePoller } from '../helpers/eventbridge.js';
import { captureLogs, fakeContext } from '../helpers/fc.js';
import { startTestIceService, type TestIceService } from '../helpers/ice-service.js';
import { startTestMnsService, type TestMnsService } from '../helpers/mns-service.js';

const UPDATES = 'chaos-updates';
const DLQ = 'chaos-dead-letters';
const WATCH = 'chaos-watch';
const JOBS = 99;
const FIELDS = ['avatarName', 'avatarDescription', 'portrait', 'video'] as const;
const PER_MESSAGE = 5;

/** A seeded generator, so a failure can be replayed. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

const value = (field: (typeof FIELDS)[number], n: number): string =>
  field === 'avatarName'
    ? `n${n}`.slice(0, 7)
    : field === 'avatarDescription'
      ? `描述 ${n} & <ok>`
      : `${field[0]}${String(n).padStart(31, '0')}`;
const INVALID: Record<(typeof FIELDS)[number], string> = {
  avatarName: 'eight ch',
  avatarDescription: 'x'.repeat(1001),
  portrait: 'short',
  video: 'short',
};

let ice: TestIceService;
let mns: TestMnsService;

beforeAll(async () => {
  ice = await startTestIceService();
  mns = await startTestMnsService({
    queues: [{ name: UPDATES, attributes: { visibilityTimeout: 1 } }, DLQ, WATCH],
  });
});

afterAll(async () => {
  await Promise.all([ice?.close(), mns?.close()]);
});

describe('chaos: 2,000 commands, 20% of ICE calls failing, batches redelivered', () => {
  it('applies or dead-letters every command and leaves ICE with the last writer per job and field', async () => {
    const random = lcg(20250115);
    const jobIds = Array.from(
      { length: JOBS },
      (_, i) => ice.service.jobs.create({ avatarName: `j${i}` }).JobId,
    );
    const ghost = '0'.repeat(32);
    const initial = new Map(jobIds.map((id) => [id, ice.service.jobs.get(id)]));

    // 100 jobs × 4 fields × 5 commands: one message per (job, field), shuffled sentAt, ~5% invalid.
    const messages: UpdateCommand[][] = [];
    const invalidKeys = new Set<string>();
    let n = 0;
    for (const jobId of [...jobIds, ghost]) {
      for (const field of FIELDS) {
        const commands = Array.from({ length: PER_MESSAGE }, (_, i) => {
          const key = `c${n++}`;
          const invalid = random() < 0.05;
          if (invalid) invalidKeys.add(key);
          const sentAt = new Date(Date.UTC(2025, 0, 15, 8, 0, i)).toISOString();
          return { jobId, [field]: invalid ? INVALID[field] : value(field, n), sentAt, idempotencyKey: key };
        });
        messages.push(commands.sort(() => random() - 0.5) as UpdateCommand[]);
      }
    }
    const sent = messages.flat();
    expect(sent).toHaveLength(2_000);
    // ~10% of the messages go out twice (producer retries): they must not count twice.
    const wire = [...messages, ...messages.filter(() => random() < 0.1)].sort(() => random() - 0.5);

    const credentials = async () => ({ ...mns.service.credentials });
    const producer = createQueueClient({
      endpointUrl: mns.service.url,
      accountId: mns.service.accountId,
      resolveCredentials: credentials,
    });
    for (let i = 0; i < wire.length; i += 16) {
      const outcomes = await producer.send(
        UPDATES,
        wire.slice(i, i + 16).map((m) => ({ body: JSON.stringify(m) })),
      );
      expect(outcomes.every((o) => o.ok)).toBe(true);
    }

    // 20% of ICE calls fail, 4% each: dropped socket, too slow (client timeout), throttled, 500, 503.
    ice.service.setFaults({
      dropRate: 0.04,
      slowRate: 0.04,
      slowMs: 400,
      throttleRate: 0.04,
      errorRate: 0.04,
      unavailableRate: 0.04,
    });
    const logs = captureLogs();
    const fromEnv = depsFromEnv({
      ICE_ENDPOINT: ice.service.url,
      MNS_ENDPOINT: mns.service.url,
      MNS_ACCOUNT_ID: mns.service.accountId,
      UPDATES_QUEUE: UPDATES,
      DEAD_LETTER_QUEUE: DLQ,
      WATCH_QUEUE: WATCH,
      ICE_MAX_RPS: '2000',
      ICE_CONCURRENCY: '8',
      ICE_TIMEOUT_MS: '150',
    });
    // MNS refuses 25% of re-enqueues and dead letters per try (after 3 tries some batches fail whole),
    // and every dead letter of the first three tries, so at least one batch surely fails.
    let deadLetterTries = 0;
    const flakyQueues: QueueClient = {
      ...fromEnv.queues,
      async send(queue, batch, options) {
        if (queue === WATCH) return fromEnv.queues.send(queue, batch, options);
        const outage = queue === DLQ && deadLetterTries++ < 3;
        const refused = new Set(batch.map((_, i) => i).filter(() => outage || random() < 0.25));
        const accepted = batch.filter((_, i) => !refused.has(i));
        const outcomes = await fromEnv.queues.send(queue, accepted, options);
        const byIndex = batch.map((_, i) => i).filter((i) => !refused.has(i));
        return batch.map((_, i) =>
          refused.has(i)
            ? { index: i, ok: false as const, error: QueueError('injected refusal', { retryable: true }) }
            : { ...outcomes[byIndex.indexOf(i)]!, index: i },
        );
      },
    };
    const handler = createHandler({
      ...fromEnv,
      queues: flakyQueues,
      logger: createLogger({ level: 'debug', sink: logs.sink }),
      settings: { ...fromEnv.settings, retryDelaySeconds: () => 0 },
    });
    const poller = createEventBridgePoller({
      queues: producer,
      queue: UPDATES,
      handler,
      batchSize: 32,
      context: () => fakeContext({ remainingMs: 60_000, credentials: { ...ice.service.credentials } }),
    });

    const pending = () => {
      const { inFlight, delayed } = mns.service.queues.inspect(UPDATES).messages;
      return inFlight.length + delayed.length;
    };
    const stats = await poller.drain({ pending, maxInvocations: 2_000 });

    // Redelivery was exercised, and the queue is empty.
    expect(stats.failedInvocations).toBeGreaterThan(0);
    expect(mns.service.queues.inspect(UPDATES).messages).toEqual({ visible: [], inFlight: [], delayed: [] });
    const faults = ice.service.counters().faults;
    for (const kind of ['dropped', 'slow', 'Throttling', 'InternalError', 'ServiceUnAvailable']) {
      expect(faults[kind], kind).toBeGreaterThan(0);
    }

    // Every command is applied or dead-lettered with a reason.
    const applied = new Set(
      logs
        .records()
        .filter((l) => l.message === 'ice update covered' && l.outcome === 'applied')
        .flatMap((l) => l.idempotencyKeys as string[]),
    );
    const letters = mns.service.queues
      .inspect(DLQ)
      .messages.visible.map((m) => DeadLetter.parse(JSON.parse(m.decodedBody ?? m.body)));
    const lettered = new Map(letters.map((d) => [(d.command as UpdateCommand).idempotencyKey!, d]));
    const sentKeys = new Set(sent.map((c) => c.idempotencyKey!));
    expect(new Set([...applied, ...lettered.keys()])).toEqual(sentKeys);

    // Dead letters for the right reasons: invalid ones, the ghost job, and exhaustion only.
    for (const [key, letter] of lettered) {
      const command = sent.find((c) => c.idempotencyKey === key)!;
      if (invalidKeys.has(key)) expect(letter.reason, key).toBe('invalid');
      else if (command.jobId === ghost)
        expect(letter).toMatchObject({ reason: 'rejected', error: { code: 'JobNotFound' } });
      else expect(letter.reason, key).toBe('exhausted');
    }
    // sent = applied + dead-lettered; a key in both can only be a late copy that ran out of attempts.
    const both = [...applied].filter((k) => lettered.has(k));
    expect(both.every((k) => lettered.get(k)?.reason === 'exhausted')).toBe(true);
    expect(applied.size + lettered.size - both.length).toBe(sent.length);

    // ICE holds, per job and field, the last writer (by sentAt) of the field's valid commands. A set
    // that was dead-lettered as exhausted may still have landed: a timed-out call can have taken effect.
    let checked = 0;
    for (const jobId of jobIds) {
      const job = ice.service.jobs.get(jobId) as unknown as Record<string, unknown>;
      for (const field of FIELDS) {
        const valid = sent.filter(
          (c) => c.jobId === jobId && c[field] !== undefined && !invalidKeys.has(c.idempotencyKey!),
        );
        const lastWriter = valid.sort((x, y) => Date.parse(x.sentAt!) - Date.parse(y.sentAt!)).at(-1)?.[
          field
        ];
        const wireName = field.charAt(0).toUpperCase() + field.slice(1);
        const before = (initial.get(jobId) as Record<string, unknown> | undefined)?.[wireName];
        if (valid.some((c) => applied.has(c.idempotencyKey!))) {
          expect(job[wireName], `${jobId} ${field}`).toBe(lastWriter);
          checked++;
        } else {
          expect([before, lastWriter], `${jobId} ${field}`).toContain(job[wireName]);
        }
      }
    }
    expect(checked).toBeGreaterThan(JOBS * FIELDS.length * 0.9);
  }, 60_000);
});
