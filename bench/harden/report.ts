/**
 * The hardening report: bad HTTP inputs, bad queue messages, signature attacks, and a scan of every line
 * the run wrote for the secrets it used. Counts, not timings, so every goal is checked exactly (the quick
 * form runs inside `npm test`, test/integration/harden-report.test.ts).
 */
import { randomBytes } from 'node:crypto';
import { goalRow, type Row } from '../lib/table.js';
import { type HttpInputsResult, runHttpInputs } from './http-inputs.js';
import { captureOutput } from './output-capture.js';
import { type QueueMessagesResult, runQueueMessages } from './queue-messages.js';
import { type SecretScan, scanForSecrets, signatureMacs } from './secret-scan.js';
import { startHardenServices } from './services.js';
import { runSignatureAttacks, type SignatureAttacksResult } from './signature-attacks.js';
import { describeStatuses } from './status-tally.js';

export interface HardeningOptions {
  /** The short form: fewer generated cases (still ≥ 500 HTTP inputs and ≥ 200 queue messages). */
  quick?: boolean;
  /** fast-check seed (default 20250115): the same seed generates the same cases. */
  seed?: number;
}

export interface HardeningReport {
  quick: boolean;
  seed: number;
  http: HttpInputsResult;
  queue: QueueMessagesResult;
  signatures: SignatureAttacksResult;
  logs: SecretScan & { bySource: Record<string, number> };
  rows: Row[];
  allMet: boolean;
}

export const DEFAULT_SEED = 20250115;

const SIZES = {
  quick: { httpGenerated: 450, queueGenerated: 150, mutations: 100 },
  full: { httpGenerated: 5_000, queueGenerated: 1_500, mutations: 2_000 },
};

const newSecret = (label: string) => `whsec_${label}_${randomBytes(18).toString('base64url')}`;

export async function runHardening(options: HardeningOptions = {}): Promise<HardeningReport> {
  const quick = options.quick ?? false;
  const seed = options.seed ?? DEFAULT_SEED;
  const sizes = SIZES[quick ? 'quick' : 'full'];
  const webhook = {
    inputs: newSecret('inputs'),
    current: newSecret('current'),
    previous: newSecret('previous'),
  };
  const wrongSecret = newSecret('wrong');
  const signatures: string[] = [];

  const capture = captureOutput();
  let sections: Pick<HardeningReport, 'http' | 'queue' | 'signatures'>;
  let secrets: { label: string; value: string }[];
  try {
    const services = await startHardenServices();
    try {
      sections = {
        http: await runHttpInputs(services, capture, {
          generated: sizes.httpGenerated,
          seed,
          secret: webhook.inputs,
          signatures,
        }),
        queue: await runQueueMessages(services, capture, { generated: sizes.queueGenerated, seed }),
        signatures: await runSignatureAttacks(services, capture, {
          secrets: [webhook.current, webhook.previous],
          wrongSecret,
          mutations: sizes.mutations,
          seed,
          signatures,
        }),
      };
      secrets = [
        ...services.secrets,
        ...Object.entries(webhook).map(([name, value]) => ({ label: `webhook secret (${name})`, value })),
        { label: 'wrong webhook secret', value: wrongSecret },
      ];
    } finally {
      await services.close();
    }
  } finally {
    capture.restore();
  }

  const scan = scanForSecrets(capture.all(), secrets, signatureMacs(signatures));
  const logs = {
    ...scan,
    bySource: Object.fromEntries(
      Object.entries(capture.lines).map(([source, lines]) => [source, lines.length]),
    ),
  };
  const rows = reportRows({ ...sections, logs, seed });
  return { quick, seed, ...sections, logs, rows, allMet: rows.every((row) => row.met !== false) };
}

function reportRows(r: Pick<HardeningReport, 'http' | 'queue' | 'signatures' | 'logs' | 'seed'>): Row[] {
  const H = 'Bad HTTP inputs';
  const Q = 'Bad queue messages';
  const S = 'Signature attacks';
  const L = 'Log scan';
  const { http, queue, signatures: sig, logs } = r;
  const kinds = (byKind: Record<string, unknown>) => `${Object.keys(byKind).length} kinds`;
  return [
    goalRow(
      H,
      'inputs tried (corpus + generated)',
      http.inputs,
      { atLeast: 500 },
      `${http.corpus} hand-written + ${http.generated} generated (seed ${r.seed}), ${kinds(http.byKind)}, each in both modes`,
    ),
    ...http.modes.flatMap((m) => [
      goalRow(
        H,
        `${m.mode}: answered 5xx or threw`,
        m.answers.byClass['5xx'] + m.answers.threw,
        { exactly: 0 },
        describeStatuses(m.answers),
      ),
      goalRow(
        H,
        `${m.mode}: ICE calls`,
        m.iceCalls,
        { exactly: 0 },
        `local ICE saw ${m.iceRequests} requests; ${m.queueSends} queue sends`,
      ),
    ]),
    goalRow(
      Q,
      'bad messages tried',
      queue.bad,
      { atLeast: 200 },
      `${kinds(queue.byKind)}, ${queue.neighbours} valid neighbours, ${queue.invocations} invocations`,
    ),
    goalRow(
      Q,
      'bad messages not dead-lettered with their reason',
      queue.bad - queue.deadLetteredWithReason,
      { exactly: 0 },
      `${queue.deadLetteredWithReason}/${queue.bad} found in DEAD_LETTER_QUEUE`,
    ),
    goalRow(
      Q,
      'dead letters off the DeadLetter contract or unmatched',
      queue.unexpectedLetters,
      { exactly: 0 },
      queue.letterIssues.length > 0
        ? `e.g. ${queue.letterIssues[0]!.issues.join('; ')}`
        : `${queue.deadLetters} letters read`,
    ),
    goalRow(
      Q,
      'valid neighbours not applied',
      queue.neighbours - queue.neighboursApplied,
      { exactly: 0 },
      `${queue.neighboursApplied}/${queue.neighbours} in the ICE store; ${queue.summaries.deferred} deferred`,
    ),
    goalRow(Q, 'handler threw', queue.threw, { exactly: 0 }),
    goalRow(
      S,
      'attacks not refused with 401',
      sig.attacks - (sig.answers.byStatus['401'] ?? 0),
      { exactly: 0 },
      `${sig.answers.byStatus['401'] ?? 0}/${sig.attacks} refused; ${kinds(sig.byKind)} on 4 routes`,
    ),
    goalRow(
      S,
      'ICE calls and queue sends during attacks',
      sig.iceCalls + sig.queueSends,
      { exactly: 0 },
      `local ICE saw ${sig.iceRequests} requests`,
    ),
    goalRow(
      S,
      'correctly signed controls served',
      sig.controls.served,
      { exactly: sig.controls.tried },
      'both secrets × 4 routes',
    ),
    ...sig.findings.map(
      (f): Row => ({ section: S, figure: `finding: ${f.name}`, value: `answered ${f.outcome}` }),
    ),
    goalRow(
      L,
      'captured lines containing a secret',
      logs.hits.length,
      { exactly: 0 },
      `${logs.lines} lines (${Object.entries(logs.bySource)
        .map(([source, n]) => `${source} ${n}`)
        .join(', ')}) × ${logs.secrets} secrets + ${logs.signatures} sent MACs`,
    ),
  ];
}
