/**
 * s.yaml as deployed: rendered by the real Serverless Devs CLI (`s preview`, offline, with a throw-away
 * HOME and access alias), identical to the local host's own render, valid for the fc3 component's JSON
 * Schema (when ../shared/fc3/schema.json is present) and for the shape the project relies on.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { type EventBridgeTriggerConfig, parseSYaml } from '../../local/host/s-yaml.js';
import { parseSchedule } from '../../local/host/schedule.js';
import { renderTemplateFile } from '../../local/host/template.js';
import {
  iceEnv,
  logEnv,
  mnsEnv,
  parseEnv,
  queueNames,
  throughputEnv,
  webhookEnv,
} from '../../shared/config.js';

const ACCOUNT_ID = '1234567890123456';
const S_BIN = resolve('node_modules/.bin/s');
const FC3_SCHEMA = resolve('../shared/fc3/schema.json');
const home = mkdtempSync(join(tmpdir(), 's-home-'));

/** Runs `s` offline: its own HOME (access alias and logs), a copy of s.yaml so no stray .env is read. */
function s(args: string[], env: Record<string, string> = {}): string {
  return execFileSync(S_BIN, args, {
    cwd: home,
    env: { PATH: process.env.PATH ?? '', HOME: home, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

copyFileSync('s.yaml', join(home, 's.yaml'));
s([
  'config',
  'add',
  '--AccessKeyID',
  'AK',
  '--AccessKeySecret',
  'SK',
  '--AccountID',
  ACCOUNT_ID,
  '-a',
  'default',
]);
const sPreview = (env: Record<string, string> = {}): Record<string, unknown> =>
  JSON.parse(s(['preview', '-t', join(home, 's.yaml'), '-o', 'json', '--silent'], env));
const ownRender = (env: Record<string, string> = {}) =>
  renderTemplateFile(join(home, 's.yaml'), { env, config: { AccountID: ACCOUNT_ID } });

const OVERRIDES = {
  DEPLOY_REGION: 'cn-hangzhou',
  FUNCTION_PREFIX: 'team-a',
  ICE_REGION: 'cn-beijing',
  UPDATES_QUEUE: 'team-a-updates',
  DEAD_LETTER_QUEUE: 'team-a-dlq',
  WEBHOOK_SECRET: 's1,s2',
  STATUS_WEBHOOK_URL: 'https://example.com/hooks/status',
  SYNC_SCHEDULE: 'CRON_TZ=Asia/Shanghai 0 0 9 * * *',
};
const rendered = sPreview();
const renderedWithOverrides = sPreview(OVERRIDES);

afterAll(() => rmSync(home, { recursive: true, force: true }));

type Resource = {
  props: Record<string, unknown> & { triggers: { triggerType: string; triggerConfig: unknown }[] };
};
const resources = (doc: unknown) => (doc as { resources: Record<string, Resource> }).resources;

describe('s.yaml rendered by s preview', () => {
  it('renders with no network and no unresolved variables', () => {
    expect(JSON.stringify(rendered)).not.toContain('${');
    expect(JSON.stringify(renderedWithOverrides)).not.toContain('${');
  });

  it('is rendered identically by the local host, with defaults and with every override', () => {
    expect(ownRender()).toEqual(rendered);
    expect(ownRender(OVERRIDES)).toEqual(renderedWithOverrides);
  });

  it('takes deployment-specific values from the environment', () => {
    const { http, queue, sync } = resources(renderedWithOverrides) as Record<string, Resource>;
    expect(http?.props).toMatchObject({ region: 'cn-hangzhou', functionName: 'team-a-http' });
    expect(queue?.props.environmentVariables).toMatchObject({
      ICE_REGION: 'cn-beijing',
      UPDATES_QUEUE: 'team-a-updates',
    });
    expect(JSON.stringify(queue?.props.triggers)).toContain(
      'acs:mns:cn-hangzhou:1234567890123456:/queues/team-a-dlq',
    );
    expect(JSON.stringify(sync?.props.triggers)).toContain('CRON_TZ=Asia/Shanghai 0 0 9 * * *');
  });
});

describe('s.yaml against the fc3 component schema', () => {
  it.runIf(existsSync(FC3_SCHEMA))(
    'validates every resource props and each triggerConfig against its own definition',
    () => {
      const ajv = new Ajv({ allErrors: true, strict: false });
      ajv.addSchema(JSON.parse(readFileSync(FC3_SCHEMA, 'utf8')), 'fc3');
      const definition = {
        http: 'IHttpTriggerConfig',
        timer: 'ITimerTriggerConfig',
        eventbridge: 'IEventBridge',
      } as const;
      for (const doc of [rendered, renderedWithOverrides]) {
        for (const [name, resource] of Object.entries(resources(doc))) {
          const validateProps = ajv.getSchema('fc3');
          expect(validateProps?.(resource.props), `${name}: ${ajv.errorsText(validateProps?.errors)}`).toBe(
            true,
          );
          for (const trigger of resource.props.triggers) {
            const id = definition[trigger.triggerType as keyof typeof definition];
            const validate = ajv.getSchema(`fc3#/definitions/${id}`);
            expect(
              validate?.(trigger.triggerConfig),
              `${name}/${trigger.triggerType}: ${ajv.errorsText(validate?.errors)}`,
            ).toBe(true);
          }
        }
      }
    },
  );
});

describe('s.yaml against the shape the project relies on', () => {
  const doc = parseSYaml(rendered);

  it('deploys the three bundles as nodejs20 functions with a role and logs', () => {
    expect(Object.keys(doc.resources).sort()).toEqual(['http', 'queue', 'sync']);
    for (const [name, { props }] of Object.entries(doc.resources)) {
      expect(props).toMatchObject({
        runtime: 'nodejs20',
        code: `./dist/${name}`,
        handler: 'index.handler',
        logConfig: 'auto',
      });
      expect(props.role).toMatch(/^acs:ram::\d+:role\//);
    }
  });

  it('gives each function an environment its shared config schema accepts, with the fixed names only', () => {
    const shape = { ...iceEnv, ...mnsEnv, ...queueNames, ...throughputEnv, ...webhookEnv, ...logEnv };
    const syncOnly = ['STATUS_WEBHOOK_URL', 'WATCH_INIT_MAX_DAYS'];
    for (const { props } of Object.values(doc.resources)) {
      const env = props.environmentVariables;
      expect(() => parseEnv(shape, env)).not.toThrow();
      for (const name of Object.keys(env)) expect([...Object.keys(shape), ...syncOnly]).toContain(name);
    }
    expect(Object.keys(doc.resources.http?.props.environmentVariables ?? {})).toContain('WEBHOOK_SECRET');
    expect(Object.keys(doc.resources.sync?.props.environmentVariables ?? {})).toEqual(
      expect.arrayContaining(syncOnly),
    );
  });

  it('has an anonymous HTTP trigger for GET, POST and PATCH (the function verifies signatures itself)', () => {
    expect(doc.resources.http?.props.triggers).toEqual([
      expect.objectContaining({
        triggerType: 'http',
        triggerConfig: expect.objectContaining({ authType: 'anonymous', methods: ['GET', 'POST', 'PATCH'] }),
      }),
    ]);
  });

  it('feeds UPDATES_QUEUE to the queue function as decoded CloudEvent batches, retried, then dead-lettered', () => {
    const [trigger] = doc.resources.queue?.props.triggers ?? [];
    expect(trigger?.triggerType).toBe('eventbridge');
    const config = trigger?.triggerConfig as EventBridgeTriggerConfig;
    expect(config.asyncInvocationType).toBe(false);
    expect(config.eventSourceConfig.eventSourceParameters.sourceMNSParameters).toEqual({
      QueueName: 'avatar-job-updates',
      IsBase64Decode: true,
    });
    expect(config.eventSinkConfig.deliveryOption.eventSchema).toBe('CloudEvents');
    expect(config.runOptions).toMatchObject({
      mode: 'event-streaming',
      errorsTolerance: 'ALL',
      retryStrategy: { PushRetryStrategy: 'EXPONENTIAL_DECAY_RETRY' },
      deadLetterQueue: { Arn: `acs:mns:cn-shanghai:${ACCOUNT_ID}:/queues/avatar-job-dead-letters` },
    });
    expect(config.runOptions.batchWindow?.CountBasedWindow).toBeGreaterThan(1);
    expect(doc.resources.queue?.props.timeout).toBeLessThanOrEqual(300);
  });

  it('runs the sync on an enabled 6-field UTC cron with a JSON payload', () => {
    const [trigger] = doc.resources.sync?.props.triggers ?? [];
    const config = trigger?.triggerConfig as { cronExpression: string; enable: boolean; payload: string };
    expect(trigger?.triggerType).toBe('timer');
    expect(config.enable).toBe(true);
    expect(config.cronExpression.split(' ')).toHaveLength(6);
    expect(() => parseSchedule(config.cronExpression)).not.toThrow();
    expect(JSON.parse(config.payload)).toMatchObject({ statuses: expect.any(Array) });
  });

  it('is refused with every offending path when the shape breaks', () => {
    const broken = structuredClone(rendered) as { resources: Record<string, Resource> };
    const queue = broken.resources.queue as Resource;
    queue.props.timeout = 900;
    const config = (queue.props.triggers[0] as { triggerConfig: EventBridgeTriggerConfig }).triggerConfig;
    (config.runOptions.batchWindow as { TimeBasedWindow: number }).TimeBasedWindow = 16;
    const sync = broken.resources.sync as Resource;
    (sync.props.triggers[0] as { triggerConfig: Record<string, unknown> }).triggerConfig.cronExpression =
      '*/5 * * * *';
    expect(() => parseSYaml(broken)).toThrow(
      /resources\.queue\.props\.triggers\.0\.triggerConfig\.runOptions\.batchWindow\.TimeBasedWindow.*resources\.queue\.props\.timeout|resources\.queue\.props\.timeout.*TimeBasedWindow/s,
    );
    expect(() => parseSYaml(broken)).toThrow(
      /resources\.sync\.props\.triggers\.0\.triggerConfig\.cronExpression \(.*6/,
    );
  });
});
