/**
 * The single source of truth for every ICE request and response this project sends or reads.
 * Our API is camelCase; ICE's wire names are the same words in PascalCase (`jobId` ⇄ `JobId`), so one
 * pair of functions (`toWireName` / `fromWireName`) is the whole mapping.
 */
import { z } from 'zod';

export const JOB_STATUSES = ['Init', 'Queuing', 'Training', 'Success', 'Fail'] as const;
export type KnownJobStatus = (typeof JOB_STATUSES)[number];
export const JobStatus = z.enum(JOB_STATUSES);
export const isKnownStatus = (status: string): status is KnownJobStatus =>
  (JOB_STATUSES as readonly string[]).includes(status);

const codePoints = (value: string) => [...value].length;

/** A string limited in Unicode code points (what ICE counts: 七个汉字 pass, an emoji counts once). */
export const codePointString = (min: number, max: number, description: string) =>
  z
    .string()
    .refine((v) => codePoints(v) >= min, { message: `Must be at least ${min} character(s)` })
    .refine((v) => codePoints(v) <= max, { message: `Must be at most ${max} characters` })
    // JSON Schema's minLength/maxLength count code points too, so the generated schema states the same rule.
    .meta({ minLength: min, maxLength: max, description });

export const JobId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, { message: 'Must be 1-64 letters, digits, "_" or "-"' })
  .meta({ description: 'ICE training job ID', example: 'a1b255d86f7f4587943ce7734d6b9c0d' });

const MediaId = (description: string) =>
  z
    .string()
    .length(32, { message: 'Must be exactly 32 characters' })
    .regex(/^[A-Za-z0-9]+$/, { message: 'Must be letters and digits only' })
    .meta({ description });

/** `<bucket>.oss-<region>[-internal].aliyuncs.com`: bucket names are 3-63 lower-case letters, digits, "-". */
const OSS_HOST = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]\.oss-[a-z0-9]+(?:-[a-z0-9]+)*\.aliyuncs\.com$/;
/**
 * A pattern over the raw text rather than checks on a parsed URL (which normalises case, dots and slashes
 * away), so the generated JSON Schema states exactly the same rule: no userinfo, port or whitespace.
 */
const OSS_HTTPS_URL_PATTERN = `^https://${OSS_HOST.source.slice(1, -1)}(?:[/?#]\\S*)?$`;
const OSS_HTTPS_URL = new RegExp(OSS_HTTPS_URL_PATTERN);
const THUMBNAIL_MAX = 512;

export const OssHttpsUrl = z
  .string()
  .refine((v) => codePoints(v) <= THUMBNAIL_MAX, { message: `Must be at most ${THUMBNAIL_MAX} characters` })
  .refine((value) => OSS_HTTPS_URL.test(value) && URL.canParse(value), {
    message: 'Must be an https URL on an OSS host (<bucket>.oss-<region>.aliyuncs.com)',
  })
  .meta({
    format: 'uri',
    pattern: OSS_HTTPS_URL_PATTERN,
    maxLength: THUMBNAIL_MAX,
    description: 'Public https URL of an OSS object',
    example: 'https://your-bucket.oss-cn-shanghai.aliyuncs.com/thumbnail.png',
  });

/** The fields UpdateAvatarTrainingJob can change, each with its documented rule. */
export const updateFields = {
  avatarName: codePointString(1, 7, 'Avatar name, at most 7 characters').optional(),
  avatarDescription: codePointString(0, 1000, 'Avatar description, at most 1000 characters').optional(),
  thumbnail: OssHttpsUrl.optional(),
  portrait: MediaId('Media ID of the portrait (32 characters)').optional(),
  video: MediaId('Media ID of the training video (32 characters)').optional(),
  transparent: z
    .boolean()
    .meta({ description: 'Transparent background; only while the job is Init or Fail' })
    .optional(),
};
export const UPDATE_FIELD_NAMES = Object.keys(updateFields) as (keyof typeof updateFields)[];

/**
 * "At least one update field": checked by zod and, since zod cannot derive JSON Schema from a refine,
 * also stated as `anyOf` for the generated JSON Schema and OpenAPI documents.
 */
export function requireAnUpdateField<S extends z.ZodObject>(schema: S, meta: Record<string, unknown> = {}) {
  return schema
    .refine(
      (value: Record<string, unknown>) => UPDATE_FIELD_NAMES.some((name) => value[name] !== undefined),
      {
        message: `At least one of ${UPDATE_FIELD_NAMES.join(', ')} is required`,
      },
    )
    .meta({ ...meta, anyOf: UPDATE_FIELD_NAMES.map((name) => ({ required: [name] })) });
}

/** The changes alone (the PATCH body). */
export const JobChanges = requireAnUpdateField(z.strictObject(updateFields), { id: 'JobChanges' });
export type JobChanges = z.output<typeof JobChanges>;

export const UpdateJobInput = requireAnUpdateField(z.strictObject({ jobId: JobId, ...updateFields }));
export type UpdateJobInput = z.output<typeof UpdateJobInput>;

export const GetJobInput = z.strictObject({ jobId: JobId });

export const ListJobsInput = z.strictObject({
  pageNo: z.number().int().min(1).optional(),
  pageSize: z.number().int().min(1).max(100).optional(),
  status: JobStatus.optional(),
});
export type ListJobsInput = z.output<typeof ListJobsInput>;

export const CreateJobInput = z.strictObject({
  avatarName: codePointString(1, 7, 'Avatar name, at most 7 characters'),
  avatarDescription: updateFields.avatarDescription,
  avatarType: z.string().min(1).optional(),
  thumbnail: updateFields.thumbnail,
  portrait: updateFields.portrait,
  video: updateFields.video,
  transparent: updateFields.transparent,
});
export type CreateJobInput = z.output<typeof CreateJobInput>;

// ---- responses: tolerant of unknown fields and stray whitespace ----

/** Trimmed text; null and absent both become undefined. */
const wireText = z
  .string()
  .nullable()
  .transform((v) => (v === null ? undefined : v.trim()))
  .optional();

/** A training job as our API shows it. An unrecognised status is kept as-is (the client warns). */
export const jobFields = {
  jobId: z.string().trim(),
  avatarId: wireText,
  avatarName: wireText,
  avatarDescription: wireText,
  avatarType: wireText,
  status: z.string().trim(),
  message: wireText,
  thumbnail: wireText,
  portrait: wireText,
  video: wireText,
  transparent: z
    .boolean()
    .nullable()
    .transform((v) => v ?? undefined)
    .optional(),
  createTime: wireText,
  firstTrainingTime: wireText,
  lastTrainingTime: wireText,
};
export const Job = z.object(jobFields).meta({ id: 'Job' });
export type Job = z.output<typeof Job>;

type WireShape<T extends Record<string, unknown>> = { [K in keyof T & string as Capitalize<K>]: T[K] };

export const toWireName = <K extends string>(name: K): Capitalize<K> =>
  (name.charAt(0).toUpperCase() + name.slice(1)) as Capitalize<K>;
export const fromWireName = <K extends string>(name: K): Uncapitalize<K> =>
  (name.charAt(0).toLowerCase() + name.slice(1)) as Uncapitalize<K>;

function wireShape<T extends Record<string, z.ZodType>>(shape: T): WireShape<T> {
  return Object.fromEntries(Object.entries(shape).map(([k, v]) => [toWireName(k), v])) as WireShape<T>;
}

/** camelCase request fields → the PascalCase query ICE expects (booleans travel as 'true'/'false'). */
export function toWireQuery(input: Record<string, unknown>): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value !== undefined) query[toWireName(key)] = String(value);
  }
  return query;
}

/** A wire job (PascalCase; unknown fields dropped) → our Job. */
const WireJob = z.looseObject(wireShape(jobFields)).transform((wire) => {
  const job: Record<string, unknown> = {};
  for (const name of Object.keys(jobFields)) {
    const value = (wire as Record<string, unknown>)[toWireName(name)];
    if (value !== undefined) job[name] = value;
  }
  return job as Job;
});

const envelope = <D extends z.ZodType>(data: D) =>
  z.looseObject({
    RequestId: z.string().trim(),
    Success: z.boolean().optional(),
    Data: data,
  });

export const GetJobResponse = envelope(z.looseObject({ AvatarTrainingJob: WireJob }));
export const JobIdResponse = envelope(z.looseObject({ JobId: z.string().trim() }));
export const ListJobsResponse = envelope(
  z.looseObject({
    AvatarTrainingJobList: z
      .array(WireJob)
      .nullish()
      .transform((v) => v ?? []),
    TotalCount: z.coerce.number().int().nonnegative(),
  }),
);

export interface JobPage {
  jobs: Job[];
  totalCount: number;
  pageNo: number;
  pageSize: number;
}
