import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  enqueueCommands,
  enqueueSettings,
  type Io,
  LOCAL_MNS_ENDPOINT,
  main,
  processIo,
} from '../../scripts/enqueue.js';
import { UpdateMessage } from '../../shared/commands.js';
import { createCredentialResolver } from '../../shared/credentials.js';
import { errorCode } from '../../shared/errors.js';
import { type QueueClient, queueClientFromConfig } from '../../shared/mns/index.js';
import { startTestMnsService, type TestMnsService } from '../helpers/mns-service.js';

const QUEUE = 'enqueue-test-updates';
const ROOT = join(import.meta.dirname, '..', '..');
const JOB = 'a1b255d86f7f4587943ce7734d6b9c0d';
const MEDIA_ID = '571c704445f9a0ee011406c2a1b2c3d4';

let mns: TestMnsService;
let queues: QueueClient;
let dir: string;

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    MNS_ENDPOINT: mns.service.url,
    ALIBABA_CLOUD_ACCESS_KEY_ID: mns.service.credentials.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: mns.service.credentials.accessKeySecret,
    UPDATES_QUEUE: QUEUE,
    ...extra,
  };
}

/** Message bodies in the queue, decoded, in delivery order. */
const queued = () => mns.service.queues.inspect(QUEUE).messages.visible.map((m) => m.decodedBody);

function capturingIo(input = '') {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { readInput: () => input, out: (l) => out.push(l), err: (l) => err.push(l) };
  return { io, out, err };
}

const GOOD = [
  JSON.stringify({ jobId: JOB, avatarName: '小树', sentAt: '2025-01-15T08:10:00Z' }),
  '',
  JSON.stringify([
    { jobId: JOB, avatarDescription: 'Tom & Jerry <3' },
    { jobId: 'job-2', video: MEDIA_ID, idempotencyKey: 'k-2' },
  ]),
  '   ',
  JSON.stringify({ jobId: 'job-3', transparent: false }),
];

beforeAll(async () => {
  mns = await startTestMnsService({ queues: [QUEUE] });
  const { accessKeyId, accessKeySecret } = mns.service.credentials;
  queues = queueClientFromConfig(
    {
      MNS_ENDPOINT: mns.service.url,
      MNS_ACCOUNT_ID: undefined,
      FC_ACCOUNT_ID: undefined,
      ICE_REGION: 'cn-shanghai',
    },
    createCredentialResolver({
      ALIBABA_CLOUD_ACCESS_KEY_ID: accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: accessKeySecret,
    }),
  );
  dir = mkdtempSync(join(tmpdir(), 'enqueue-'));
});

afterAll(async () => {
  await mns.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  mns.service.queues.delete(QUEUE);
  mns.service.queues.create(QUEUE);
});

describe('enqueueCommands', () => {
  it('sends one message per non-blank line and reports each message ID with its line', async () => {
    const result = await enqueueCommands(GOOD, { queues, queue: QUEUE });
    expect(result.refused).toEqual([]);
    expect(result.failed).toEqual([]);
    expect(result.sent.map(({ line, commands }) => [line, commands])).toEqual([
      [1, 1],
      [3, 2],
      [5, 1],
    ]);
    const ids = mns.service.queues.inspect(QUEUE).messages.visible.map((m) => m.messageId);
    expect(result.sent.map((s) => s.messageId).sort()).toEqual(ids.sort());
    // Bodies travel base64-encoded and decode to the line's JSON, which consumers accept.
    const bodies = queued();
    expect(bodies.sort()).toEqual([GOOD[0], GOOD[2], GOOD[4]].sort());
    for (const body of bodies) expect(UpdateMessage.safeParse(JSON.parse(body!)).success).toBe(true);
  });

  it('sends many lines in batches', async () => {
    const lines = Array.from({ length: 50 }, (_, i) =>
      JSON.stringify({ jobId: `job-${i}`, avatarName: `n${i}` }),
    );
    const result = await enqueueCommands(lines, { queues, queue: QUEUE });
    expect(result.sent).toHaveLength(50);
    expect(queued()).toHaveLength(50);
  });

  it('names each bad line and issue path, sends none of them, and sends the valid rest', async () => {
    const lines = [
      GOOD[0]!,
      JSON.stringify({ jobId: JOB, avatarName: '数字人小树小云朵' }),
      JSON.stringify([
        { jobId: JOB, avatarName: 'ok' },
        { jobId: JOB, portrait: 'short', extra: 1 },
      ]),
      '{"jobId": "a1",',
      JSON.stringify({ jobId: JOB }),
      JSON.stringify(Array(101).fill({ jobId: JOB, avatarName: 'x' })),
      JSON.stringify([]),
      JSON.stringify({ jobId: JOB, avatarDescription: 'd'.repeat(1000) }),
    ];
    const result = await enqueueCommands(lines, { queues, queue: QUEUE });
    expect(result.sent.map((s) => s.line)).toEqual([1, 8]);
    expect(result.refused.map((r) => [r.line, r.issues.map((i) => i.path)])).toEqual([
      [2, ['avatarName']],
      [3, ['1.portrait', '1.extra']],
      [4, ['']],
      [5, ['']],
      [6, ['']],
      [7, ['']],
    ]);
    expect(result.refused[2]?.issues[0]?.message).toMatch(/^Not JSON/);
    expect(queued()).toHaveLength(2);
  });

  it('refuses a line too large for one MNS message, sending only the others', async () => {
    const big = Array.from({ length: 60 }, (_, i) => ({
      jobId: `job-${i}`,
      avatarDescription: '描'.repeat(1000),
    }));
    const result = await enqueueCommands([GOOD[0]!, JSON.stringify(big)], { queues, queue: QUEUE });
    expect(result.refused.map((r) => r.line)).toEqual([2]);
    expect(result.refused[0]?.issues[0]?.message).toMatch(/Too large/);
    expect(queued()).toEqual([GOOD[0]]);
  });

  it('reports every line as failed when MNS refuses the messages', async () => {
    const result = await enqueueCommands(GOOD, { queues, queue: 'no-such-queue' });
    expect(result.sent).toEqual([]);
    expect(result.failed.map((f) => [f.line, f.error.upstreamCode])).toEqual([
      [1, 'QueueNotExist'],
      [3, 'QueueNotExist'],
      [5, 'QueueNotExist'],
    ]);
  });
});

describe('enqueueSettings', () => {
  it('targets the local MNS with the demo pair when env has no MNS setting and no keys', async () => {
    const settings = enqueueSettings({});
    expect(settings).toMatchObject({ localDefault: LOCAL_MNS_ENDPOINT, queue: 'avatar-job-updates' });
  });

  it('uses the demo pair for a loopback MNS_ENDPOINT without keys, never the credential chain', () => {
    const settings = enqueueSettings({ MNS_ENDPOINT: 'http://127.0.0.1:19102' });
    expect(settings.localDefault).toBe('http://127.0.0.1:19102');
  });

  it('uses MNS_ENDPOINT, UPDATES_QUEUE and the env keys when set', async () => {
    const settings = enqueueSettings(env());
    expect(settings.localDefault).toBeUndefined();
    expect(settings.queue).toBe(QUEUE);
    const result = await enqueueCommands([GOOD[0]!], settings);
    expect(result.sent).toHaveLength(1);
  });

  it('never falls back to the demo pair when keys are set but no endpoint is', () => {
    expect(() =>
      enqueueSettings({ ALIBABA_CLOUD_ACCESS_KEY_ID: 'a', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'b' }),
    ).toThrow(/MNS_ENDPOINT/);
  });

  it('names an invalid variable', () => {
    try {
      enqueueSettings({ MNS_ENDPOINT: 'mns.local' });
      expect.unreachable();
    } catch (error) {
      expect(errorCode(error)).toBe('ConfigError');
      expect((error as Error).message).toContain('MNS_ENDPOINT');
    }
  });
});

describe('main (the CLI)', () => {
  it('prints one JSON line per message and a summary, exiting 0', async () => {
    const { io, out, err } = capturingIo(GOOD.join('\n'));
    expect(await main(['-'], env(), io)).toBe(0);
    expect(out.map((l) => JSON.parse(l))).toEqual([
      { line: 1, messageId: expect.any(String), commands: 1 },
      { line: 3, messageId: expect.any(String), commands: 2 },
      { line: 5, messageId: expect.any(String), commands: 1 },
    ]);
    expect(err).toEqual([`sent 3 message(s) with 4 command(s) to ${QUEUE}`]);
  });

  it('reads a file, accepting CRLF line ends', async () => {
    const file = join(dir, 'crlf.jsonl');
    writeFileSync(file, `${GOOD.join('\r\n')}\r\n`);
    const out: string[] = [];
    expect(await main([file], env(), { ...processIo, out: (l) => out.push(l), err: () => {} })).toBe(0);
    expect(out).toHaveLength(3);
  });

  it('lists each refused line, sends only the valid ones and exits 1', async () => {
    const { io, out, err } = capturingIo([GOOD[0], '{"jobId":"x"}', 'oops'].join('\n'));
    expect(await main(['-'], env(), io)).toBe(1);
    expect(out.map((l) => JSON.parse(l).line)).toEqual([1]);
    expect(err[0]).toMatch(/^line 2: \(root\): At least one of/);
    expect(err[1]).toMatch(/^line 3: \(root\): Not JSON/);
    expect(err[2]).toBe('2 line(s) refused and not sent');
    expect(queued()).toEqual([GOOD[0]]);
  });

  it('exits 1 and names the lines not sent when MNS refuses them', async () => {
    const { io, err } = capturingIo(GOOD[0]);
    expect(await main(['-'], env({ UPDATES_QUEUE: 'no-such-queue' }), io)).toBe(1);
    expect(err[0]).toMatch(/^line 1: not sent: MNS BatchSendMessage failed: QueueNotExist \(request \w+\)$/);
  });

  it('exits 2 on bad usage, bad configuration or an unreadable file', async () => {
    expect(await main([], env(), capturingIo().io)).toBe(2);
    expect(await main(['a', 'b'], env(), capturingIo().io)).toBe(2);
    const config = capturingIo();
    expect(await main(['-'], env({ MNS_ENDPOINT: 'mns.local' }), config.io)).toBe(2);
    expect(config.err[0]).toContain('MNS_ENDPOINT');
    const missing = capturingIo();
    expect(await main([join(dir, 'absent.jsonl')], env(), { ...processIo, err: missing.io.err })).toBe(2);
    expect(missing.err[0]).toMatch(/^cannot read/);
  });

  it('runs end to end as `npx tsx scripts/enqueue.ts -` against the local MNS', async () => {
    const child = spawn('npx', ['tsx', 'scripts/enqueue.ts', '-'], {
      cwd: ROOT,
      env: { ...process.env, ...env() },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.stdin.end(`${GOOD.join('\n')}\n`);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stderr).toBe(0);
    const printed = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { messageId: string });
    const ids = mns.service.queues.inspect(QUEUE).messages.visible.map((m) => m.messageId);
    expect(printed.map((p) => p.messageId).sort()).toEqual(ids.sort());
    expect(stderr).toContain(`sent 3 message(s) with 4 command(s) to ${QUEUE}`);
  }, 30_000);
});
