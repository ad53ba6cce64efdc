import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  iceEnv,
  isOnFunctionCompute,
  logEnv,
  mnsEnv,
  parseEnv,
  queueNames,
  throughputEnv,
  webhookEnv,
} from '../../shared/config.js';
import { type AppError, errorCode } from '../../shared/errors.js';
import { iceEndpointUrl } from '../../shared/ice/index.js';
import { mnsEndpoint } from '../../shared/mns/index.js';

const allEnv = { ...iceEnv, ...mnsEnv, ...queueNames, ...throughputEnv, ...webhookEnv, ...logEnv };

function configError(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    return error as AppError;
  }
  throw new Error('expected a ConfigError');
}

describe('parseEnv', () => {
  it('fills in the documented defaults from an empty environment', () => {
    expect(parseEnv(allEnv, {})).toEqual({
      ICE_ENDPOINT: undefined,
      ICE_REGION: 'cn-shanghai',
      ICE_TIMEOUT_MS: 10_000,
      MNS_ENDPOINT: undefined,
      MNS_ACCOUNT_ID: undefined,
      FC_ACCOUNT_ID: undefined,
      UPDATES_QUEUE: 'avatar-job-updates',
      DEAD_LETTER_QUEUE: 'avatar-job-dead-letters',
      WATCH_QUEUE: 'avatar-job-watch',
      STATUS_QUEUE: 'avatar-job-status',
      ICE_MAX_RPS: 10,
      ICE_CONCURRENCY: 4,
      MAX_ATTEMPTS: 5,
      WEBHOOK_SECRET: [],
      ALLOW_UNSIGNED: false,
      LOG_LEVEL: 'info',
    });
  });

  it('reads set values, coercing numbers, flags and secret lists', () => {
    const config = parseEnv(allEnv, {
      ICE_ENDPOINT: 'http://127.0.0.1:9101',
      ICE_REGION: 'ap-southeast-1',
      ICE_MAX_RPS: '2.5',
      ALLOW_UNSIGNED: 'true',
      WEBHOOK_SECRET: ' new , old ,,',
      MNS_ACCOUNT_ID: '  ',
      UNRELATED: 'ignored',
    });
    expect(config).toMatchObject({
      ICE_ENDPOINT: 'http://127.0.0.1:9101',
      ICE_REGION: 'ap-southeast-1',
      ICE_MAX_RPS: 2.5,
      ALLOW_UNSIGNED: true,
      WEBHOOK_SECRET: ['new', 'old'],
    });
    expect(config.MNS_ACCOUNT_ID).toBeUndefined();
  });

  it.each([
    ['ICE_ENDPOINT', 'ftp://127.0.0.1'],
    ['ICE_ENDPOINT', 'not a url'],
    ['ICE_REGION', 'Shanghai'],
    ['ICE_TIMEOUT_MS', '0'],
    ['ICE_TIMEOUT_MS', 'soon'],
    ['MNS_ENDPOINT', 'mns.local'],
    ['ICE_MAX_RPS', '-1'],
    ['ICE_CONCURRENCY', '1.5'],
    ['MAX_ATTEMPTS', 'many'],
    ['ALLOW_UNSIGNED', 'yes'],
    ['LOG_LEVEL', 'verbose'],
  ])('fails with a ConfigError naming %s when it is %j', (name, value) => {
    const error = configError(() => parseEnv(allEnv, { [name]: value }));
    expect(errorCode(error)).toBe('ConfigError');
    expect(error.message).toContain(name);
    expect(error.issues?.map((i) => i.path)).toEqual([name]);
  });

  it('treats a blank variable as unset, so its default applies (s.yaml renders absent settings as "")', () => {
    const config = parseEnv(allEnv, {
      UPDATES_QUEUE: '',
      ICE_ENDPOINT: ' ',
      MNS_ACCOUNT_ID: '',
      MAX_ATTEMPTS: '',
    });
    expect(config).toMatchObject({ UPDATES_QUEUE: 'avatar-job-updates', MAX_ATTEMPTS: 5 });
    expect(config.ICE_ENDPOINT).toBeUndefined();
    expect(config.MNS_ACCOUNT_ID).toBeUndefined();
  });

  it('names a missing required variable', () => {
    const error = configError(() => parseEnv({ STATUS_WEBHOOK_URL: z.url() }, {}));
    expect(errorCode(error)).toBe('ConfigError');
    expect(error.message).toContain('STATUS_WEBHOOK_URL');
  });

  it('names every invalid variable at once', () => {
    const error = configError(() => parseEnv(allEnv, { ICE_REGION: 'x', LOG_LEVEL: 'loud' }));
    expect(error.issues?.map((i) => i.path).sort()).toEqual(['ICE_REGION', 'LOG_LEVEL']);
  });
});

describe('isOnFunctionCompute', () => {
  it('is true only when the FC runtime variables are present', () => {
    expect(isOnFunctionCompute({})).toBe(false);
    expect(isOnFunctionCompute({ FC_FUNCTION_NAME: 'avatar-job-http' })).toBe(true);
    expect(isOnFunctionCompute({ FC_REGION: 'cn-shanghai' })).toBe(true);
  });
});

describe('endpoints', () => {
  const ice = (env: NodeJS.ProcessEnv) => iceEndpointUrl(parseEnv(iceEnv, env));
  const mns = (env: NodeJS.ProcessEnv) =>
    mnsEndpoint(parseEnv({ ...mnsEnv, ICE_REGION: iceEnv.ICE_REGION }, env));

  it('uses ICE_ENDPOINT, else the public endpoint of ICE_REGION', () => {
    expect(ice({ ICE_ENDPOINT: 'http://127.0.0.1:9101' })).toBe('http://127.0.0.1:9101');
    expect(ice({})).toBe('https://ice.cn-shanghai.aliyuncs.com');
    expect(ice({ ICE_REGION: 'cn-beijing' })).toBe('https://ice.cn-beijing.aliyuncs.com');
  });

  it('uses MNS_ENDPOINT, else the account endpoint in ICE_REGION, the account from env or FC', () => {
    expect(mns({ MNS_ENDPOINT: 'http://127.0.0.1:9102' })).toEqual({
      endpointUrl: 'http://127.0.0.1:9102',
      accountId: 'local',
    });
    expect(mns({ MNS_ACCOUNT_ID: '123', ICE_REGION: 'cn-hangzhou' })).toEqual({
      endpointUrl: 'https://123.mns.cn-hangzhou.aliyuncs.com',
      accountId: '123',
    });
    expect(mns({ FC_ACCOUNT_ID: '456' })).toEqual({
      endpointUrl: 'https://456.mns.cn-shanghai.aliyuncs.com',
      accountId: '456',
    });
  });

  it('names MNS_ENDPOINT when neither an endpoint nor an account is known', () => {
    const error = configError(() => mns({}));
    expect(errorCode(error)).toBe('ConfigError');
    expect(error.issues?.[0]?.path).toBe('MNS_ENDPOINT');
  });
});
