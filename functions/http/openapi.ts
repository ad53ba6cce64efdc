/**
 * GET /openapi.json: an OpenAPI 3.1 document whose schemas are all generated from the zod schemas with
 * zod 4's z.toJSONSchema (no hand-written copy). OpenAPI 3.1 schema objects are JSON Schema 2020-12, zod's
 * default target; `$defs` are hoisted into `components.schemas` so every `$ref` resolves in the document.
 */
import * as z from 'zod';
import { JobChanges } from '../../shared/ice/job-changes.js';
import { JobId } from '../../shared/ice/schemas.js';
import { SIGNATURE_HEADER } from '../../shared/webhook-signature.js';
import { RETRY_AFTER_SECONDS } from './error-response.js';
import { MAX_BODY_BYTES } from './request.js';
import {
  ErrorBody,
  GetJobBody,
  HealthBody,
  MAX_UPDATES_PER_REQUEST,
  UpdateJobBody,
  UpdatesBody,
  UpdatesErrorBody,
  UpdatesRequest,
} from './schemas.js';

type Json = Record<string, unknown>;
type Io = 'input' | 'output';

const DEFS = '#/$defs/';
const COMPONENTS = '#/components/schemas/';

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [
      key,
      key === '$ref' && typeof v === 'string' && v.startsWith(DEFS)
        ? COMPONENTS + v.slice(DEFS.length)
        : rewriteRefs(v),
    ]),
  );
}

function withoutNull(schema: Json): Json {
  const { $schema: _, ...rest } = schema;
  if (Array.isArray(rest.type)) {
    const types = rest.type.filter((t) => t !== 'null');
    return { ...rest, type: types.length === 1 ? types[0] : types };
  }
  return rest;
}

type AnyDef = {
  type: string;
  in?: z.core.$ZodType;
  out?: z.core.$ZodType;
  shape?: Record<string, z.core.$ZodType>;
};
const defOf = (schema: z.core.$ZodType) => schema._zod.def as unknown as AnyDef;

/** A response field like `wireText`: nullable input piped into a transform that trims and drops null. */
const isTidyingTransform = (schema: z.core.$ZodType | undefined): boolean => {
  const def = schema && defOf(schema);
  return def?.type === 'pipe' && def.out !== undefined && defOf(def.out).type === 'transform';
};

/**
 * A transform's output has no JSON Schema. Ours (shared/ice/schemas.ts) only trim text and turn null into
 * "absent", so an output is documented as its input type without null, and optional when the input is.
 */
function documentTransformOutputs(ctx: { zodSchema: z.core.$ZodType; jsonSchema: Json }): void {
  const def = defOf(ctx.zodSchema);
  if (isTidyingTransform(ctx.zodSchema) && def.in) {
    for (const key of Object.keys(ctx.jsonSchema)) delete ctx.jsonSchema[key];
    Object.assign(ctx.jsonSchema, withoutNull(z.toJSONSchema(def.in, { io: 'input' }) as Json));
  }
  if (def.type === 'object' && def.shape && Array.isArray(ctx.jsonSchema.required)) {
    const shape = def.shape;
    const required = (ctx.jsonSchema.required as string[]).filter(
      (key) => !(isTidyingTransform(shape[key]) && defOf(shape[key]!).in?._zod.optin === 'optional'),
    );
    if (required.length > 0) ctx.jsonSchema.required = required;
    else delete ctx.jsonSchema.required;
  }
}

class Components {
  readonly schemas: Record<string, Json> = {};

  /** The JSON Schema of `schema` for use in the document; named sub-schemas land in components. */
  schema(schema: z.core.$ZodType, io: Io): Json {
    const generated = z.toJSONSchema(schema, {
      io,
      unrepresentable: (ctx) =>
        defOf(ctx.zodSchema).type === 'transform' && io === 'output' ? 'any' : 'throw',
      ...(io === 'output' ? { override: documentTransformOutputs } : {}),
    }) as Json;
    const { $schema: _, $defs, ...rest } = generated;
    for (const [name, def] of Object.entries(($defs ?? {}) as Record<string, Json>)) {
      const json = rewriteRefs(def) as Json;
      const existing = this.schemas[name];
      if (existing && JSON.stringify(existing) !== JSON.stringify(json)) {
        throw new Error(`Schema ${name} would be documented twice with different content`);
      }
      this.schemas[name] = json;
    }
    return rewriteRefs(rest) as Json;
  }
}

const json = (schema: Json) => ({ 'application/json': { schema } });
const header = (name: string) => ({ $ref: `#/components/headers/${name}` });
const response = (name: string) => ({ $ref: `#/components/responses/${name}` });

export function buildOpenApiDocument(): Json {
  const c = new Components();
  const error = c.schema(ErrorBody, 'output');
  const updatesError = c.schema(UpdatesErrorBody, 'output');
  const errorResponse = (description: string, headers: Json = {}) => ({
    description,
    headers: { 'x-request-id': header('RequestId'), ...headers },
    content: json(error),
  });
  const ok = (description: string, schema: Json) => ({
    description,
    headers: { 'x-request-id': header('RequestId') },
    content: json(schema),
  });
  const common = {
    '400': response('BadRequest'),
    '401': response('Unauthorized'),
    '405': response('MethodNotAllowed'),
    '431': response('HeaderFieldsTooLarge'),
    '500': response('InternalError'),
  };
  const bodyErrors = { '413': response('PayloadTooLarge'), '415': response('UnsupportedMediaType') };
  const iceErrors = {
    '429': response('TooManyRequests'),
    '502': response('BadGateway'),
    '503': response('ServiceUnavailable'),
    '504': response('GatewayTimeout'),
  };
  const updateOperation = (operationId: string, summary: string) => ({
    operationId,
    summary,
    requestBody: { required: true, content: json(c.schema(JobChanges, 'input')) },
    responses: {
      '200': ok('Updated', c.schema(UpdateJobBody, 'output')),
      ...common,
      '404': response('NotFound'),
      '409': response('Conflict'),
      ...bodyErrors,
      ...iceErrors,
    },
  });

  return {
    openapi: '3.1.0',
    info: {
      title: 'ice-avatar-jobs HTTP API',
      version: '1.0.0',
      description:
        `Read and update Alibaba Cloud ICE avatar training jobs. When WEBHOOK_SECRET is set, every request but ` +
        `/healthz needs \`${SIGNATURE_HEADER}: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>\`, ` +
        `within ±300 s. Bodies are JSON, at most ${MAX_BODY_BYTES} bytes.`,
    },
    security: [{ signature: [] }],
    paths: {
      '/jobs/{jobId}': {
        parameters: [{ name: 'jobId', in: 'path', required: true, schema: c.schema(JobId, 'input') }],
        get: {
          operationId: 'getJob',
          summary: 'Get a training job',
          responses: {
            '200': ok('The job', c.schema(GetJobBody, 'output')),
            ...common,
            '404': response('NotFound'),
            ...iceErrors,
          },
        },
        patch: updateOperation('updateJob', 'Change a training job'),
        post: updateOperation('updateJobByPost', 'Change a training job (for senders that can only POST)'),
      },
      '/updates': {
        post: {
          operationId: 'enqueueUpdates',
          summary: `Enqueue up to ${MAX_UPDATES_PER_REQUEST} update commands to UPDATES_QUEUE`,
          requestBody: { required: true, content: json(c.schema(UpdatesRequest, 'input')) },
          responses: {
            '202': ok(
              'At least one command is in the queue; `rejected` and `failed` list the rest',
              c.schema(UpdatesBody, 'output'),
            ),
            ...common,
            '400': {
              description: 'The body is not a 1..1000 array (Error), or no command is valid (UpdatesError)',
              headers: { 'x-request-id': header('RequestId') },
              content: json({ anyOf: [updatesError, error] }),
            },
            ...bodyErrors,
            '503': {
              description: 'The queue took none of the valid commands (nothing was enqueued); retry',
              headers: { 'x-request-id': header('RequestId'), 'retry-after': header('RetryAfter') },
              content: json(updatesError),
            },
          },
        },
      },
      '/healthz': {
        get: {
          operationId: 'health',
          summary: 'Liveness; never calls ICE and needs no signature',
          security: [],
          responses: {
            '200': ok('Alive', c.schema(HealthBody, 'output')),
            '405': response('MethodNotAllowed'),
          },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'openapi',
          summary: 'This document',
          responses: { '200': ok('OpenAPI 3.1 document', { type: 'object' }), ...common },
        },
      },
    },
    components: {
      securitySchemes: {
        signature: {
          type: 'apiKey',
          in: 'header',
          name: SIGNATURE_HEADER,
          description:
            't=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>; see README "How to sign"',
        },
      },
      headers: {
        RequestId: {
          description: 'Correlation ID: the caller’s x-request-id when given, else generated',
          schema: { type: 'string' },
        },
        RetryAfter: {
          description: 'Seconds to wait before retrying',
          schema: { type: 'integer', minimum: 0 },
        },
        Allow: { description: 'Methods this path allows', schema: { type: 'string' } },
      },
      responses: {
        BadRequest: errorResponse('Invalid input; `issues` names every offending field path'),
        Unauthorized: errorResponse(`Missing, malformed, expired or wrong ${SIGNATURE_HEADER}`),
        NotFound: errorResponse('Unknown route, or no job with this ID (code JobNotFound)'),
        MethodNotAllowed: errorResponse('Method not allowed on this path', { allow: header('Allow') }),
        Conflict: errorResponse(
          'The job state forbids this change (transparent outside Init/Fail, thumbnail after training)',
        ),
        PayloadTooLarge: errorResponse(`Body over ${MAX_BODY_BYTES} bytes`),
        UnsupportedMediaType: errorResponse('Body or Content-Type is not JSON'),
        HeaderFieldsTooLarge: errorResponse('Request headers over 8 KiB'),
        TooManyRequests: errorResponse(`ICE throttled the call; retry after ${RETRY_AFTER_SECONDS} s`, {
          'retry-after': header('RetryAfter'),
        }),
        BadGateway: errorResponse('ICE answered with an error'),
        ServiceUnavailable: errorResponse(
          'ICE unavailable (with Retry-After), or the function is not configured to accept requests',
          { 'retry-after': header('RetryAfter') },
        ),
        GatewayTimeout: errorResponse('ICE did not answer in time'),
        InternalError: errorResponse('Unexpected failure; details are in the function log only'),
      },
      schemas: c.schemas,
    },
  };
}
