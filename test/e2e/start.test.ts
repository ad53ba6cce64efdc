/**
 * `npm start` end to end, as a user runs it: a child process on free ports (PORT=0) with the local ICE and
 * MNS services, driven over HTTP and through the real CLIs — GET and PATCH; `npm run enqueue` applied
 * through the local EventBridge; a training job finishing → a status event on STATUS_QUEUE; `npm run
 * invoke`; then Ctrl-C (SIGINT) stops everything with exit code 0.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEMO_CREDENTIALS } from '../../local/demo-credentials.js';
import { iceClientFromConfig } from '../../shared/ice/index.js';
import { createLogger } from '../../shared/logger.js';

const BASE_ENV = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
const TSX = 'node_modules/.bin/tsx';

let app: ChildProcess;
let output = '';
let http = '';
let iceUrl = '';
let mnsUrl = '';
const jobs = new Map<string, string>();

/** Runs a CLI to completion with `input` on stdin. */
function run(
  args: string[],
  env: Record<string, string>,
  input = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, args, { env: { ...BASE_ENV, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

const match = (pattern: RegExp) => pattern.exec(output)?.[1] ?? '';
const jobWith = (status: string) => [...jobs].find(([, s]) => s === status)?.[0] ?? '';
const getJob = async (jobId: string) =>
  (await (await fetch(`${http}/jobs/${jobId}`)).json()) as { job: Record<string, unknown> };

beforeAll(async () => {
  app = spawn('npm', ['start', '--silent'], {
    env: { ...BASE_ENV, PORT: '0', SYNC_SCHEDULE: '@every 1s', LOCAL_TIME_SCALE: '10' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  app.stdout?.on('data', (chunk: Buffer) => (output += chunk));
  app.stderr?.on('data', (chunk: Buffer) => (output += chunk));
  await vi.waitFor(
    () => {
      if (app.exitCode !== null) throw new Error(`npm start exited with ${app.exitCode}:\n${output}`);
      expect(output).toMatch(/Ready in \d+ ms/);
    },
    { timeout: 30_000, interval: 100 },
  );
  http = match(/HTTP trigger\s+(http:\/\/\S+)/);
  iceUrl = match(/ICE\s+(http:\/\/\S+)/);
  mnsUrl = match(/MNS\s+(http:\/\/\S+)/);
  for (const [, id, status] of output.matchAll(/^\s+([0-9a-f]{32})\s+(\w+)$/gm))
    jobs.set(id as string, status as string);
}, 40_000);

afterAll(() => {
  // Only when a test failed before Ctrl-C: do not leave the group running.
  if (app.exitCode === null && app.signalCode === null && app.pid) process.kill(-app.pid, 'SIGKILL');
});

describe('npm start (end to end)', () => {
  it('comes up on free ports and prints the URLs, demo jobs, commands and its ready time', () => {
    expect(http).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(iceUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(mnsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(jobs.size).toBe(5);
    expect(output).toContain(`curl ${http}/jobs/`);
    expect(output).toContain('npm run enqueue -- -');
    expect(output).toContain('npm run invoke -- sync');
    expect(output).toContain(`${mnsUrl}/_local/mns/queues/avatar-job-status`);
    expect(Number(match(/Ready in (\d+) ms/))).toBeLessThan(30_000);
  });

  it('answers GET and PATCH over HTTP through the http function', async () => {
    const done = jobWith('Success');
    const got = await fetch(`${http}/jobs/${done}`);
    expect(got.status).toBe(200);
    expect(((await got.json()) as { job: { status: string } }).job.status).toBe('Success');

    const init = jobWith('Init');
    const patched = await fetch(`${http}/jobs/${init}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ avatarName: 'E2E' }),
    });
    expect(patched.status).toBe(200);
    expect((await getJob(init)).job.avatarName).toBe('E2E');
  });

  it('applies a command sent with npm run enqueue through the local EventBridge and the queue function', async () => {
    const init = jobWith('Init');
    const command = JSON.stringify({ jobId: init, avatarDescription: 'via the queue' });
    const sent = await run(
      ['scripts/enqueue.ts', '-'],
      {
        MNS_ENDPOINT: mnsUrl,
        ALIBABA_CLOUD_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEMO_CREDENTIALS.accessKeySecret,
      },
      `${command}\n`,
    );
    expect(sent.code, sent.stderr).toBe(0);
    await expect
      .poll(async () => (await getJob(init)).job.avatarDescription, { timeout: 15_000, interval: 200 })
      .toBe('via the queue');
  }, 45_000);

  it('publishes a status event on the status queue when a training job completes', async () => {
    const init = jobWith('Init');
    const ice = iceClientFromConfig(
      { ICE_ENDPOINT: iceUrl, ICE_REGION: 'cn-shanghai', ICE_TIMEOUT_MS: 5000 },
      { logger: createLogger({ sink: () => {} }), resolveCredentials: async () => ({ ...DEMO_CREDENTIALS }) },
    );
    await ice.submitJob(init);
    await expect
      .poll(async () => (await getJob(init)).job.status, { timeout: 15_000, interval: 200 })
      .toBe('Success');
    // An update enrols the job in the watch set afresh, so the next sync tick reports where it stands.
    await fetch(`${http}/jobs/${init}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ avatarDescription: 'trained' }),
    });
    const events = async () => {
      const queue = (await (await fetch(`${mnsUrl}/_local/mns/queues/avatar-job-status`)).json()) as {
        messages: { visible: { decodedBody: string | null }[] };
      };
      return queue.messages.visible.map((m) => JSON.parse(m.decodedBody ?? '{}') as Record<string, unknown>);
    };
    await expect
      .poll(async () => (await events()).find((e) => e.jobId === init && e.status === 'Success'), {
        timeout: 15_000,
        interval: 250,
      })
      .toMatchObject({
        type: 'avatar.training.status',
        jobId: init,
        status: 'Success',
        eventId: expect.any(String),
      });
  }, 35_000);

  it('runs a function on demand with npm run invoke (the @alicloud/fc2 client)', async () => {
    const invoked = await run(['scripts/invoke.ts', 'sync'], { FC_ENDPOINT: http });
    expect(invoked.code, invoked.stderr).toBe(0);
    expect(invoked.stderr).toMatch(/requestId: 1-[0-9a-f]{8}-/);
    expect(JSON.parse(invoked.stdout)).toHaveProperty('watched');
  }, 20_000);

  it('stops everything cleanly on Ctrl-C', async () => {
    // Ctrl-C in a terminal signals the whole foreground group: npm, tsx and local/start.ts alike.
    const exited = new Promise<void>((resolve) => app.once('exit', () => resolve()));
    process.kill(-(app.pid as number), 'SIGINT');
    await exited;
    await expect.poll(() => output).toContain('SIGINT: stopping');
    const closed = async (url: string) =>
      fetch(url).then(
        () => false,
        () => true,
      );
    await expect.poll(() => closed(`${http}/healthz`)).toBe(true);
    await expect.poll(() => closed(`${mnsUrl}/_local/mns/queues`)).toBe(true);
    await expect.poll(() => closed(`${iceUrl}/_local/ice/jobs`)).toBe(true);
    // local/start.ts prints this only on the path that exits 0, after every service closed.
    expect(output).toContain('stopped: every service closed');
    expect(output).not.toContain('failed to stop cleanly');
  }, 15_000);
});
