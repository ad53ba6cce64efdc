/**
 * Event factories and a fake FC context, built from the shapes of ../shared/fixtures/fc (the fixtures are
 * not available on a user's machine, so the shapes live here).
 */
import { randomUUID } from 'node:crypto';
import type { FcContext } from '../../shared/fc/context.js';

export function fakeContext(overrides: Partial<FcContext> & { remainingMs?: number } = {}): FcContext {
  const { remainingMs, ...rest } = overrides;
  const startedAt = Date.now();
  return {
    requestId: `1-${randomUUID()}`,
    credentials: {},
    function: { name: 'avatar-job-test', handler: 'index.handler', memory: 512, timeout: 30 },
    region: 'cn-shanghai',
    accountId: '1234567890123456',
    retryCount: 0,
    ...(remainingMs === undefined
      ? {}
      : { getRemainingTimeInMillis: () => Math.max(0, remainingMs - (Date.now() - startedAt)) }),
    ...rest,
  };
}

export interface HttpEventInit {
  method?: string;
  path?: string;
  rawPath?: string;
  body?: string;
  isBase64Encoded?: boolean;
  headers?: Record<string, string>;
  query?: Record<string, string>;
}

/** An FC 3.0 HTTP trigger event (as in http-get-job.json), returned as the Buffer FC passes. */
export function httpEvent(init: HttpEventInit = {}): Buffer {
  const path = init.path ?? '/jobs/a1b255d86f7f4587943ce7734d6b9c0d';
  return Buffer.from(JSON.stringify(httpEventObject({ ...init, path })));
}

export function httpEventObject(init: HttpEventInit = {}) {
  const path = init.path ?? '/';
  const method = init.method ?? 'GET';
  return {
    version: 'v1',
    rawPath: init.rawPath ?? path,
    headers: {
      Accept: 'application/json',
      'Content-Type': 'application/json',
      'User-Agent': 'PostmanRuntime/7.43.0',
      ...init.headers,
    },
    queryParameters: init.query ?? {},
    body: init.body ?? '',
    isBase64Encoded: init.isBase64Encoded ?? false,
    requestContext: {
      accountId: '1234567890123456',
      domainName: 'avatar-job-http-kqzxwvbnma.cn-shanghai.fcapp.run',
      domainPrefix: 'avatar-job-http-kqzxwvbnma',
      http: {
        method,
        path,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.24',
        userAgent: 'PostmanRuntime/7.43.0',
      },
      requestId: `1-${randomUUID()}`,
      time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      timeEpoch: String(Date.now()),
    },
  };
}

export interface MnsMessageInit {
  body: string;
  messageId?: string;
  queue?: string;
}

/** One CloudEvent as EventBridge delivers an MNS message (as in mns-queue-single.json). */
export function mnsCloudEvent(init: MnsMessageInit) {
  const queue = init.queue ?? 'avatar-job-updates';
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    source: 'MNS-avatar-job-queue-updates',
    specversion: '1.0',
    type: 'mns:Queue:SendMessage',
    datacontenttype: 'application/json; charset=utf-8',
    subject: `acs:mns:cn-shanghai:1234567890123456:queues/${queue}`,
    time: now,
    aliyunaccountid: '1234567890123456',
    aliyunpublishtime: now,
    aliyunoriginalaccountid: '1234567890123456',
    aliyuneventbusname: 'MNS-avatar-job-queue-updates',
    aliyunregionid: 'cn-shanghai',
    aliyunpublishaddr: '42.120.75.131',
    data: {
      requestId: randomUUID().replace(/-/g, '').slice(0, 24).toUpperCase(),
      messageId: init.messageId ?? randomUUID().replace(/-/g, '').toUpperCase(),
      messageBody: init.body,
    },
  };
}

/** The event-streaming batch (a JSON array, as in mns-queue-batch.json) as a Buffer. */
export function mnsBatchEvent(messages: MnsMessageInit[]): Buffer {
  return Buffer.from(JSON.stringify(messages.map(mnsCloudEvent)));
}

/** A timer trigger event (as in timer.json) as a Buffer. */
export function timerEvent(payload: unknown = '', triggerName = 'status-sync'): Buffer {
  return Buffer.from(
    JSON.stringify({
      triggerTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      triggerName,
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    }),
  );
}

/** A fake clock for retry, rate-limit and deadline tests: sleeping advances time instead of waiting. */
export function fakeClock(start = Date.parse('2025-01-15T08:00:00Z')) {
  let now = start;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += Math.max(0, ms);
    },
    advance: (ms: number) => {
      now += ms;
    },
    sleeps,
  };
}

/** Collects log lines as parsed objects. */
export function captureLogs() {
  const lines: string[] = [];
  return {
    sink: (line: string) => {
      lines.push(line);
    },
    lines,
    records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
