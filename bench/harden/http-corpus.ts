/**
 * Hand-written nasty inputs for the HTTP function. Every one must be refused before ICE is called: a broken
 * event, path, method, header block, encoding, content type, job body or /updates body. (A well-formed GET
 * or PATCH of a well-formed job ID is not bad input, so none appears here.)
 */
import { httpEventObject } from '../../test/helpers/fc.js';

export interface BadHttpInput {
  kind: string;
  name: string;
  /** An FC HTTP event object (signed by the runner in signed mode), or the raw event text/bytes. */
  event: Record<string, unknown> | string | Buffer;
}

/** A well-formed job ID: requests that use it are bad for another reason. */
export const WELL_FORMED_JOB_ID = 'a1b255d86f7f4587943ce7734d6b9c0d';
const JOB_PATH = `/jobs/${WELL_FORMED_JOB_ID}`;
const VALID_CHANGES = '{"avatarName":"ok"}';

type Init = Parameters<typeof httpEventObject>[0];
const event = (init: Init): Record<string, unknown> => httpEventObject(init);
const cases = (kind: string, entries: [string, BadHttpInput['event']][]): BadHttpInput[] =>
  entries.map(([name, e]) => ({ kind, name, event: e }));

const rawEvents = cases('event not an FC event', [
  ['empty', ''],
  ['blank', ' \n\t'],
  ['open brace', '{'],
  ['null', 'null'],
  ['true', 'true'],
  ['number', '42'],
  ['string', '"GET /jobs"'],
  ['empty array', '[]'],
  ['array of event', `[${JSON.stringify(event({ path: JOB_PATH }))}]`],
  ['empty object', '{}'],
  ['raw HTTP request', `GET ${JOB_PATH} HTTP/1.1\r\nHost: x\r\n\r\n`],
  ['BOM before JSON', `\uFEFF${JSON.stringify(event({ path: JOB_PATH }))}`],
  ['truncated event', JSON.stringify(event({ path: JOB_PATH })).slice(0, 60)],
  ['binary bytes', Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22, 0xc3, 0x28])],
  ['nested 100k deep', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
  ['2 MB string', JSON.stringify({ rawPath: 'x'.repeat(2_000_000) })],
  ['__proto__ smuggling', '{"__proto__":{"rawPath":"/jobs/x"},"requestContext":{"http":{"method":"GET"}}}'],
]);

const ctx = (http: unknown) => ({ requestContext: { http } });
const shapes = cases('event shape', [
  ['no requestContext', { rawPath: JOB_PATH }],
  ['no rawPath', ctx({ method: 'GET' })],
  ['rawPath a number', { rawPath: 5, ...ctx({ method: 'GET' }) }],
  ['rawPath null', { rawPath: null, ...ctx({ method: 'GET' }) }],
  ['method a number', { rawPath: JOB_PATH, ...ctx({ method: 42 }) }],
  ['http a string', { rawPath: JOB_PATH, ...ctx('GET') }],
  ['requestContext null', { rawPath: JOB_PATH, requestContext: null }],
  ['header value a number', { ...event({ path: JOB_PATH }), headers: { 'x-count': 1 } }],
  ['headers an array', { ...event({ path: JOB_PATH }), headers: ['x-signature: t=1'] }],
  ['body an object', { ...event({ method: 'PATCH', path: JOB_PATH }), body: { avatarName: 'ok' } }],
  ['isBase64Encoded a string', { ...event({ method: 'PATCH', path: JOB_PATH }), isBase64Encoded: 'true' }],
  ['queryParameters a string', { ...event({ path: JOB_PATH }), queryParameters: 'a=1' }],
]);

const paths = cases(
  'path',
  [
    '',
    `jobs/${WELL_FORMED_JOB_ID}`,
    '/',
    '/jobs',
    '/jobs/',
    `//jobs/${WELL_FORMED_JOB_ID}`,
    `/jobs//${WELL_FORMED_JOB_ID}`,
    `${JOB_PATH}/`,
    `${JOB_PATH}/extra`,
    `/jobs/./${WELL_FORMED_JOB_ID}`,
    `/jobs/../jobs/${WELL_FORMED_JOB_ID}`,
    `/healthz/..${JOB_PATH}`,
    '/jobs/%2e%2e',
    '/jobs/%2E',
    '/jobs/a%2Fb',
    '/jobs/a%5Cb',
    '/jobs/%zz',
    '/jobs/%',
    '/jobs/%E0%A4%A',
    '/jobs/%00',
    '/jobs/a%0Ab',
    '/jobs/bad id',
    '/jobs/bad%20id',
    `/jobs/${'a'.repeat(65)}`,
    '/jobs/<script>alert(1)</script>',
    "/jobs/'%20OR%20'1'='1",
    // A Log4Shell-style probe: ${jndi:…}
    `/jobs/$${'{'}jndi:ldap:%2F%2Fx}`,
    '/jobs/ジョブ',
    '/jobs/%E3%82%B8%E3%83%A7%E3%83%96',
    '/jobs/%F0%9F%98%80',
    '/jobs/a.b',
    `/JOBS/${WELL_FORMED_JOB_ID}`,
    `/job/${WELL_FORMED_JOB_ID}`,
    `${JOB_PATH}%2F`,
    `\\jobs\\${WELL_FORMED_JOB_ID}`,
    '/jobs/bad id?x=1',
    `/${'x'.repeat(5_000)}`,
    `/jobs/${'a/'.repeat(2_100)}`,
    `/updates/${WELL_FORMED_JOB_ID}`,
    '/openapi.json/x',
  ].map((path): [string, BadHttpInput['event']] => [
    path.slice(0, 60),
    event({ path, rawPath: path, method: 'GET' }),
  ]),
);

const methods = cases(
  'method',
  (
    [
      ['DELETE', JOB_PATH],
      ['PUT', JOB_PATH],
      ['HEAD', JOB_PATH],
      ['OPTIONS', JOB_PATH],
      ['TRACE', JOB_PATH],
      ['CONNECT', JOB_PATH],
      ['get', JOB_PATH],
      ['patch', JOB_PATH],
      ['', JOB_PATH],
      ['GET ', JOB_PATH],
      ['G\u0000ET', JOB_PATH],
      ['X'.repeat(1_000), JOB_PATH],
      ['PATCH', '/updates'],
      ['GET', '/updates'],
      ['DELETE', '/healthz'],
      ['POST', '/openapi.json'],
    ] as const
  ).map(([method, path]): [string, BadHttpInput['event']] => [
    `${method.slice(0, 12) || '(empty)'} ${path}`,
    event({ method, path, body: VALID_CHANGES }),
  ]),
);

const manyHeaders = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`x-h${i}`, 'v'.repeat(20)]));
const headers = cases('headers', [
  ['Content-Type twice', event({ path: JOB_PATH, headers: { 'content-type': 'application/json' } })],
  [
    'x-signature twice',
    event({ path: JOB_PATH, headers: { 'x-signature': 't=1,v1=a', 'X-Signature': 't=2' } }),
  ],
  ['9 KB header', event({ path: JOB_PATH, headers: { 'x-big': 'h'.repeat(9_000) } })],
  ['300 headers', event({ path: JOB_PATH, headers: manyHeaders })],
]);

const patch = (body: string, init: Init = {}) => event({ method: 'PATCH', path: JOB_PATH, body, ...init });
const encodings = cases('body encoding', [
  ['flagged base64, is not', patch('not base64!', { isBase64Encoded: true })],
  [
    'base64 of invalid UTF-8',
    patch(Buffer.from([0xff, 0xfe, 0xfd]).toString('base64'), { isBase64Encoded: true }),
  ],
  ['base64 with a newline', patch('eyJhdmF0YXJO\nYW1lIjoib2sifQ==', { isBase64Encoded: true })],
  [
    'base64url alphabet',
    patch(Buffer.from('{"avatarName":"??>"}').toString('base64url'), { isBase64Encoded: true }),
  ],
  ['plain body over 64 KB', patch(JSON.stringify({ avatarDescription: 'x'.repeat(70_000) }))],
  [
    'base64 body over 64 KB',
    patch(Buffer.from(JSON.stringify({ avatarDescription: 'y'.repeat(70_000) })).toString('base64'), {
      isBase64Encoded: true,
    }),
  ],
]);

const contentTypes = cases(
  'content type',
  [
    'text/plain',
    'application/xml',
    'application/json; charset=latin1',
    'application/json; charset=utf-16',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/json, text/plain',
    'json',
    '*/*',
  ].map((type): [string, BadHttpInput['event']] => [
    type,
    patch(VALID_CHANGES, { headers: { 'Content-Type': type } }),
  ]),
);

const jobBodies = [
  '',
  '   ',
  'null',
  'true',
  '42',
  '"avatarName"',
  '[]',
  '[{"avatarName":"ok"}]',
  '{}',
  `{"jobId":"${WELL_FORMED_JOB_ID}"}`,
  `{"avatarName":"ok","jobId":"other"}`,
  '{"avatarName":"ABCDEFGH"}',
  '{"avatarName":"小树小树小树小树"}',
  '{"avatarName":"😀😀😀😀😀😀😀😀"}',
  '{"avatarName":""}',
  '{"avatarName":5}',
  '{"avatarName":null}',
  JSON.stringify({ avatarDescription: 'd'.repeat(1_001) }),
  '{"thumbnail":"http://b-1.oss-cn-shanghai.aliyuncs.com/a.png"}',
  '{"thumbnail":"https://evil.example.com/a.png"}',
  '{"thumbnail":"https://b-1.oss-cn-shanghai.aliyuncs.com.evil.com/a.png"}',
  '{"thumbnail":"https://user:pw@b-1.oss-cn-shanghai.aliyuncs.com/a.png"}',
  JSON.stringify({ thumbnail: `https://b-1.oss-cn-shanghai.aliyuncs.com/${'a'.repeat(520)}` }),
  '{"thumbnail":"javascript:alert(1)"}',
  JSON.stringify({ portrait: 'a'.repeat(31) }),
  JSON.stringify({ portrait: 'a'.repeat(33) }),
  JSON.stringify({ video: `${'a'.repeat(31)}-` }),
  '{"transparent":"true"}',
  '{"transparent":1}',
  '{"transparent":null}',
  '{"unknown":1}',
  '{"AvatarName":"ok"}',
  '{"__proto__":{"avatarName":"ok"}}',
  '{"constructor":{"prototype":{"avatarName":"ok"}}}',
  '{"avatarName":"ok"',
  '{"avatarName":"ok"} trailing',
  "{'avatarName':'ok'}",
  '{"avatarName":"ok",}',
  '{"avatarName":"ok","avatarName":"ABCDEFGH"}',
  '{"transparent":1e999}',
  `${'['.repeat(5_000)}${']'.repeat(5_000)}`,
];
const jobBodyCases = [
  ...cases(
    'job body (PATCH)',
    jobBodies.map((body): [string, BadHttpInput['event']] => [body.slice(0, 60), patch(body)]),
  ),
  ...cases(
    'job body (POST)',
    jobBodies.map((body): [string, BadHttpInput['event']] => [
      body.slice(0, 60),
      event({ method: 'POST', path: JOB_PATH, body }),
    ]),
  ),
];

const command = (extra: Record<string, unknown>) => ({ jobId: WELL_FORMED_JOB_ID, ...extra });
const updatesBodies: [string, string][] = [
  ['empty', ''],
  ['object', '{}'],
  ['one command, not in an array', JSON.stringify(command({ avatarName: 'ok' }))],
  ['empty array', '[]'],
  ['numbers', '[1,2,3]'],
  ['empty command', '[{}]'],
  ['no update field', JSON.stringify([command({})])],
  ['bad job ID', JSON.stringify([{ jobId: 'bad id', avatarName: 'ok' }])],
  ['nested array', JSON.stringify([[command({ avatarName: 'ok' })]])],
  ['1,001 commands', JSON.stringify(Array.from({ length: 1_001 }, () => command({ avatarName: 'ok' })))],
  ['100 invalid commands', JSON.stringify(Array.from({ length: 100 }, () => command({ avatarName: 8 })))],
  ['null item', '[null]'],
  ['string item', '["update"]'],
  ['unknown field', JSON.stringify([command({ avatarName: 'ok', extra: 1 })])],
  ['bad sentAt', JSON.stringify([command({ avatarName: 'ok', sentAt: 'yesterday' })])],
  ['attempt 0', JSON.stringify([command({ avatarName: 'ok', attempt: 0 })])],
  ['empty idempotencyKey', JSON.stringify([command({ avatarName: 'ok', idempotencyKey: '' })])],
  ['not JSON', '[{"jobId":'],
];
const updates = cases(
  'updates body',
  updatesBodies.map(([name, body]): [string, BadHttpInput['event']] => [
    name,
    event({ method: 'POST', path: '/updates', body }),
  ]),
);

export const httpCorpus = (): BadHttpInput[] => [
  ...rawEvents,
  ...shapes,
  ...paths,
  ...methods,
  ...headers,
  ...encodings,
  ...contentTypes,
  ...jobBodyCases,
  ...updates,
];
