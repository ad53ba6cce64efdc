/**
 * `npm start`: the whole system on this machine. With no cloud settings it starts the local ICE service
 * (demo jobs, training on a fast clock) and the local MNS service with the four queues, then the local FC
 * host running the three functions from s.yaml; `ICE_ENDPOINT` / `MNS_ENDPOINT` (with keys in env) use
 * those services instead. Prints the URLs, demo job IDs and commands to try; Ctrl-C stops everything.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import MNSClient from '@alicloud/mns';
import { z } from 'zod';
import { logEnv, mnsEnv, parseEnv, queueNames } from '../shared/config.js';
import { type Credentials, credentialsFromEnv } from '../shared/credentials.js';
import { createLogger } from '../shared/logger.js';
import { DEMO_CREDENTIALS } from './demo-credentials.js';
import { ensureBundles } from './host/bundles.js';
import { DEFAULT_PORT, type Host, LOCAL_ACCOUNT_ID, startHost } from './host/host.js';
import { loadFunctions } from './host/s-yaml.js';
import { type IceService, startIceService } from './ice/server.js';
import { type MnsService, startMnsService } from './mns/server.js';

const port = (fallback?: number) => {
  const schema = z.coerce.number().int().min(0).max(65_535);
  return fallback === undefined ? schema.optional() : schema.default(fallback);
};

export const startEnv = {
  PORT: port(DEFAULT_PORT),
  /** Ports of the embedded services; default 9101 / 9102, or free ports when PORT=0. */
  LOCAL_ICE_PORT: port(),
  LOCAL_MNS_PORT: port(),
  /** How much faster than real time local ICE trains (default 1: Queuing 3 s, Training 15 s, so ticks every 5 s show each step). */
  LOCAL_TIME_SCALE: z.coerce.number().positive().default(1),
  ICE_ENDPOINT: z.string().optional(),
  SYNC_SCHEDULE: z.string().optional(),
  SYNC_PAYLOAD: z.string().optional(),
  ...mnsEnv,
  ...queueNames,
  ...logEnv,
};

const LOCAL_SYNC_SCHEDULE = '@every 5s';
/** Ticks read for at most 4 s, so records they write back are visible again by the next 5 s tick. */
const LOCAL_SYNC_PAYLOAD = '{"statuses":["Queuing","Training"],"maxJobs":2000,"maxSeconds":4}';
const DEMO_JOBS = 5;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Listens on `preferred`, or on a free port when that one is taken. */
async function onPort<T>(preferred: number, start: (port: number) => Promise<T>): Promise<T> {
  try {
    return await start(preferred);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || preferred === 0) throw error;
    return start(0);
  }
}

async function ensureCloudQueues(endpoint: string, accountId: string, keys: Credentials, names: string[]) {
  const client = new MNSClient(accountId, { ...keys, endpoint });
  for (const name of names) {
    try {
      await client.createQueue(name);
    } catch (error) {
      if ((error as Error).name !== 'MNSQueueAlreadyExistError') {
        console.warn(`could not create queue ${name}: ${(error as Error).message}`);
      }
    }
  }
}

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  process.chdir(root);
  const settings = parseEnv(startEnv, env);
  const queues = [
    settings.UPDATES_QUEUE,
    settings.DEAD_LETTER_QUEUE,
    settings.WATCH_QUEUE,
    settings.STATUS_QUEUE,
  ];
  const keys: Credentials = credentialsFromEnv(env) ?? { ...DEMO_CREDENTIALS };
  const ephemeral = settings.PORT === 0;
  const logger = createLogger({ level: settings.LOG_LEVEL, bindings: { component: 'local-host' } });

  let ice: IceService | undefined;
  let mns: MnsService | undefined;
  let host: Host | undefined;
  const closeAll = async () => {
    await host?.close();
    await Promise.all([mns?.close(), ice?.close()]);
  };

  try {
    if (!settings.ICE_ENDPOINT) {
      ice = await onPort(settings.LOCAL_ICE_PORT ?? (ephemeral ? 0 : 9101), (p) =>
        startIceService({
          port: p,
          seed: DEMO_JOBS,
          timeScale: settings.LOCAL_TIME_SCALE,
          credentials: keys,
          securityToken: keys.securityToken,
        }),
      );
    }
    if (!settings.MNS_ENDPOINT) {
      mns = await onPort(settings.LOCAL_MNS_PORT ?? (ephemeral ? 0 : 9102), (p) =>
        startMnsService({ port: p, queues, credentials: keys, securityToken: keys.securityToken }),
      );
    } else {
      const accountId = settings.MNS_ACCOUNT_ID ?? settings.FC_ACCOUNT_ID ?? 'local';
      await ensureCloudQueues(settings.MNS_ENDPOINT, accountId, keys, queues);
    }
    const mnsUrl = mns?.url ?? (settings.MNS_ENDPOINT as string);
    const mnsAccount = mns?.accountId ?? settings.MNS_ACCOUNT_ID ?? settings.FC_ACCOUNT_ID ?? 'local';
    const renderEnv: NodeJS.ProcessEnv = {
      ...env,
      ICE_ENDPOINT: ice?.url ?? settings.ICE_ENDPOINT,
      MNS_ENDPOINT: mnsUrl,
      MNS_ACCOUNT_ID: mnsAccount,
      SYNC_SCHEDULE: settings.SYNC_SCHEDULE ?? LOCAL_SYNC_SCHEDULE,
      SYNC_PAYLOAD: settings.SYNC_PAYLOAD ?? LOCAL_SYNC_PAYLOAD,
    };
    const template = join(root, 's.yaml');
    const specs = loadFunctions(template, { env: renderEnv, config: { AccountID: LOCAL_ACCOUNT_ID } });
    const bundles = await ensureBundles(
      root,
      specs.map((spec) => spec.resource),
    );
    host = await startHost({
      template,
      env: renderEnv,
      port: settings.PORT,
      credentials: keys,
      mns: { endpointUrl: mnsUrl, accountId: mnsAccount, credentials: keys },
      logger,
    });
    const missing = bundles.filter((b) => b.state === 'no-source').map((b) => b.name);
    console.log(
      banner({
        host,
        ice,
        mns,
        settings,
        queues,
        missing,
        keys,
        schedule: renderEnv.SYNC_SCHEDULE as string,
      }),
    );
    console.log(`Ready in ${Math.round(process.uptime() * 1000)} ms. Ctrl-C stops everything.`);
  } catch (error) {
    await closeAll();
    throw error;
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    closeAll().then(
      () => {
        console.log('stopped: every service closed');
        process.exit(0);
      },
      (error: unknown) => {
        console.error('failed to stop cleanly', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

interface BannerInput {
  host: Host;
  ice: IceService | undefined;
  mns: MnsService | undefined;
  settings: z.output<z.ZodObject<typeof startEnv>>;
  queues: string[];
  missing: string[];
  schedule: string;
  keys: Credentials;
}

function banner({ host, ice, mns, settings, missing, schedule, keys }: BannerInput): string {
  const fn = (resource: string) => host.functions.find((f) => f.resource === resource)?.name ?? resource;
  const jobs = ice?.jobs.snapshot() ?? [];
  const jobId = jobs.find((j) => j.Status === 'Success')?.JobId ?? jobs[0]?.JobId ?? '<jobId>';
  const invokeEnv = host.port === DEFAULT_PORT ? '' : `FC_ENDPOINT=${host.url} `;
  // enqueue uses the demo pair only for the default local endpoint; say the keys when the port differs.
  const demoKeys = keys.accessKeyId === DEMO_CREDENTIALS.accessKeyId;
  const enqueueEnv =
    mns && mns.port === 9102 && demoKeys
      ? ''
      : `MNS_ENDPOINT=${mns?.url ?? settings.MNS_ENDPOINT} ` +
        (demoKeys
          ? `ALIBABA_CLOUD_ACCESS_KEY_ID=${keys.accessKeyId} ALIBABA_CLOUD_ACCESS_KEY_SECRET=${keys.accessKeySecret} `
          : '');
  const statusQueue = settings.STATUS_QUEUE;
  const lines = [
    'ice-avatar-jobs — the three functions of s.yaml on a local Function Compute host',
    `  HTTP trigger   ${host.url}  → ${fn('http')}`,
    `  invoke API     ${host.url}  (@alicloud/fc2: POST /2023-03-30/functions/<name>/invocations)`,
    `  EventBridge    MNS ${settings.UPDATES_QUEUE} → ${fn('queue')}`,
    `  timer          ${schedule} → ${fn('sync')}`,
    `  ICE            ${ice ? `${ice.url}  (local; jobs: ${ice.url}/_local/ice/jobs)` : settings.ICE_ENDPOINT}`,
    `  MNS            ${mns ? `${mns.url}  (local; queues: ${mns.url}/_local/mns/queues)` : settings.MNS_ENDPOINT}`,
  ];
  if (missing.length > 0)
    lines.push(`  not built yet (no functions/<name>/handler.ts): ${missing.join(', ')}`);
  if (jobs.length > 0) {
    lines.push('', 'Demo jobs:');
    for (const job of jobs) lines.push(`  ${job.JobId}  ${job.Status}`);
  }
  lines.push(
    '',
    'Try:',
    `  curl ${host.url}/jobs/${jobId}`,
    `  curl -X PATCH ${host.url}/jobs/${jobId} -H 'content-type: application/json' -d '{"avatarDescription":"edited locally"}'`,
    `  echo '{"jobId":"${jobId}","avatarDescription":"via the queue"}' | ${enqueueEnv}npm run enqueue -- -`,
    `  ${invokeEnv}npm run invoke -- sync`,
    mns
      ? `  status events: curl ${mns.url}/_local/mns/queues/${statusQueue}`
      : `  status events: MNS queue ${statusQueue}`,
    '',
  );
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
