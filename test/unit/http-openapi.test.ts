import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildOpenApiDocument } from '../../functions/http/openapi.js';
import { UpdateCommand } from '../../shared/commands.js';
import { InvalidJobState } from '../../shared/errors.js';
import { JobChanges } from '../../shared/ice/job-changes.js';
import { JOB_ID, sampleJob, testHandler } from '../helpers/http.js';

// biome-ignore lint/suspicious/noExplicitAny: the document is arbitrary JSON
const doc = buildOpenApiDocument() as any;

/** Every component schema compiled under JSON Schema 2020-12 (OpenAPI 3.1's dialect), refs resolved. */
function validatorFor(name: string) {
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  ajv.addSchema({ $id: 'doc', components: doc.components });
  return ajv.compile({ $ref: `doc#/components/schemas/${name}` });
}

const expectValid = (name: string, value: unknown) => {
  const validate = validatorFor(name);
  expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
};

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('is what the handler serves', async () => {
    const res = await testHandler().send({ path: '/openapi.json' });
    expect(res.json).toEqual(JSON.parse(JSON.stringify(doc)));
  });

  it('documents every route and method the handler serves', () => {
    expect(Object.keys(doc.paths).sort()).toEqual(['/healthz', '/jobs/{jobId}', '/openapi.json', '/updates']);
    expect(Object.keys(doc.paths['/jobs/{jobId}']).sort()).toEqual(['get', 'parameters', 'patch', 'post']);
  });

  it('resolves every $ref inside the document', () => {
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) {
      const path = ref.slice(8, -1).replace(/^#\//, '').split('/');
      expect(
        path.reduce((node, key) => node?.[key], doc),
        ref,
      ).toBeDefined();
    }
  });

  it('takes request schemas straight from the zod schemas (no hand-written copy)', () => {
    const generated = (schema: z.ZodType, id: string) => {
      const { $defs } = z.toJSONSchema(schema, { io: 'input' }) as { $defs: Record<string, unknown> };
      return $defs[id];
    };
    expect(doc.components.schemas.JobChanges).toEqual(generated(JobChanges, 'JobChanges'));
    expect(doc.components.schemas.UpdateCommand).toEqual(generated(UpdateCommand, 'UpdateCommand'));
  });

  it('documents job fields as optional strings (the response transforms drop nulls)', () => {
    const job = doc.components.schemas.Job;
    expect(job.required.sort()).toEqual(['jobId', 'status']);
    expect(job.properties.avatarName).toEqual({ type: 'string' });
    expect(job.properties.transparent).toEqual({ type: 'boolean' });
  });

  it('describes the bodies the handler actually sends', async () => {
    const t = testHandler();
    expectValid('GetJobResponse', (await t.send({ path: `/jobs/${JOB_ID}` })).json);
    expectValid(
      'UpdateJobResponse',
      (await t.send({ path: `/jobs/${JOB_ID}`, method: 'PATCH', body: '{"avatarName":"a"}' })).json,
    );
    expectValid(
      'UpdatesResponse',
      (await t.send({ path: '/updates', method: 'POST', body: `[{"jobId":"j","transparent":true},{}]` }))
        .json,
    );
    expectValid('UpdatesError', (await t.send({ path: '/updates', method: 'POST', body: '[{}]' })).json);
    expectValid('Health', (await t.send({ path: '/healthz' })).json);
    t.ice.failWith(() =>
      InvalidJobState('no', { issues: [{ path: 'transparent', message: 'Job is Training' }] }),
    );
    expectValid(
      'Error',
      (await t.send({ path: `/jobs/${JOB_ID}`, method: 'PATCH', body: '{"transparent":true}' })).json,
    );
    expectValid('Error', (await t.send({ path: '/nope' })).json);
  });

  it('refuses what the API refuses: a command with an unknown field', () => {
    const validate = validatorFor('UpdatesRequest');
    expect(validate([{ jobId: JOB_ID, avatarName: 'a' }])).toBe(true);
    expect(validate([{ jobId: JOB_ID, avatarName: 'a', colour: 'red' }])).toBe(false);
    expect(validate([])).toBe(false);
    expect(sampleJob().jobId).toBe(JOB_ID);
  });
});
