import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createCredentialResolver,
  credentialsFromContext,
  credentialsFromEnv,
} from '../../shared/credentials.js';

const STS = { accessKeyId: 'STS.ctx', accessKeySecret: 'ctxSecret', securityToken: 'ctxToken' };
const ENV = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'envAK', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'envSecret' };

describe('credentialsFromContext', () => {
  it('takes the STS keys FC puts in the context', () => {
    expect(credentialsFromContext({ credentials: STS })).toEqual(STS);
  });

  it.each([
    ['no context', undefined],
    ['a context without a role', { credentials: {} }],
    ['null credentials', { credentials: null }],
    ['only a key id', { credentials: { accessKeyId: 'a' } }],
  ])('gives nothing for %s', (_what, context) => {
    expect(credentialsFromContext(context)).toBeUndefined();
  });

  it('omits an empty security token', () => {
    expect(
      credentialsFromContext({ credentials: { accessKeyId: 'a', accessKeySecret: 'b', securityToken: '' } }),
    ).toEqual({
      accessKeyId: 'a',
      accessKeySecret: 'b',
    });
  });
});

describe('credentialsFromEnv', () => {
  it('reads the key pair and the optional STS token', () => {
    expect(credentialsFromEnv(ENV)).toEqual({ accessKeyId: 'envAK', accessKeySecret: 'envSecret' });
    expect(credentialsFromEnv({ ...ENV, ALIBABA_CLOUD_SECURITY_TOKEN: 'tok' })).toMatchObject({
      securityToken: 'tok',
    });
  });

  it('gives nothing when the id or the secret is missing', () => {
    expect(credentialsFromEnv({ ALIBABA_CLOUD_ACCESS_KEY_ID: 'a' })).toBeUndefined();
    expect(credentialsFromEnv({ ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'b' })).toBeUndefined();
  });
});

describe('createCredentialResolver: context, then env, then the default chain', () => {
  let home: string;

  beforeEach(() => {
    // Keep the default chain away from IMDS, the real CLI profile and the real credentials file.
    home = mkdtempSync(join(tmpdir(), 'cred-home-'));
    vi.stubEnv('HOME', home);
    vi.stubEnv('ALIBABA_CLOUD_ECS_METADATA_DISABLED', 'true');
    vi.stubEnv('ALIBABA_CLOUD_CLI_PROFILE_DISABLED', 'true');
    for (const name of [
      'ALIBABA_CLOUD_ACCESS_KEY_ID',
      'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
      'ALIBABA_CLOUD_SECURITY_TOKEN',
      'ALIBABA_CLOUD_CREDENTIALS_FILE',
      'ALIBABA_CLOUD_CREDENTIALS_URI',
      'ALIBABA_CLOUD_ROLE_ARN',
      'ALIBABA_CLOUD_PROFILE',
    ]) {
      vi.stubEnv(name, undefined);
    }
  });

  afterEach(() => {
    vi.unstubAllEnvs();
    rmSync(home, { recursive: true, force: true });
  });

  const writeCredentialsFile = (id: string, secret: string) => {
    mkdirSync(join(home, '.alibabacloud'));
    writeFileSync(
      join(home, '.alibabacloud', 'credentials'),
      `[default]\ntype = access_key\naccess_key_id = ${id}\naccess_key_secret = ${secret}\n`,
    );
  };

  it('prefers the invocation context over env and the chain', async () => {
    writeCredentialsFile('fileAK', 'fileSecret');
    const resolve = createCredentialResolver(ENV);
    expect(await resolve({ credentials: STS })).toEqual(STS);
  });

  it('uses env when the context has no keys', async () => {
    writeCredentialsFile('fileAK', 'fileSecret');
    const resolve = createCredentialResolver({ ...ENV, ALIBABA_CLOUD_SECURITY_TOKEN: 'envToken' });
    expect(await resolve({ credentials: {} })).toEqual({
      accessKeyId: 'envAK',
      accessKeySecret: 'envSecret',
      securityToken: 'envToken',
    });
    expect(await resolve()).toMatchObject({ accessKeyId: 'envAK' });
  });

  it('falls back to the default chain (here the credentials file under HOME)', async () => {
    writeCredentialsFile('fileAK', 'fileSecret');
    const resolve = createCredentialResolver({});
    expect(await resolve({ credentials: {} })).toEqual({
      accessKeyId: 'fileAK',
      accessKeySecret: 'fileSecret',
    });
  });

  it('picks fresh context keys on every call (FC rotates them)', async () => {
    const resolve = createCredentialResolver(ENV);
    expect(await resolve({ credentials: STS })).toEqual(STS);
    const rotated = { ...STS, securityToken: 'next' };
    expect(await resolve({ credentials: rotated })).toEqual(rotated);
  });

  it('rejects, naming the chain, when no source has keys', async () => {
    const resolve = createCredentialResolver({});
    await expect(resolve()).rejects.toThrow(/chain/);
  });
});
