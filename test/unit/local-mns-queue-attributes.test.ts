import { describe, expect, it } from 'vitest';
import {
  DEFAULT_QUEUE_ATTRIBUTES,
  queueAttributesFromXml,
  queueAttributesXml,
  resolveQueueAttributes,
  sameQueueAttributes,
} from '../../local/mns/queue-attributes.js';
import { parseXml } from '../../local/mns/xml.js';

const NS = 'xmlns="http://mns.aliyuncs.com/doc/v1/"';

describe('queue attributes', () => {
  it('default to the documented values', () => {
    expect(resolveQueueAttributes({})).toEqual({
      delaySeconds: 0,
      maximumMessageSize: 65_536,
      messageRetentionPeriod: 345_600,
      visibilityTimeout: 30,
      pollingWaitSeconds: 0,
      loggingEnabled: false,
    });
  });

  it.each([
    ['delaySeconds', 604_801],
    ['maximumMessageSize', 1023],
    ['maximumMessageSize', 65_537],
    ['messageRetentionPeriod', 59],
    ['visibilityTimeout', 0],
    ['visibilityTimeout', 43_201],
    ['pollingWaitSeconds', 31],
    ['pollingWaitSeconds', 1.5],
  ])('refuse %s = %s with 400 InvalidArgument', (name, value) => {
    expect(() => resolveQueueAttributes({ [name]: value })).toThrow(
      expect.objectContaining({ status: 400, code: 'InvalidArgument' }),
    );
  });

  it('read the SDK <Queue> body, ignoring unknown elements, and keep unspecified values', () => {
    const input = queueAttributesFromXml(
      parseXml(
        `<Queue ${NS}><VisibilityTimeout>60</VisibilityTimeout><PollingWaitSeconds>10</PollingWaitSeconds><LoggingEnabled>true</LoggingEnabled><Unknown>1</Unknown></Queue>`,
      ),
    );
    expect(input).toEqual({ visibilityTimeout: 60, pollingWaitSeconds: 10, loggingEnabled: true });
    const base = resolveQueueAttributes({ delaySeconds: 5 });
    expect(resolveQueueAttributes(input, base)).toMatchObject({ delaySeconds: 5, visibilityTimeout: 60 });
  });

  it('read and write the dead-letter policy as <DlqPolicy>, and remove it with Enabled False', () => {
    const input = queueAttributesFromXml(
      parseXml(
        `<Queue ${NS}><DlqPolicy><Enabled>True</Enabled><DeadLetterTargetQueue>dead</DeadLetterTargetQueue><MaxReceiveCount>3</MaxReceiveCount></DlqPolicy></Queue>`,
      ),
    );
    expect(input.deadLetterPolicy).toEqual({ deadLetterTargetQueue: 'dead', maxReceiveCount: 3 });
    const withPolicy = resolveQueueAttributes(input);
    expect(queueAttributesXml(withPolicy)).toContain(
      '<DlqPolicy><Enabled>True</Enabled><DeadLetterTargetQueue>dead</DeadLetterTargetQueue><MaxReceiveCount>3</MaxReceiveCount></DlqPolicy>',
    );
    const disabled = queueAttributesFromXml(
      parseXml('<Queue><DlqPolicy><Enabled>False</Enabled></DlqPolicy></Queue>'),
    );
    expect(resolveQueueAttributes(disabled, withPolicy).deadLetterPolicy).toBeUndefined();
    expect(() =>
      queueAttributesFromXml(parseXml('<Queue><DlqPolicy><Enabled>True</Enabled></DlqPolicy></Queue>')),
    ).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
  });

  it('refuse non-numeric values and non-boolean LoggingEnabled', () => {
    expect(() =>
      queueAttributesFromXml(parseXml('<Queue><DelaySeconds>soon</DelaySeconds></Queue>')),
    ).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
    expect(() =>
      queueAttributesFromXml(parseXml('<Queue><LoggingEnabled>yes</LoggingEnabled></Queue>')),
    ).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
  });

  it('compare equal only when every attribute, the policy included, is the same', () => {
    const policy = { deadLetterTargetQueue: 'dead', maxReceiveCount: 3 };
    expect(sameQueueAttributes(resolveQueueAttributes({}), DEFAULT_QUEUE_ATTRIBUTES)).toBe(true);
    expect(
      sameQueueAttributes(resolveQueueAttributes({ visibilityTimeout: 31 }), DEFAULT_QUEUE_ATTRIBUTES),
    ).toBe(false);
    expect(
      sameQueueAttributes(
        resolveQueueAttributes({ deadLetterPolicy: policy }),
        resolveQueueAttributes({ deadLetterPolicy: { ...policy } }),
      ),
    ).toBe(true);
    expect(
      sameQueueAttributes(resolveQueueAttributes({ deadLetterPolicy: policy }), DEFAULT_QUEUE_ATTRIBUTES),
    ).toBe(false);
  });
});
