import { mnsErrors } from './errors.js';
import { integerArgument } from './integer-argument.js';
import { childElement, childText, type XmlElement, xmlFields } from './xml.js';

/**
 * Redrive: once a message has been received `maxReceiveCount` times, the next receive moves it to
 * `deadLetterTargetQueue` instead of delivering it. On the wire (element names UNCERTAIN, modelled on
 * Terraform's `dlq_policy`):
 * `<DlqPolicy><Enabled>True</Enabled><DeadLetterTargetQueue>q</DeadLetterTargetQueue><MaxReceiveCount>N</MaxReceiveCount></DlqPolicy>`.
 */
export interface DeadLetterPolicy {
  deadLetterTargetQueue: string;
  maxReceiveCount: number;
}

export interface QueueAttributes {
  delaySeconds: number;
  maximumMessageSize: number;
  messageRetentionPeriod: number;
  visibilityTimeout: number;
  pollingWaitSeconds: number;
  loggingEnabled: boolean;
  deadLetterPolicy?: DeadLetterPolicy;
}

/** Attributes to set; omitted ones keep their value. `deadLetterPolicy: null` removes the policy. */
export type QueueAttributesInput = Partial<Omit<QueueAttributes, 'deadLetterPolicy'>> & {
  deadLetterPolicy?: DeadLetterPolicy | null;
};

export const DEFAULT_QUEUE_ATTRIBUTES: QueueAttributes = {
  delaySeconds: 0,
  maximumMessageSize: 65_536,
  messageRetentionPeriod: 345_600,
  visibilityTimeout: 30,
  pollingWaitSeconds: 0,
  loggingEnabled: false,
};

// Documented ranges (reference/mns.md §1.5). MaxReceiveCount's range is not documented; SQS's is used.
const RANGES = {
  DelaySeconds: [0, 604_800, ' seconds'],
  MaximumMessageSize: [1024, 65_536, ' bytes'],
  MessageRetentionPeriod: [60, 604_800, ' seconds'],
  VisibilityTimeout: [1, 43_200, ' seconds'],
  PollingWaitSeconds: [0, 30, ' seconds'],
  MaxReceiveCount: [1, 1000, ''],
} as const;

function checked(name: keyof typeof RANGES, value: number): number {
  const [min, max, unit] = RANGES[name];
  return integerArgument(String(value), name, min, max, unit);
}

/** Applies `input` over `base`, validating every value (`400 InvalidArgument` when out of range). */
export function resolveQueueAttributes(
  input: QueueAttributesInput,
  base: QueueAttributes = DEFAULT_QUEUE_ATTRIBUTES,
): QueueAttributes {
  const defined = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
  const { deadLetterPolicy: policy = base.deadLetterPolicy, ...rest } = { ...base, ...defined };
  const resolved: QueueAttributes = {
    delaySeconds: checked('DelaySeconds', rest.delaySeconds),
    maximumMessageSize: checked('MaximumMessageSize', rest.maximumMessageSize),
    messageRetentionPeriod: checked('MessageRetentionPeriod', rest.messageRetentionPeriod),
    visibilityTimeout: checked('VisibilityTimeout', rest.visibilityTimeout),
    pollingWaitSeconds: checked('PollingWaitSeconds', rest.pollingWaitSeconds),
    loggingEnabled: rest.loggingEnabled === true,
  };
  if (policy) {
    resolved.deadLetterPolicy = {
      deadLetterTargetQueue: policy.deadLetterTargetQueue,
      maxReceiveCount: checked('MaxReceiveCount', policy.maxReceiveCount),
    };
  }
  return resolved;
}

export function sameQueueAttributes(a: QueueAttributes, b: QueueAttributes): boolean {
  return (
    a.delaySeconds === b.delaySeconds &&
    a.maximumMessageSize === b.maximumMessageSize &&
    a.messageRetentionPeriod === b.messageRetentionPeriod &&
    a.visibilityTimeout === b.visibilityTimeout &&
    a.pollingWaitSeconds === b.pollingWaitSeconds &&
    a.loggingEnabled === b.loggingEnabled &&
    a.deadLetterPolicy?.deadLetterTargetQueue === b.deadLetterPolicy?.deadLetterTargetQueue &&
    a.deadLetterPolicy?.maxReceiveCount === b.deadLetterPolicy?.maxReceiveCount
  );
}

function booleanArgument(value: string, name: string): boolean {
  const normalized = value.trim().toLowerCase();
  if (normalized !== 'true' && normalized !== 'false') {
    throw mnsErrors.invalidArgument(`The value of ${name} should be True or False.`);
  }
  return normalized === 'true';
}

function integerField(element: XmlElement, name: keyof typeof RANGES): number | undefined {
  const text = childText(element, name);
  if (text === undefined) return undefined;
  const [min, max, unit] = RANGES[name];
  return integerArgument(text, name, min, max, unit);
}

/** Reads a `<Queue>` request body; elements this service does not know are ignored. */
export function queueAttributesFromXml(queue: XmlElement): QueueAttributesInput {
  const input: QueueAttributesInput = {};
  const numbers = {
    delaySeconds: integerField(queue, 'DelaySeconds'),
    maximumMessageSize: integerField(queue, 'MaximumMessageSize'),
    messageRetentionPeriod: integerField(queue, 'MessageRetentionPeriod'),
    visibilityTimeout: integerField(queue, 'VisibilityTimeout'),
    pollingWaitSeconds: integerField(queue, 'PollingWaitSeconds'),
  };
  for (const [key, value] of Object.entries(numbers) as [keyof typeof numbers, number | undefined][]) {
    if (value !== undefined) input[key] = value;
  }
  const logging = childText(queue, 'LoggingEnabled');
  if (logging !== undefined) input.loggingEnabled = booleanArgument(logging, 'LoggingEnabled');
  const policy = childElement(queue, 'DlqPolicy');
  if (policy) input.deadLetterPolicy = deadLetterPolicyFromXml(policy);
  return input;
}

function deadLetterPolicyFromXml(policy: XmlElement): DeadLetterPolicy | null {
  const enabled = childText(policy, 'Enabled');
  if (enabled !== undefined && !booleanArgument(enabled, 'DlqPolicy.Enabled')) return null;
  const deadLetterTargetQueue = childText(policy, 'DeadLetterTargetQueue')?.trim();
  const maxReceiveCount = integerField(policy, 'MaxReceiveCount');
  if (!deadLetterTargetQueue || maxReceiveCount === undefined) {
    throw mnsErrors.invalidArgument('DlqPolicy needs DeadLetterTargetQueue and MaxReceiveCount.');
  }
  return { deadLetterTargetQueue, maxReceiveCount };
}

/** The attribute elements of a `<Queue>` response (GetQueueAttributes, ListQueue with meta). */
export function queueAttributesXml(attributes: QueueAttributes): string {
  const policy = attributes.deadLetterPolicy;
  return (
    xmlFields({
      DelaySeconds: attributes.delaySeconds,
      MaximumMessageSize: attributes.maximumMessageSize,
      MessageRetentionPeriod: attributes.messageRetentionPeriod,
      VisibilityTimeout: attributes.visibilityTimeout,
      PollingWaitSeconds: attributes.pollingWaitSeconds,
      LoggingEnabled: attributes.loggingEnabled ? 'True' : 'False',
    }) +
    (policy
      ? `<DlqPolicy>${xmlFields({
          Enabled: 'True',
          DeadLetterTargetQueue: policy.deadLetterTargetQueue,
          MaxReceiveCount: policy.maxReceiveCount,
        })}</DlqPolicy>`
      : '')
  );
}
