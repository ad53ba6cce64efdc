import { describe, expect, it } from 'vitest';
import { loadSyncConfig } from '../../functions/sync/env.js';
import { syncDepsFromEnv } from '../../functions/sync/wiring.js';

const base = { MNS_ENDPOINT: 'http://127.0.0.1:9102' };

function configError(env: NodeJS.ProcessEnv) {
  try {
    loadSyncConfig(env);
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected a ConfigError');
}

describe('the sync environment', () => {
  it('defaults to no webhook, 7 Init days and the standard queue names', () => {
    const config = loadSyncConfig(base);
    expect(config.STATUS_WEBHOOK_URL).toBeUndefined();
    expect(config).toMatchObject({
      WATCH_INIT_MAX_DAYS: 7,
      WATCH_QUEUE: 'avatar-job-watch',
      STATUS_QUEUE: 'avatar-job-status',
    });
  });

  it('treats a blank STATUS_WEBHOOK_URL or WATCH_INIT_MAX_DAYS as unset', () => {
    const config = loadSyncConfig({ ...base, STATUS_WEBHOOK_URL: ' ', WATCH_INIT_MAX_DAYS: '' });
    expect(config.STATUS_WEBHOOK_URL).toBeUndefined();
    expect(config.WATCH_INIT_MAX_DAYS).toBe(7);
  });

  it('reads a webhook URL with its secret and a fractional day count', () => {
    const config = loadSyncConfig({
      ...base,
      STATUS_WEBHOOK_URL: 'https://example.com/hooks/status',
      WEBHOOK_SECRET: 'new,old',
      WATCH_INIT_MAX_DAYS: '0.5',
    });
    expect(config.STATUS_WEBHOOK_URL).toBe('https://example.com/hooks/status');
    expect(config.WEBHOOK_SECRET).toEqual(['new', 'old']);
    expect(config.WATCH_INIT_MAX_DAYS).toBe(0.5);
  });

  it.each([
    ['STATUS_WEBHOOK_URL', { STATUS_WEBHOOK_URL: 'ftp://example.com/x' }],
    ['WATCH_INIT_MAX_DAYS', { WATCH_INIT_MAX_DAYS: 'a week' }],
    ['WATCH_INIT_MAX_DAYS', { WATCH_INIT_MAX_DAYS: '0' }],
  ])('names %s when it is invalid', (name, env) => {
    const error = configError({ ...base, ...env });
    expect(error.code).toBe('ConfigError');
    expect(error.message).toContain(name);
  });

  it('requires WEBHOOK_SECRET to sign webhook pushes unless ALLOW_UNSIGNED=true', () => {
    const env = { ...base, STATUS_WEBHOOK_URL: 'https://example.com/hooks/status' };
    expect(configError(env).message).toContain('WEBHOOK_SECRET');
    expect(loadSyncConfig({ ...env, ALLOW_UNSIGNED: 'true' }).WEBHOOK_SECRET).toEqual([]);
  });
});

describe('wiring the sync from the environment', () => {
  it('builds the clients without touching the network', () => {
    const deps = syncDepsFromEnv({ ...base, WATCH_QUEUE: 'w', WATCH_INIT_MAX_DAYS: '3', LOG_LEVEL: 'error' });
    expect(deps).toMatchObject({ watchQueue: 'w', initMaxDays: 3 });
  });

  it('names MNS_ENDPOINT when neither it nor an account is set', () => {
    expect(() => syncDepsFromEnv({})).toThrow(
      expect.objectContaining({ code: 'ConfigError', message: expect.stringContaining('MNS_ENDPOINT') }),
    );
  });
});
