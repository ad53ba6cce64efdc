import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childText, parseXml } from '../../local/mns/xml.js';
import { rawMnsRequest, startTestMnsService, type TestMnsService } from '../helpers/mns-service.js';

let mns: TestMnsService;
let sts: TestMnsService;

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to reject');
}

/** The error body's four fields; the SDK crashes on an <Error> missing any of them. */
function errorFields(body: string): Record<string, string | undefined> {
  const root = parseXml(body);
  expect(root.name).toBe('Error');
  return Object.fromEntries(
    ['Code', 'Message', 'RequestId', 'HostId'].map((name) => [name, childText(root, name)]),
  );
}

beforeAll(async () => {
  mns = await startTestMnsService({ queues: ['jobs'] });
  sts = await startTestMnsService({ queues: ['jobs'], securityToken: 'sts-token-1' });
});

afterAll(async () => {
  await Promise.all([mns.close(), sts.close()]);
});

describe('request authentication', () => {
  it('answers with the MNS response headers', async () => {
    const response = await rawMnsRequest(mns.service, { method: 'GET', resource: '/queues/jobs' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/xml;charset=utf-8');
    expect(response.headers.get('x-mns-version')).toBe('2015-06-06');
    expect(response.headers.get('x-mns-request-id')).toMatch(/^[0-9A-F]{24}$/);
  });

  it('refuses a wrong secret with MNSSignatureDoesNotMatchError', async () => {
    const client = mns.clientWith({ accessKeySecret: 'wrong-secret' });
    const error = await rejection(client.getQueueAttributes('jobs'));
    expect(error.name).toBe('MNSSignatureDoesNotMatchError');
    expect(error.message).toContain('failed with 403');
  });

  it('refuses an unknown access key id with MNSInvalidAccessKeyIdError', async () => {
    const error = await rejection(mns.clientWith({ accessKeyId: 'LTAIunknown' }).getQueueAttributes('jobs'));
    expect(error.name).toBe('MNSInvalidAccessKeyIdError');
  });

  it('signs the x-mns-* headers: one changed after signing no longer matches', async () => {
    const signed = { method: 'GET', resource: '/queues', headers: { 'x-mns-prefix': 'jobs' } };
    expect((await rawMnsRequest(mns.service, signed)).status).toBe(200);
    const forged = await rawMnsRequest(mns.service, { ...signed, tamper: { 'x-mns-prefix': 'other' } });
    expect([forged.status, errorFields(forged.body).Code]).toEqual([403, 'SignatureDoesNotMatch']);
  });

  it('answers a missing Authorization header with 400 MissingAuthorizationHeader and all four error fields', async () => {
    const response = await rawMnsRequest(mns.service, {
      method: 'GET',
      resource: '/queues/jobs',
      headers: { authorization: null },
    });
    expect(response.status).toBe(400);
    expect(errorFields(response.body)).toEqual({
      Code: 'MissingAuthorizationHeader',
      Message: expect.any(String),
      RequestId: response.headers.get('x-mns-request-id'),
      HostId: mns.service.url,
    });
  });

  it('answers a Date more than 15 minutes off with 408 TimeExpired', async () => {
    const response = await rawMnsRequest(mns.service, {
      method: 'GET',
      resource: '/queues/jobs',
      date: new Date(Date.now() - 16 * 60 * 1000),
    });
    expect(response.status).toBe(408);
    expect(errorFields(response.body).Code).toBe('TimeExpired');
  });

  it('answers a missing or wrong x-mns-version with 400', async () => {
    const missing = await rawMnsRequest(mns.service, {
      method: 'GET',
      resource: '/queues/jobs',
      headers: { 'x-mns-version': null },
    });
    expect([missing.status, errorFields(missing.body).Code]).toEqual([400, 'MissingVersionHeader']);
    const wrong = await rawMnsRequest(mns.service, {
      method: 'GET',
      resource: '/queues/jobs',
      headers: { 'x-mns-version': '2014-01-01' },
    });
    expect([wrong.status, errorFields(wrong.body).Code]).toEqual([400, 'InvalidVersionHeader']);
  });

  it('verifies the signature over the raw query, so a receipt handle with + is not turned into a space', async () => {
    const response = await rawMnsRequest(mns.service, {
      method: 'DELETE',
      resource: '/queues/jobs/messages?ReceiptHandle=1-ab+c/d==',
    });
    expect([response.status, errorFields(response.body).Code]).toEqual([400, 'ReceiptHandleError']);
  });

  it('answers an unknown route with 400 InvalidRequestURL', async () => {
    const response = await rawMnsRequest(mns.service, { method: 'GET', resource: '/topics' });
    expect([response.status, errorFields(response.body).Code]).toEqual([400, 'InvalidRequestURL']);
  });
});

describe('STS security tokens', () => {
  it('accepts requests carrying the expected token in the security-token header', async () => {
    expect((await sts.client.sendMessage('jobs', { MessageBody: 'x' })).code).toBe(201);
  });

  it('refuses a missing or different token with MNSAccessDeniedError', async () => {
    const withoutToken = sts.clientWith({ securityToken: undefined });
    expect((await rejection(withoutToken.getQueueAttributes('jobs'))).name).toBe('MNSAccessDeniedError');
    const otherToken = sts.clientWith({ securityToken: 'sts-token-2' });
    const error = await rejection(otherToken.getQueueAttributes('jobs'));
    expect(error.name).toBe('MNSAccessDeniedError');
    expect(error.message).toContain('failed with 403');
  });
});
