/**
 * Generated bad inputs for the HTTP function (fast-check). Each generator is bad by construction, checked
 * against the contract schemas (JobId, JobChanges, UpdateCommand), never against the handler's own code:
 * random event text, job routes with malformed IDs, junk paths, wrong methods, invalid job bodies, and
 * /updates bodies with no valid command.
 */
import fc from 'fast-check';
import { UpdateCommand } from '../../shared/commands.js';
import { JobChanges } from '../../shared/ice/job-changes.js';
import { JobId } from '../../shared/ice/schemas.js';
import { httpEventObject } from '../../test/helpers/fc.js';
import { type BadHttpInput, WELL_FORMED_JOB_ID } from './http-corpus.js';

const ROUTE_METHODS: Record<string, readonly string[]> = {
  healthz: ['GET'],
  'openapi.json': ['GET'],
  updates: ['POST'],
  jobs: ['GET', 'PATCH', 'POST'],
};

const decodes = (segment: string): string | undefined => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
};

/** True when a request to `path` could legitimately pass validation (a route with a well-formed ID). */
function reachesARoute(path: string): boolean {
  const segments = path.split(/[?#]/, 1)[0]!.split('/').slice(1).map(decodes);
  if (segments.length === 1) return segments[0]! in ROUTE_METHODS;
  return segments.length === 2 && segments[0] === 'jobs' && JobId.safeParse(segments[1]).success;
}

const parsesAs = (text: string, schema: { safeParse(v: unknown): { success: boolean } }): boolean => {
  try {
    return schema.safeParse(JSON.parse(text)).success;
  } catch {
    return false;
  }
};

const kinded = (kind: string) => (event: BadHttpInput['event']) => ({ kind, event });

const junkValue = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', minLength: 8, maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.webUrl(),
  fc.stringMatching(/^[A-Za-z0-9]{30,34}$/),
);
const FIELD_NAMES = [
  'avatarName',
  'avatarDescription',
  'thumbnail',
  'portrait',
  'video',
  'transparent',
  'jobId',
  'sentAt',
  'attempt',
  'AvatarName',
  'extra',
];
const junkRecord = fc.dictionary(fc.constantFrom(...FIELD_NAMES), junkValue, { maxKeys: 4 });
const anyJsonText = fc.oneof(fc.json({ maxDepth: 3 }), fc.string({ maxLength: 40 }));

/** Whole events that are not FC HTTP events. */
const randomEventText = fc
  .oneof(
    fc.string({ maxLength: 200 }),
    fc.json({ maxDepth: 4 }),
    fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
  )
  .map(kinded('generated: random event text'));

/** A job route whose ID, once decoded, is not a JobId. */
const malformedJobId = fc
  .record({
    method: fc.constantFrom('GET', 'PATCH', 'POST'),
    id: fc
      .oneof(
        fc.string({ maxLength: 80 }),
        fc.string({ unit: 'binary', maxLength: 20 }),
        fc.string({ minLength: 65 }),
      )
      .filter((id) => !JobId.safeParse(id).success),
  })
  .map(({ method, id }) =>
    httpEventObject({ method, path: `/jobs/${encodeURIComponent(id)}`, body: '{"avatarName":"ok"}' }),
  )
  .map(kinded('generated: malformed job ID'));

/** Paths made of junk segments that route nowhere valid. */
const junkPath = fc
  .oneof(
    fc.string({ maxLength: 60 }),
    fc
      .array(fc.oneof(fc.webSegment(), fc.constantFrom('', '.', '..', '%2F', '%', 'jobs', 'JOBS')), {
        maxLength: 5,
      })
      .map((segments) => `/${segments.join('/')}`),
  )
  .filter((path) => !reachesARoute(path))
  .map((path) => httpEventObject({ method: 'GET', path, rawPath: path }))
  .map(kinded('generated: junk path'));

/** A real route with a method it does not allow. */
const wrongMethod = fc
  .record({
    route: fc.constantFrom(...Object.keys(ROUTE_METHODS)),
    method: fc.oneof(fc.constantFrom('PUT', 'DELETE', 'HEAD', 'get', 'Patch'), fc.string({ maxLength: 10 })),
  })
  .filter(({ route, method }) => !ROUTE_METHODS[route]!.includes(method))
  .map(({ route, method }) => {
    const path = route === 'jobs' ? `/jobs/${WELL_FORMED_JOB_ID}` : `/${route}`;
    return httpEventObject({ method, path });
  })
  .map(kinded('generated: method not allowed'));

/** PATCH/POST /jobs/{id} with a body that is not valid JobChanges. */
const invalidChanges = fc
  .record({
    method: fc.constantFrom('PATCH', 'POST'),
    body: fc.oneof(
      junkRecord.map((r) => JSON.stringify(r)),
      anyJsonText,
    ),
  })
  .filter(({ body }) => !parsesAs(body, JobChanges))
  .map(({ method, body }) => httpEventObject({ method, path: `/jobs/${WELL_FORMED_JOB_ID}`, body }))
  .map(kinded('generated: invalid job body'));

/** POST /updates whose body holds no valid command. */
const noValidCommand = fc
  .oneof(
    fc
      .array(junkRecord, { minLength: 0, maxLength: 6 })
      .filter((items) => items.every((item) => !UpdateCommand.safeParse(item).success))
      .map((items) => JSON.stringify(items)),
    anyJsonText,
  )
  .filter((body) => {
    try {
      const parsed: unknown = JSON.parse(body);
      return !Array.isArray(parsed) || parsed.every((item) => !UpdateCommand.safeParse(item).success);
    } catch {
      return true;
    }
  })
  .map((body) => httpEventObject({ method: 'POST', path: '/updates', body }))
  .map(kinded('generated: /updates without a valid command'));

export const badHttpInput: fc.Arbitrary<{ kind: string; event: BadHttpInput['event'] }> = fc.oneof(
  randomEventText,
  malformedJobId,
  junkPath,
  wrongMethod,
  invalidChanges,
  noValidCommand,
);

/** `count` generated inputs, reproducible from `seed`. */
export function generatedHttpInputs(count: number, seed: number): BadHttpInput[] {
  return fc.sample(badHttpInput, { numRuns: count, seed }).map((input, i) => ({ ...input, name: `#${i}` }));
}
