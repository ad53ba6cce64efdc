/**
 * Bad queue messages through the queue function as production wires it (functions/queue/deps-from-env.ts:
 * real ICE and MNS clients against the local services). Goals: every bad item is in DEAD_LETTER_QUEUE with
 * a reason (read through the local MNS inspection endpoint), every valid neighbour's update is in the ICE
 * store, and the handler never throws.
 */
import { DeadLetter } from '../../functions/queue/dead-letter.js';
import { depsFromEnv } from '../../functions/queue/deps-from-env.js';
import { createHandler } from '../../functions/queue/handler.js';
import type { QueueSnapshot } from '../../local/mns/queue.js';
import { createLogger } from '../../shared/logger.js';
import type { OutputCapture } from './output-capture.js';
import { type BadQueueItem, queuePlan } from './queue-corpus.js';
import type { HardenServices } from './services.js';

export interface QueueMessagesResult {
  bad: number;
  byKind: Record<string, number>;
  neighbours: number;
  invocations: number;
  /** Messages read from DEAD_LETTER_QUEUE. */
  deadLetters: number;
  /** Bad items whose dead letter was found, with the expected reason and an error code. */
  deadLetteredWithReason: number;
  /** Bad items with no such dead letter (first 20). */
  missing: { kind: string; name: string; key: string | null }[];
  /** Dead letters that are not valid DeadLetter JSON, or match no bad item. */
  unexpectedLetters: number;
  /** Why dead letters failed the DeadLetter schema (first 20). */
  letterIssues: { messageId: unknown; issues: string[] }[];
  neighboursApplied: number;
  /** Neighbour job IDs whose update is not in the ICE store (first 20). */
  neighboursNotApplied: string[];
  /** Summed handler summaries. */
  summaries: { applied: number; deferred: number; deadLettered: number };
  threw: number;
}

const MAX_LISTED = 20;

async function readDeadLetters(services: HardenServices): Promise<unknown[]> {
  const url = `${services.mns.url}/_local/mns/queues/${encodeURIComponent(services.queues.deadLetters)}`;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`MNS inspection answered ${response.status} for ${url}`);
  const snapshot = (await response.json()) as QueueSnapshot;
  return Object.values(snapshot.messages)
    .flat()
    .map((message) => {
      try {
        return JSON.parse(message.decodedBody ?? message.body) as unknown;
      } catch {
        return message.body;
      }
    });
}

/** Pairs each bad item with one dead letter: by message ID, keyless ones by count. */
function matchLetters(bad: readonly BadQueueItem[], letters: readonly unknown[]) {
  const waiting = new Map<string | null, BadQueueItem[]>();
  for (const item of bad) waiting.set(item.key, [...(waiting.get(item.key) ?? []), item]);
  let unexpected = 0;
  let matched = 0;
  const letterIssues: QueueMessagesResult['letterIssues'] = [];
  for (const raw of letters) {
    const letter = DeadLetter.safeParse(raw);
    if (!letter.success && letterIssues.length < MAX_LISTED) {
      letterIssues.push({
        messageId: (raw as { messageId?: unknown } | null)?.messageId,
        issues: letter.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      });
    }
    const candidates = letter.success ? waiting.get(letter.data.messageId) : undefined;
    const index = candidates?.findIndex((item) => item.reason === letter.data?.reason) ?? -1;
    if (!letter.success || index < 0 || letter.data.error.code === '') {
      unexpected++;
      continue;
    }
    candidates!.splice(index, 1);
    matched++;
  }
  const missing = [...waiting.values()].flat();
  return { matched, missing, unexpected, letterIssues };
}

export async function runQueueMessages(
  services: HardenServices,
  capture: OutputCapture,
  options: { generated: number; seed: number },
): Promise<QueueMessagesResult> {
  const { jobs } = services.ice;
  const queuingJobId = jobs.create({ avatarName: 'queued' }).JobId;
  jobs.submit(queuingJobId);
  const plan = queuePlan({
    newJob: () => jobs.create({ avatarName: 'n' }).JobId,
    queuingJobId,
    generated: options.generated,
    seed: options.seed,
  });

  const deps = depsFromEnv({
    ...services.env,
    ICE_MAX_RPS: '1000',
    ICE_CONCURRENCY: '8',
    LOG_LEVEL: 'debug',
  });
  const handler = createHandler({
    ...deps,
    logger: createLogger({ level: 'debug', sink: capture.sink, bindings: { fn: 'queue' } }),
  });
  const summaries = { applied: 0, deferred: 0, deadLettered: 0 };
  let threw = 0;
  for (const event of plan.events) {
    try {
      const summary = await handler(event, services.context());
      summaries.applied += summary.applied;
      summaries.deferred += summary.deferred;
      summaries.deadLettered += summary.deadLettered;
    } catch {
      threw++;
    }
  }

  const letters = await readDeadLetters(services);
  const { matched, missing, unexpected, letterIssues } = matchLetters(plan.bad, letters);
  const notApplied = plan.neighbours.filter(
    (n) => jobs.get(n.jobId)?.AvatarDescription !== n.avatarDescription,
  );
  const byKind: Record<string, number> = {};
  for (const item of plan.bad) byKind[item.kind] = (byKind[item.kind] ?? 0) + 1;
  return {
    bad: plan.bad.length,
    byKind,
    neighbours: plan.neighbours.length,
    invocations: plan.events.length,
    deadLetters: letters.length,
    deadLetteredWithReason: matched,
    missing: missing.slice(0, MAX_LISTED).map(({ kind, name, key }) => ({ kind, name, key })),
    unexpectedLetters: unexpected,
    letterIssues,
    neighboursApplied: plan.neighbours.length - notApplied.length,
    neighboursNotApplied: notApplied.slice(0, MAX_LISTED).map((n) => n.jobId),
    summaries,
    threw,
  };
}
