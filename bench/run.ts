/**
 * `npm run bench [-- --only http,cold,queue,local] [--quick]`: every benchmark, one table, and the same as
 * JSON in bench/results/latest.json. Speed goals are ratios against a baseline measured in the same run;
 * capacity goals are rates. Unmet goals are reported, not fatal; a section that fails exits 1.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { runColdStartBench } from './cold-start.js';
import { runHttpOverheadBench } from './http-overhead.js';
import { runIceLocalBench } from './ice-local.js';
import { formatTable, goalRow, type Row } from './lib/table.js';
import { runMnsLocalBench } from './mns-local.js';
import { runQueueBench } from './queue.js';

const SECTIONS = ['http', 'cold', 'queue', 'local'] as const;
type Section = (typeof SECTIONS)[number];

const RESULTS = new URL('./results/', import.meta.url);

interface Outcome {
  result: unknown;
  rows: Row[];
}

const ms = (n: number) => `${n} ms`;
const bytes = (n: number) => `${n.toLocaleString('en')} B`;

async function httpSection(quick: boolean): Promise<Outcome> {
  const r = await runHttpOverheadBench(quick ? { samples: 400, warmUp: 100 } : {});
  const s = 'HTTP overhead';
  return {
    result: r,
    rows: [
      goalRow(
        s,
        'GET /jobs/{id} p50: handler / direct getJob',
        r.p50Ratio,
        { atMost: 1.1 },
        `${ms(r.handler.p50Ms)} vs ${ms(r.direct.p50Ms)}, +${(r.handler.p50Ms - r.direct.p50Ms).toFixed(3)} ms`,
      ),
      {
        section: s,
        figure: 'GET /jobs/{id} p99: handler / direct getJob',
        value: `${r.p99Ratio} (${ms(r.handler.p99Ms)} vs ${ms(r.direct.p99Ms)})`,
      },
      {
        section: s,
        figure: 'handler alone (ICE answer from memory), mean',
        value: ms(r.handlerOnlyMeanMs),
      },
      goalRow(s, 'calls not answered 200', r.errors, { exactly: 0 }, `${r.samples} samples a side`),
    ],
  };
}

async function coldSection(quick: boolean): Promise<Outcome> {
  const r = await runColdStartBench(quick ? { repetitions: 5 } : {});
  const s = 'Cold start';
  return {
    result: r,
    rows: [
      ...r.floors.map((f) => ({
        section: s,
        figure: `${f.name} (openapi-client + mns + zod)`,
        value: `${ms(f.firstAnswerMs)} load+answer, load ${ms(f.loadMs)}, bundle ${bytes(f.bundleBytes)}`,
      })),
      ...r.cases.map((c) =>
        goalRow(
          s,
          `${c.name} / floor with its calls`,
          c.ratio,
          { atMost: 1.1 },
          `${ms(c.firstAnswerMs)}, load ${ms(c.loadMs)}, bundle ${bytes(c.bundleBytes)}; ` +
            `load-only floor ratio ${c.loadOnlyRatio}`,
        ),
      ),
    ],
  };
}

async function queueSection(quick: boolean): Promise<Outcome> {
  const r = await runQueueBench(quick ? { commands: 2_000, jobs: 200 } : {});
  const s = 'Queue efficiency';
  return {
    result: r,
    rows: [
      goalRow(
        s,
        'ICE calls per distinct job per batch',
        r.callsOverMinimum,
        { exactly: 1 },
        `${r.iceCalls} calls, minimum ${r.minimumCalls}, ${r.commands} commands`,
      ),
      goalRow(
        s,
        'achieved call rate / ICE_MAX_RPS',
        r.rateFraction,
        { atLeast: 0.9 },
        `${r.achievedCallsPerSecond}/s of ${r.maxRps}/s`,
      ),
      goalRow(s, 'throttling errors', r.throttlingErrors, { exactly: 0 }),
      { section: s, figure: 'peak RSS', value: `${r.peakRssMb} MB (+${r.rssGrowthMb} MB during the run)` },
    ],
  };
}

async function localSection(quick: boolean): Promise<Outcome> {
  const durationMs = quick ? 1_000 : 3_000;
  const ice = await runIceLocalBench({ durationMs });
  const mns = await runMnsLocalBench({ durationMs });
  const s = 'Local services';
  return {
    result: { ice, mns },
    rows: [
      goalRow(
        s,
        'ICE GetAvatarTrainingJob/s (real openapi-client)',
        ice.iceGetPerSecond,
        { atLeast: 3_000 },
        `${ice.errors} errors; lean raw-HTTP client ${ice.rawHttp.getPerSecond}/s`,
      ),
      goalRow(
        s,
        'MNS send+receive+delete round trips/s',
        mns.mnsRoundTripsPerSecond,
        { atLeast: 2_000 },
        `${mns.errors} errors; batches of 16: ${mns.batch.roundTripsPerSecond}/s`,
      ),
    ],
  };
}

const RUNNERS: Record<Section, (quick: boolean) => Promise<Outcome>> = {
  http: httpSection,
  cold: coldSection,
  queue: queueSection,
  local: localSection,
};

function parseSections(only: string | undefined): Section[] {
  if (only === undefined) return [...SECTIONS];
  const names = only.split(',').map((n) => n.trim());
  const unknown = names.filter((n) => !(SECTIONS as readonly string[]).includes(n));
  if (unknown.length > 0) throw new Error(`--only: unknown section ${unknown.join(', ')}; use ${SECTIONS}`);
  return SECTIONS.filter((n) => names.includes(n));
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { only: { type: 'string' }, quick: { type: 'boolean', default: false } },
    strict: true,
  });
  const sections = parseSections(values.only);
  const quick = values.quick ?? false;
  const startedAt = new Date().toISOString();
  const loadBefore = loadavg();
  const results: Partial<Record<Section, unknown>> = {};
  const rows: Row[] = [];
  let failed = false;
  for (const section of sections) {
    console.error(`bench: ${section}${quick ? ' (quick)' : ''}…`);
    try {
      const outcome = await RUNNERS[section](quick);
      results[section] = outcome.result;
      rows.push(...outcome.rows);
    } catch (error) {
      failed = true;
      const message = error instanceof Error ? error.message : String(error);
      results[section] = { error: message };
      rows.push({ section, figure: 'FAILED', value: message.split('\n')[0] ?? '', met: false });
    }
  }
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    node: process.version,
    loadAverage1mBefore: loadBefore[0],
    loadAverage1mAfter: loadavg()[0],
  };
  console.log(formatTable(rows));
  console.log(
    `\n${quick ? 'quick run; ' : ''}${machine.cpus} CPUs, node ${machine.node}, ` +
      `1-min load average ${machine.loadAverage1mBefore?.toFixed(2)} → ${machine.loadAverage1mAfter?.toFixed(2)}`,
  );
  mkdirSync(RESULTS, { recursive: true });
  const file = new URL('latest.json', RESULTS);
  writeFileSync(
    file,
    `${JSON.stringify({ startedAt, finishedAt: new Date().toISOString(), quick, sections, machine, rows, results }, null, 2)}\n`,
  );
  console.log(`written to bench/results/latest.json`);
  return failed ? 1 : 0;
}

process.exitCode = await main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  return 2;
});
