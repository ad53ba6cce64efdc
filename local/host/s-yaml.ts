/**
 * The shape of s.yaml the project relies on (after `${…}` rendering), as zod schemas, and the loader that
 * turns it into the functions the local host runs. The fc3 component's own JSON Schema is checked in tests;
 * these schemas add what our code and FC's limits need (only MNS EventBridge sources, cron syntax, the
 * 5-minute cap on EventBridge-triggered functions, integer batch settings).
 */
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../shared/errors.js';
import { issuesFromZod } from '../../shared/validation.js';
import { parseSchedule } from './schedule.js';
import { type RenderOptions, renderTemplateFile } from './template.js';

const int = (min: number, max: number) => z.number().int().min(min).max(max);

export const HttpTriggerConfig = z.looseObject({
  authType: z.enum(['anonymous', 'function', 'jwt']),
  methods: z.array(z.enum(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'])).min(1),
  disableURLInternet: z.boolean().optional(),
});
export type HttpTriggerConfig = z.output<typeof HttpTriggerConfig>;

export const TimerTriggerConfig = z.looseObject({
  cronExpression: z.string().superRefine((expression, ctx) => {
    try {
      parseSchedule(expression);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  }),
  enable: z.boolean(),
  payload: z
    .string()
    .max(128 * 1024)
    .optional(),
});
export type TimerTriggerConfig = z.output<typeof TimerTriggerConfig>;

export const RETRY_STRATEGIES = ['BACKOFF_RETRY', 'EXPONENTIAL_DECAY_RETRY'] as const;
const MNS_QUEUE_ARN = /^acs:mns:[a-z0-9-]+:[^:]*:\/queues\/[A-Za-z0-9-]{1,256}$/;

export const RunOptions = z.looseObject({
  mode: z.enum(['event-streaming', 'event-driven']),
  batchWindow: z.looseObject({ CountBasedWindow: int(1, 10_000), TimeBasedWindow: int(0, 15) }).optional(),
  retryStrategy: z
    .looseObject({
      PushRetryStrategy: z.enum(RETRY_STRATEGIES),
      MaximumEventAgeInSeconds: z.number().int().positive().optional(),
      MaximumRetryAttempts: z.number().int().min(0).optional(),
    })
    .optional(),
  errorsTolerance: z.enum(['NONE', 'ALL']).default('NONE'),
  deadLetterQueue: z
    .looseObject({
      Arn: z.string().regex(MNS_QUEUE_ARN, { message: 'Must be acs:mns:<region>:<account>:/queues/<name>' }),
    })
    .optional(),
});
export type RunOptions = z.output<typeof RunOptions>;

export const EventBridgeTriggerConfig = z.looseObject({
  triggerEnable: z.boolean(),
  asyncInvocationType: z.boolean(),
  eventRuleFilterPattern: z.string(),
  eventSourceConfig: z.looseObject({
    eventSourceType: z.literal('MNS', { message: 'The local host runs MNS event sources only' }),
    eventSourceParameters: z.looseObject({
      sourceMNSParameters: z.looseObject({
        QueueName: z.string().min(1),
        IsBase64Decode: z.boolean().default(true),
      }),
    }),
  }),
  eventSinkConfig: z.looseObject({
    deliveryOption: z.looseObject({ eventSchema: z.enum(['CloudEvents', 'RawData']).default('CloudEvents') }),
  }),
  runOptions: RunOptions,
});
export type EventBridgeTriggerConfig = z.output<typeof EventBridgeTriggerConfig>;

const triggerBase = {
  triggerName: z.string().min(1),
  qualifier: z.string().optional(),
  description: z.string().optional(),
};

export const Trigger = z.discriminatedUnion('triggerType', [
  z.looseObject({ ...triggerBase, triggerType: z.literal('http'), triggerConfig: HttpTriggerConfig }),
  z.looseObject({ ...triggerBase, triggerType: z.literal('timer'), triggerConfig: TimerTriggerConfig }),
  z.looseObject({
    ...triggerBase,
    triggerType: z.literal('eventbridge'),
    triggerConfig: EventBridgeTriggerConfig,
  }),
]);
export type Trigger = z.output<typeof Trigger>;

/** EventBridge-based triggers (the MNS queue trigger among them) cap the function timeout at 5 minutes. */
const EVENTBRIDGE_MAX_TIMEOUT_S = 300;

export const FunctionProps = z
  .looseObject({
    region: z.string().regex(/^[a-z]{2,}(?:-[a-z0-9]+)+$/, { message: 'Must be a region ID' }),
    functionName: z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/, {
      message: '1–64 letters, digits, _ or -, not starting with a digit or -',
    }),
    runtime: z.string().regex(/^nodejs\d+$/, { message: 'The local host runs Node.js runtimes only' }),
    code: z.string().min(1),
    handler: z.string().regex(/^[\w./-]+\.[A-Za-z_$][\w$]*$/, { message: 'Must be <file>.<export>' }),
    memorySize: z.number().int().min(128).max(32_768).default(512),
    timeout: int(1, 86_400).default(3),
    role: z.string().optional(),
    environmentVariables: z.record(z.string(), z.string()).default({}),
    logConfig: z
      .union([z.literal('auto'), z.looseObject({ project: z.string(), logstore: z.string() })])
      .optional(),
    triggers: z.array(Trigger).default([]),
  })
  .superRefine((props, ctx) => {
    const bridged = props.triggers.some((t) => t.triggerType === 'eventbridge');
    if (bridged && props.timeout > EVENTBRIDGE_MAX_TIMEOUT_S) {
      ctx.addIssue({
        code: 'custom',
        path: ['timeout'],
        message: `EventBridge-triggered functions time out after at most ${EVENTBRIDGE_MAX_TIMEOUT_S} s`,
      });
    }
  });
export type FunctionProps = z.output<typeof FunctionProps>;

export const SYaml = z.looseObject({
  edition: z.literal('3.0.0'),
  name: z.string().min(1),
  resources: z.record(z.string(), z.looseObject({ component: z.literal('fc3'), props: FunctionProps })),
});
export type SYaml = z.output<typeof SYaml>;

/** One function as the host runs it. */
export interface FunctionSpec {
  /** The s.yaml resource key (`http`, `queue`, `sync`). */
  resource: string;
  name: string;
  /** Absolute path of the `code` folder. */
  codeDir: string;
  props: FunctionProps;
}

/** Checks a rendered document; a ConfigError names every offending path. */
export function parseSYaml(rendered: unknown): SYaml {
  const result = SYaml.safeParse(rendered);
  if (result.success) return result.data;
  const issues = issuesFromZod(result.error);
  throw ConfigError(`Invalid s.yaml: ${issues.map((i) => `${i.path} (${i.message})`).join('; ')}`, {
    issues,
  });
}

/** Renders, checks and lists the functions of an s.yaml; `code` is resolved against the file's folder. */
export function loadFunctions(templatePath: string, options: RenderOptions = {}): FunctionSpec[] {
  const document = parseSYaml(renderTemplateFile(templatePath, options));
  const base = resolve(templatePath, '..');
  return Object.entries(document.resources).map(([resource, { props }]) => ({
    resource,
    name: props.functionName,
    codeDir: isAbsolute(props.code) ? props.code : resolve(base, props.code),
    props,
  }));
}
