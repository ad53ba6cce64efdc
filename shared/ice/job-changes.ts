/**
 * What UpdateAvatarTrainingJob and CreateAvatarTrainingJob accept: the update fields, each with its
 * documented rule, and the inputs built from them. Kept apart from schemas.ts (the read side) so that an
 * instance that only reads jobs never builds them: the ICE client and PATCH /jobs/{id} import this module
 * on their first write.
 */
import * as z from 'zod';
import { JobId } from './schemas.js';

const codePoints = (value: string) => [...value].length;

/** A string limited in Unicode code points (what ICE counts: 七个汉字 pass, an emoji counts once). */
export const codePointString = (min: number, max: number, description: string) =>
  z
    .string()
    .refine((v) => codePoints(v) >= min, { message: `Must be at least ${min} character(s)` })
    .refine((v) => codePoints(v) <= max, { message: `Must be at most ${max} characters` })
    // JSON Schema's minLength/maxLength count code points too, so the generated schema states the same rule.
    .meta({ minLength: min, maxLength: max, description });

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
