import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  jsonSchemaOf,
  renderSchemas,
  SCHEMA_FILES,
  type SchemaFile,
} from '../../scripts/generate-schemas.js';
import {
  commandChanges,
  MAX_COMMANDS_PER_MESSAGE,
  UpdateCommand,
  UpdateMessage,
} from '../../shared/commands.js';
import { UPDATE_FIELD_NAMES, UpdateJobInput } from '../../shared/ice/job-changes.js';
import { issuesFromZod } from '../../shared/validation.js';

const JOB_ID = 'a1b255d86f7f4587943ce7734d6b9c0d';
const MEDIA_ID = '571c704445f9a0ee011406c2a1b2c3d4';
const ROOT = join(import.meta.dirname, '..', '..');

const paths = (schema: typeof UpdateCommand | typeof UpdateMessage, value: unknown) => {
  const result = schema.safeParse(value);
  return result.success ? [] : issuesFromZod(result.error).map((i) => i.path);
};

// ---- arbitraries: values on both sides of every rule, so samples hold valid and invalid commands ----

/** Mostly `usual`, sometimes `unusual`: zod, not the arbitrary, decides which samples are valid. */
const mostly = <T, U>(usual: fc.Arbitrary<T>, unusual: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: usual, weight: 6 }, { arbitrary: unusual, weight: 1 });
const emojis = (min: number, max: number) => fc.integer({ min, max }).map((n) => '😀'.repeat(n));
const letters = (min: number, max: number) => fc.integer({ min, max }).map((n) => 'd'.repeat(n));

const bucket = fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,20}[a-z0-9]$/);
const region = fc.constantFrom('cn-hangzhou', 'cn-shanghai-internal', 'ap-southeast-1', 'us-west-1');
const urlPath = fc.stringMatching(/^[/?#][A-Za-z0-9._~%/=&-]{0,40}$/);
const ossUrl = fc.tuple(bucket, region, urlPath).map(([b, r, p]) => `https://${b}.oss-${r}.aliyuncs.com${p}`);
const longUrl = (unit: string, min: number, max: number) =>
  fc.integer({ min, max }).map((n) => `https://b12.oss-cn-hangzhou.aliyuncs.com/${unit.repeat(n)}`);

const field = {
  jobId: mostly(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), fc.constantFrom('', 'a/b', 'j'.repeat(65), 7)),
  avatarName: mostly(
    fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 7 }), emojis(1, 7)),
    fc.oneof(fc.constantFrom('', 'eight ch', null), emojis(8, 9)),
  ),
  avatarDescription: mostly(
    fc.oneof(fc.string(), letters(1000, 1000), emojis(999, 1000)),
    letters(1001, 1002),
  ),
  thumbnail: mostly(
    fc.oneof(ossUrl, longUrl('a', 470, 472), longUrl('中', 470, 472)),
    fc.oneof(
      ossUrl.map((u) => u.replace('https://', 'http://')),
      ossUrl.map((u) => u.replace('.aliyuncs.com', '.aliyuncs.com:443')),
      ossUrl.map((u) => u.replace('https://', 'https://user@')),
      ossUrl.map((u) => u.toUpperCase()),
      ossUrl.map((u) => `${u} x`),
      longUrl('a', 473, 474),
      longUrl('中', 473, 474),
      fc.webUrl(),
    ),
  ),
  portrait: mostly(fc.stringMatching(/^[A-Za-z0-9]{32}$/), fc.stringMatching(/^[A-Za-z0-9*]{31,33}$/)),
  video: mostly(fc.stringMatching(/^[A-Za-z0-9]{32}$/), fc.constantFrom(MEDIA_ID.slice(1), 32)),
  transparent: mostly(fc.boolean(), fc.constantFrom('true', 1)),
  sentAt: mostly(
    fc
      .date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString()),
    fc.constantFrom('2025-01-15T16:10:00+08:00', '2025-01-15T08:10:00', '2025-02-30T00:00:00Z', 'yesterday'),
  ),
  idempotencyKey: mostly(
    fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), emojis(128, 128)),
    fc.oneof(fc.constant(''), emojis(129, 130), letters(129, 129)),
  ),
  attempt: mostly(fc.integer({ min: 1, max: 5 }), fc.constantFrom(0, -1, 1.5)),
};
const command = fc
  .tuple(fc.record(field, { requiredKeys: ['jobId'] }), fc.option(fc.constant('x'), { freq: 8 }))
  .map(([c, unknown]) => (unknown === null ? c : { ...c, unknownField: unknown }));
const message = fc.oneof(
  command,
  fc.array(command, { maxLength: 3 }),
  fc
    .integer({ min: 99, max: 101 })
    .map((n) => Array.from({ length: n }, () => ({ jobId: JOB_ID, video: MEDIA_ID }))),
);

describe('UpdateCommand (the producer contract)', () => {
  it('accepts a command with jobId, update fields, sentAt and idempotencyKey', () => {
    expect(
      paths(UpdateCommand, {
        jobId: JOB_ID,
        avatarName: '小树',
        transparent: false,
        sentAt: '2025-01-15T16:10:00+08:00',
        idempotencyKey: 'order-42',
        attempt: 2,
      }),
    ).toEqual([]);
  });

  it('requires jobId and at least one update field', () => {
    expect(paths(UpdateCommand, { avatarName: 'x' })).toEqual(['jobId']);
    expect(
      paths(UpdateCommand, { jobId: JOB_ID, sentAt: '2025-01-15T08:10:00Z', idempotencyKey: 'k' }),
    ).toEqual(['']);
  });

  it('applies the UpdateAvatarTrainingJob rules to the update fields', () => {
    expect(
      paths(UpdateCommand, { jobId: JOB_ID, avatarName: '数字人小树小云朵', portrait: 'short' }),
    ).toEqual(['avatarName', 'portrait']);
  });

  it('refuses unknown fields and PascalCase wire names', () => {
    expect(paths(UpdateCommand, { jobId: JOB_ID, AvatarName: 'x', avatarName: 'x' })).toEqual(['AvatarName']);
  });

  it('takes sentAt only as an ISO-8601 time with a zone', () => {
    for (const sentAt of ['2025-01-15T08:10:00Z', '2025-01-15T08:10:00.123Z', '2025-01-15T16:10:00+08:00'])
      expect(paths(UpdateCommand, { jobId: JOB_ID, video: MEDIA_ID, sentAt })).toEqual([]);
    for (const sentAt of ['2025-01-15T08:10:00', '2025-01-15', '1736928600', 'soon'])
      expect(paths(UpdateCommand, { jobId: JOB_ID, video: MEDIA_ID, sentAt })).toEqual(['sentAt']);
  });

  it('takes an idempotencyKey of 1-128 characters, an emoji counting once', () => {
    const ok = { jobId: JOB_ID, video: MEDIA_ID };
    expect(paths(UpdateCommand, { ...ok, idempotencyKey: '😀'.repeat(128) })).toEqual([]);
    expect(paths(UpdateCommand, { ...ok, idempotencyKey: 'k'.repeat(129) })).toEqual(['idempotencyKey']);
    expect(paths(UpdateCommand, { ...ok, idempotencyKey: '' })).toEqual(['idempotencyKey']);
  });

  it('takes attempt as a positive integer', () => {
    expect(paths(UpdateCommand, { jobId: JOB_ID, video: MEDIA_ID, attempt: 0 })).toEqual(['attempt']);
    expect(paths(UpdateCommand, { jobId: JOB_ID, video: MEDIA_ID, attempt: 1.5 })).toEqual(['attempt']);
  });

  it('yields, through commandChanges, a valid UpdateJobInput for any valid command (property)', () => {
    fc.assert(
      fc.property(command, (candidate) => {
        const parsed = UpdateCommand.safeParse(candidate);
        fc.pre(parsed.success);
        if (!parsed.success) return;
        const changes = commandChanges(parsed.data);
        expect(changes).not.toHaveProperty('sentAt');
        expect(changes).not.toHaveProperty('idempotencyKey');
        expect(changes).not.toHaveProperty('attempt');
        expect(UpdateJobInput.safeParse(changes).success).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('UpdateMessage (one MNS message body)', () => {
  const one = { jobId: JOB_ID, avatarName: 'x' };

  it(`holds one command or an array of 1-${MAX_COMMANDS_PER_MESSAGE}`, () => {
    expect(paths(UpdateMessage, one)).toEqual([]);
    expect(paths(UpdateMessage, [one])).toEqual([]);
    expect(paths(UpdateMessage, Array(MAX_COMMANDS_PER_MESSAGE).fill(one))).toEqual([]);
    expect(paths(UpdateMessage, [])).not.toEqual([]);
    expect(paths(UpdateMessage, Array(MAX_COMMANDS_PER_MESSAGE + 1).fill(one))).not.toEqual([]);
  });

  it('refuses other JSON values', () => {
    for (const body of [null, 'text', 42, true]) expect(paths(UpdateMessage, body)).not.toEqual([]);
  });
});

describe('the generated JSON Schema files', () => {
  const ajv = new Ajv2020({ allErrors: true, validateFormats: false });
  // Annotation keywords zod's metadata adds; they describe, they never validate.
  ajv.addVocabulary(['example']);
  const validators = Object.fromEntries(
    (Object.keys(SCHEMA_FILES) as SchemaFile[]).map((file) => [file, ajv.compile(jsonSchemaOf(file))]),
  ) as Record<SchemaFile, ReturnType<typeof ajv.compile>>;

  it('are committed exactly as scripts/generate-schemas.ts writes them now', () => {
    for (const [file, text] of Object.entries(renderSchemas())) {
      expect(
        readFileSync(join(ROOT, file), 'utf8'),
        `${file} is stale: run npx tsx scripts/generate-schemas.ts`,
      ).toBe(text);
    }
  });

  it('are draft 2020-12 documents that state every command field', () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'schemas/update-command.schema.json'), 'utf8'));
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const def = schema.$defs.UpdateCommand;
    expect(Object.keys(def.properties)).toEqual([
      'jobId',
      ...UPDATE_FIELD_NAMES,
      'sentAt',
      'idempotencyKey',
      'attempt',
    ]);
    expect(def.required).toEqual(['jobId']);
    expect(def.additionalProperties).toBe(false);
  });

  it('accept and refuse commands exactly as zod does (property)', () => {
    const validate = validators['schemas/update-command.schema.json'];
    fc.assert(
      fc.property(command, (candidate) => {
        expect(validate(candidate)).toBe(UpdateCommand.safeParse(candidate).success);
      }),
      { numRuns: 1_000 },
    );
  });

  it('accept and refuse message bodies exactly as zod does (property)', () => {
    const validate = validators['schemas/update-message.schema.json'];
    fc.assert(
      fc.property(message, (candidate) => {
        expect(validate(candidate)).toBe(UpdateMessage.safeParse(candidate).success);
      }),
      { numRuns: 300 },
    );
  });

  it('are compared on samples holding both valid and invalid commands', () => {
    const outcomes = fc
      .sample(command, { numRuns: 1_000, seed: 42 })
      .map((c) => UpdateCommand.safeParse(c).success);
    expect(outcomes.filter(Boolean).length).toBeGreaterThan(20);
    expect(outcomes.filter((ok) => !ok).length).toBeGreaterThan(20);
  });
});
