/**
 * Cold start: a fresh `node` process loads a bundle (`dist/<fn>/index.js`, built first with scripts/build.ts)
 * the way FC's runtime does and answers one invocation; the same for the dependency floor, a bundle of only
 * `@alicloud/openapi-client`, `@alicloud/mns` and zod built in this run with the same build function (so the
 * same esbuild options and plugins). Many repetitions, the cases interleaved round-robin (the first case
 * rotating), medians compared.
 *
 * The figure with the goal is `firstAnswerMs`: from the moment the runtime starts loading the bundle until
 * the first answer (node's own boot, identical for every case, is reported apart as `processMs`).
 * Invocations, chosen to be what each function does on a real first call:
 * - http: GET /healthz; and a signed GET /jobs/{id} through the real ICE client to the local ICE;
 * - queue: a 1-message batch (one valid update) → UpdateAvatarTrainingJob on the local ICE, watch enrolment
 *   on the local MNS;
 * - sync: one tick with `{"maxJobs":1}` and one watch record queued: List ×2, receive, Get, write-back,
 *   delete (maxJobs 1 ends the drain without the 1 s empty long poll a full tick ends with), with
 *   ICE_MAX_RPS=200 so that its 3 ICE calls are not paced (at the default 10/s the pacer adds ~0.2 s).
 * Each case is compared with a floor that makes the same network calls in the same order with the bare
 * SDKs (bench/lib/dependency-floor.ts): GET /healthz makes none, so its floor only loads, builds both
 * clients and parses once. A first call costs milliseconds whoever makes it (a new connection, the SDK's
 * signing code run for the first time), so a floor without them would count that as our code's cost. The
 * load-only ratio is reported too. The floor's MNS calls use a queue of their own, so that the watch queue
 * the queue and sync cases share holds only what they put there.
 * The local ICE and MNS run in this process, which only waits while a child runs.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startIceService } from '../local/ice/server.js';
import { startMnsService } from '../local/mns/server.js';
import { buildAll } from '../scripts/build.js';
import { queueNames } from '../shared/config.js';
import { newWatchRecord } from '../shared/watch.js';
import { signPayload } from '../shared/webhook-signature.js';
import type { FloorAnswer, FloorCall, FloorEvent } from './lib/dependency-floor.js';
import { median, round } from './lib/stats.js';

export interface ColdStartOptions {
  /** Measured rounds; each runs every case once (default 15). */
  repetitions?: number;
}

export interface FloorFigures {
  name: string;
  /** What the one invocation does. */
  invocation: string;
  bundleBytes: number;
  /** Medians over the repetitions, ms. */
  loadMs: number;
  firstAnswerMs: number;
  /** Node boot + firstAnswerMs: since the process started. */
  processMs: number;
}

export interface ColdStartFigures extends FloorFigures {
  /** The floor that makes the same network calls. */
  floor: string;
  /** firstAnswerMs / that floor's; goal ≤ 1.10. */
  ratio: number;
  /** firstAnswerMs / the load-only floor's (no network calls). */
  loadOnlyRatio: number;
}

export interface ColdStartResult {
  repetitions: number;
  /** The load-only floor first, then one per set of network calls. */
  floors: FloorFigures[];
  cases: ColdStartFigures[];
}

interface Case {
  name: string;
  invocation: string;
  bundle: string;
  env: Record<string, string>;
  /** The event text for one run (fresh signatures, fresh message IDs). */
  event: () => string;
  /** Puts in place what the run consumes. */
  before?: () => void;
  answered: (answer: unknown) => boolean;
  /** For a function case: the floor making the same network calls. */
  floor?: Case;
}

interface Run {
  loadMs: number;
  firstAnswerMs: number;
  processMs: number;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHILD = fileURLToPath(new URL('./lib/cold-start-child.cjs', import.meta.url));
const FLOOR_SOURCE = fileURLToPath(new URL('./lib/dependency-floor.ts', import.meta.url));
const BUILD_SCRIPT = pathToFileURL(join(ROOT, 'scripts', 'build.ts')).href;
const MARKER = '@cold-start ';

/**
 * Builds the floor with scripts/build.ts's own `buildFunction` (same esbuild options and plugins): it bundles
 * `functions/<fn>/handler.ts` of the working directory, and esbuild fixes its working directory when it is
 * loaded, so the build runs in a child process started in a throw-away tree holding `functions/floor`.
 */
async function buildFloor(tree: string): Promise<string> {
  mkdirSync(join(tree, 'functions', 'floor'), { recursive: true });
  writeFileSync(
    join(tree, 'functions', 'floor', 'handler.ts'),
    `export { handler } from ${JSON.stringify(FLOOR_SOURCE)};\n`,
  );
  const script = `const { buildFunction } = await import(${JSON.stringify(BUILD_SCRIPT)});
console.log(await buildFunction('floor', 'dist'));`;
  const child = spawn(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), '--input-type=module', '--eval', script],
    { cwd: tree, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0) throw new Error(`building the dependency floor failed (exit ${code})`);
  return resolve(tree, out.trim());
}

function runOnce(target: Case, context: Record<string, unknown>): Promise<Run> {
  target.before?.();
  const argument = Buffer.from(
    JSON.stringify({ bundle: target.bundle, event: target.event(), context }),
  ).toString('base64');
  // A clean environment: no TypeScript loader (NODE_OPTIONS) and no FC_* or key variables from this shell.
  const child = spawn(process.execPath, [CHILD, argument], {
    env: { PATH: process.env.PATH ?? '', ...target.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', () => {
      const line = out.split('\n').find((l) => l.startsWith(MARKER));
      const figures = line === undefined ? { error: err || out } : JSON.parse(line.slice(MARKER.length));
      if (figures.error !== undefined || !target.answered(figures.answer)) {
        fail(new Error(`${target.name}: unexpected answer ${line ?? ''}\n${figures.error ?? ''}`.trim()));
        return;
      }
      done({
        loadMs: figures.loadMs,
        firstAnswerMs: figures.firstAnswerMs,
        processMs: figures.started + figures.firstAnswerMs,
      });
    });
  });
}

const statusOf = (answer: unknown) => (answer as { statusCode?: number } | null)?.statusCode;

/** The floor's calls for List ×2 (discovery of in-flight jobs), as the sync function makes them. */
const listCalls = (): FloorCall[] =>
  ['Queuing', 'Training'].map((status) => ({
    ice: 'ListAvatarTrainingJobs',
    query: { PageNo: '1', PageSize: '100', Status: status },
  }));

export async function runColdStartBench(options: ColdStartOptions = {}): Promise<ColdStartResult> {
  const repetitions = options.repetitions ?? 15;
  const tree = mkdtempSync(join(tmpdir(), 'cold-start-floor-'));
  const queues = Object.values(queueNames).map((schema) => schema.parse(undefined));
  const [UPDATES, , WATCH] = queues;
  const FLOOR_QUEUE = 'cold-start-floor';
  const ice = await startIceService({ port: 0 });
  const mns = await startMnsService({ port: 0, queues: [...queues, FLOOR_QUEUE] });
  try {
    // buildAll works relative to the working directory; npm sets it to the project root.
    if (resolve(process.cwd()) !== resolve(ROOT)) throw new Error(`run from the project root, ${ROOT}`);
    const built = await buildAll();
    const bundle = (fn: string) => {
      const file = built.find((f) => f.replace(/\\/g, '/').endsWith(`/${fn}/index.js`));
      if (file === undefined) throw new Error(`functions/${fn} has no bundle`);
      return resolve(ROOT, file);
    };
    const floorBundle = await buildFloor(tree);

    const jobId = ice.jobs.create({ avatarName: 'cold' }).JobId;
    const secret = `whsec_cold_${randomUUID()}`;
    const services = {
      ICE_ENDPOINT: ice.url,
      MNS_ENDPOINT: mns.url,
      MNS_ACCOUNT_ID: mns.accountId,
      WEBHOOK_SECRET: secret,
    };
    /** A watch record as the functions write it (base64 JSON), for the floor's MNS messages. */
    const watchBody = () => Buffer.from(JSON.stringify(newWatchRecord(jobId, Date.now()))).toString('base64');
    const httpEvent = (method: string, path: string, signed: boolean) => () =>
      JSON.stringify({
        version: 'v1',
        rawPath: path,
        headers: signed ? { 'X-Signature': signPayload(secret, '', Math.floor(Date.now() / 1000)) } : {},
        queryParameters: {},
        body: '',
        isBase64Encoded: false,
        requestContext: { requestId: randomUUID(), http: { method, path, sourceIp: '203.0.113.24' } },
      });
    const floorCase = (name: string, invocation: string, calls: () => FloorCall[], before?: () => void) => {
      let expected = 0;
      const floor: Case = {
        name,
        invocation,
        bundle: floorBundle,
        env: {},
        event: () => {
          const event: FloorEvent = {
            jobId,
            iceUrl: ice.url,
            mns: { url: mns.url, accountId: mns.accountId },
            calls: calls(),
          };
          expected = event.calls?.length ?? 0;
          return JSON.stringify(event);
        },
        answered: (answer) => {
          const a = answer as FloorAnswer | null;
          return a?.ok === true && a.done.length === expected;
        },
      };
      if (before) floor.before = before;
      return floor;
    };
    let run = 0;
    const loadOnly = floorCase(
      'floor: load only',
      'load openapi-client + mns + zod, build both clients, one zod parse (no network)',
      () => [],
    );
    const getFloor = floorCase('floor: + ICE Get', 'load-only floor + GetAvatarTrainingJob', () => [
      { ice: 'GetAvatarTrainingJob', query: { JobId: jobId } },
    ]);
    const queueFloor = floorCase(
      'floor: + ICE Update, MNS send',
      'load-only floor + UpdateAvatarTrainingJob + BatchSendMessage (1 message)',
      () => [
        { ice: 'UpdateAvatarTrainingJob', query: { JobId: jobId, AvatarDescription: `floor ${++run}` } },
        { mns: 'send', queue: FLOOR_QUEUE, body: watchBody() },
      ],
    );
    const syncFloor = floorCase(
      "floor: + the sync tick's calls",
      'load-only floor + ICE List ×2, MNS receive, ICE Get, MNS send (delayed), MNS delete',
      () => [
        ...listCalls(),
        { mns: 'receive', queue: FLOOR_QUEUE, max: 1, waitSeconds: 1 },
        { ice: 'GetAvatarTrainingJob', query: { JobId: jobId } },
        // The tick writes back delayed until it stops receiving: ~25 s with a 30 s timeout.
        { mns: 'send', queue: FLOOR_QUEUE, body: watchBody(), delaySeconds: 25 },
        { mns: 'delete', queue: FLOOR_QUEUE },
      ],
      () => {
        mns.queues.send(FLOOR_QUEUE, { body: watchBody() });
      },
    );
    const floors = [loadOnly, getFloor, queueFloor, syncFloor];
    const cases: Case[] = [
      {
        name: 'http GET /healthz',
        invocation: 'GET /healthz',
        bundle: bundle('http'),
        env: services,
        event: httpEvent('GET', '/healthz', false),
        answered: (answer) => statusOf(answer) === 200,
        floor: loadOnly,
      },
      {
        name: 'http GET /jobs/{id}',
        invocation: 'signed GET /jobs/{id} → GetAvatarTrainingJob on the local ICE',
        bundle: bundle('http'),
        env: services,
        event: httpEvent('GET', `/jobs/${jobId}`, true),
        answered: (answer) => statusOf(answer) === 200,
        floor: getFloor,
      },
      {
        name: 'queue 1-message batch',
        invocation: '1 update → UpdateAvatarTrainingJob on the local ICE + watch enrolment on the local MNS',
        bundle: bundle('queue'),
        env: services,
        event: () =>
          JSON.stringify([
            {
              id: randomUUID(),
              source: `MNS-${UPDATES}`,
              specversion: '1.0',
              type: 'mns:Queue:SendMessage',
              time: new Date().toISOString(),
              data: {
                messageId: randomUUID(),
                messageBody: JSON.stringify({ jobId, avatarDescription: `cold start ${++run}` }),
              },
            },
          ]),
        answered: (answer) => (answer as { applied?: number } | null)?.applied === 1,
        floor: queueFloor,
      },
      {
        name: 'sync tick',
        invocation: 'tick {"maxJobs":1} over 1 watch record: List ×2, receive, Get, write back, delete',
        bundle: bundle('sync'),
        // The default 10 calls/s would pace the tick's 3 ICE calls ~0.1 s apart: rate limiting, not start-up.
        env: { ...services, ICE_MAX_RPS: '200' },
        before: () => {
          mns.queues.send(WATCH!, { body: watchBody() });
        },
        event: () =>
          JSON.stringify({
            triggerTime: new Date().toISOString(),
            triggerName: 'status-sync',
            payload: '{"maxJobs":1}',
          }),
        answered: (answer) => (answer as { checked?: number } | null)?.checked === 1,
        floor: syncFloor,
      },
    ];
    const context = {
      requestId: 'cold-start',
      credentials: { ...ice.credentials },
      function: { name: 'avatar-job-cold-start', timeout: 30 },
      region: 'cn-shanghai',
    };

    const all = [...floors, ...cases];
    const runs = new Map<Case, Run[]>(all.map((c) => [c, []]));
    // Round 0 warms the file cache and is not counted.
    for (let round = 0; round <= repetitions; round++) {
      for (let i = 0; i < all.length; i++) {
        const target = all[(i + round) % all.length]!;
        const figures = await runOnce(target, context);
        if (round > 0) runs.get(target)!.push(figures);
      }
    }

    const firstAnswerOf = (c: Case) => median(runs.get(c)!.map((x) => x.firstAnswerMs));
    const figuresOf = (c: Case): FloorFigures => {
      const r = runs.get(c)!;
      return {
        name: c.name,
        invocation: c.invocation,
        bundleBytes: statSync(c.bundle).size,
        loadMs: round(median(r.map((x) => x.loadMs)), 1),
        firstAnswerMs: round(firstAnswerOf(c), 1),
        processMs: round(median(r.map((x) => x.processMs)), 1),
      };
    };
    return {
      repetitions,
      floors: floors.map(figuresOf),
      cases: cases.map((c) => ({
        ...figuresOf(c),
        floor: c.floor!.name,
        ratio: round(firstAnswerOf(c) / firstAnswerOf(c.floor!), 3),
        loadOnlyRatio: round(firstAnswerOf(c) / firstAnswerOf(loadOnly), 3),
      })),
    };
  } finally {
    await Promise.all([ice.close(), mns.close()]);
    rmSync(tree, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await runColdStartBench(), null, 2));
}
