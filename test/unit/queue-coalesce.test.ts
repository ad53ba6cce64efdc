import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coalesce, mergeCommands } from '../../functions/queue/coalesce.js';
import type { ReceivedCommand } from '../../functions/queue/parse-batch.js';
import { processBatch } from '../../functions/queue/process-batch.js';
import type { UpdateCommand } from '../../shared/commands.js';
import { mnsCloudEvent } from '../helpers/fc.js';
import { contextWithTimeout, fakeIce, queueTestDeps } from '../helpers/queue-fakes.js';

const JOBS = ['job-a', 'job-b', 'job-c'];
const BASE = Date.parse('2025-01-15T08:00:00Z');
/** When the messages were enqueued: orders the commands that carry no sentAt (here: after the others). */
const EVENT_TIME = new Date(BASE + 2_500).toISOString();

/** A command: a job, some fields, and a sentAt from a few values so that ties happen. */
const commandArb: fc.Arbitrary<UpdateCommand> = fc
  .record(
    {
      jobId: fc.constantFrom(...JOBS),
      avatarName: fc.string({ minLength: 1, maxLength: 7, unit: 'grapheme-ascii' }),
      avatarDescription: fc.string({ maxLength: 20 }),
      portrait: fc.stringMatching(/^[a-z0-9]{32}$/),
      transparent: fc.boolean(),
      sentAt: fc.integer({ min: 0, max: 4 }).map((s) => new Date(BASE + s * 1000).toISOString()),
    },
    { requiredKeys: ['jobId'] },
  )
  .filter((c) => Object.keys(c).some((k) => k !== 'jobId' && k !== 'sentAt'));

/** The reference: take the earliest (sentAt or event time, delivery) command one at a time and apply it. */
function applyOneByOne(commands: readonly UpdateCommand[]): Map<string, Record<string, unknown>> {
  const pending = commands.map((command, seq) => ({
    command,
    seq,
    t: Date.parse(command.sentAt ?? EVENT_TIME),
  }));
  const state = new Map<string, Record<string, unknown>>();
  while (pending.length > 0) {
    let next = 0;
    pending.forEach((p, i) => {
      const best = pending[next]!;
      if (p.t < best.t || (p.t === best.t && p.seq < best.seq)) next = i;
    });
    const { command } = pending.splice(next, 1)[0]!;
    const { jobId, sentAt: _s, ...fields } = command;
    state.set(jobId, { ...state.get(jobId), ...fields });
  }
  return state;
}

const received = (commands: readonly UpdateCommand[]): ReceivedCommand[] =>
  commands.map((command, seq) => ({
    command,
    original: command,
    messageId: `m${seq}`,
    seq,
    orderTime: Date.parse(command.sentAt ?? EVENT_TIME),
  }));

describe('coalescing', () => {
  it('makes one group per job, holding each command once, earliest sentAt first then delivery order', () => {
    const items = received([
      { jobId: 'job-a', avatarName: 'late', sentAt: '2025-01-15T08:00:09Z' },
      { jobId: 'job-b', avatarName: 'b' },
      { jobId: 'job-a', avatarName: 'early', sentAt: '2025-01-15T08:00:01Z' },
      { jobId: 'job-a', avatarDescription: 'tie', sentAt: '2025-01-15T08:00:09Z' },
    ]);
    expect(coalesce(items).map((g) => [g.jobId, g.items.map((i) => i.seq)])).toEqual([
      ['job-a', [2, 0, 3]],
      ['job-b', [1]],
    ]);
  });

  it('merges so that the later value wins per field and untouched fields stay out', () => {
    expect(
      mergeCommands('job-a', [
        { jobId: 'job-a', avatarName: 'one', transparent: true },
        { jobId: 'job-a', avatarName: 'two', avatarDescription: '' },
      ]),
    ).toEqual({ jobId: 'job-a', avatarName: 'two', transparent: true, avatarDescription: '' });
  });

  it('property: each merged call equals applying the commands one by one in order', () => {
    fc.assert(
      fc.property(fc.array(commandArb, { minLength: 1, maxLength: 30 }), (commands) => {
        const merged = new Map(
          coalesce(received(commands)).map((g) => {
            const { jobId, ...fields } = mergeCommands(
              g.jobId,
              g.items.map((i) => i.command),
            );
            return [jobId, fields as Record<string, unknown>];
          }),
        );
        expect(merged).toEqual(applyOneByOne(commands));
      }),
      { numRuns: 300 },
    );
  });

  it('property: a whole batch, in any message split, leaves ICE as one-by-one application would, one call per job', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(commandArb, { minLength: 1, maxLength: 30 }),
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 30, maxLength: 30 }),
        async (commands, sizes) => {
          const events: unknown[] = [];
          for (let i = 0, k = 0; i < commands.length; i += sizes[k++] ?? 1) {
            const body = JSON.stringify(commands.slice(i, i + (sizes[k] ?? 1)));
            events.push({ ...mnsCloudEvent({ body }), time: EVENT_TIME });
          }
          const { ice, jobs, calls } = fakeIce();
          const { deps } = queueTestDeps({ ice });
          await processBatch(Buffer.from(JSON.stringify(events)), contextWithTimeout(), deps);
          expect(jobs).toEqual(applyOneByOne(commands));
          expect(calls).toHaveLength(new Set(commands.map((c) => c.jobId)).size);
        },
      ),
      { numRuns: 100 },
    );
  });
});
