/**
 * The single source of truth for every ICE request and response this project sends or reads (the update and
 * create inputs are in job-changes.ts).
 * Our API is camelCase; ICE's wire names are the same words in PascalCase (`jobId` ⇄ `JobId`), so one
 * pair of functions (`toWireName` / `fromWireName`) is the whole mapping.
 */
import * as z from 'zod';

export const JOB_STATUSES = ['Init', 'Queuing', 'Training', 'Success', 'Fail'] as const;
export type KnownJobStatus = (typeof JOB_STATUSES)[number];
export const JobStatus = z.enum(JOB_STATUSES);
export const isKnownStatus = (status: string): status is KnownJobStatus =>
  (JOB_STATUSES as readonly string[]).includes(status);

export const JobId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, { message: 'Must be 1-64 letters, digits, "_" or "-"' })
  .meta({ description: 'ICE training job ID', example: 'a1b255d86f7f4587943ce7734d6b9c0d' });

export const GetJobInput = z.strictObject({ jobId: JobId });

export const ListJobsInput = z.strictObject({
  pageNo: z.number().int().min(1).optional(),
  pageSize: z.number().int().min(1).max(100).optional(),
  status: JobStatus.optional(),
});
export type ListJobsInput = z.output<typeof ListJobsInput>;

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
// Pure: responses are parsed with WireJob; this named schema is for the OpenAPI document.
export const Job = /* @__PURE__ */ z.object(jobFields).meta({ id: 'Job' });
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
