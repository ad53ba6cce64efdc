import type { QueryParams } from './acs3-signature.js';
import { invalidParameter, missingParameter } from './ice-error.js';
import { JOB_STATUSES, type JobFields, type JobStatus, type JobStore, jobNotFound } from './jobs.js';

/** Turns the query parameters of one action into its `Data` object (reference ice.md §1.2, §1.3). */
export type IceAction = (params: Readonly<QueryParams>) => object;

export const ICE_API_VERSION = '2020-11-09';

export const ICE_ACTIONS = [
  'CreateAvatarTrainingJob',
  'SubmitAvatarTrainingJob',
  'GetAvatarTrainingJob',
  'UpdateAvatarTrainingJob',
  'ListAvatarTrainingJobs',
  'DeleteAvatarTrainingJob',
] as const;

export type IceActionName = (typeof ICE_ACTIONS)[number];

function jobId(params: Readonly<QueryParams>): string {
  const value = params.JobId;
  if (value === undefined || value === '') throw missingParameter('JobId');
  return value;
}

/** `Transparent` travels as the string `true` or `false` (`OpenApiUtil.query` calls `toString()`). */
function transparent(params: Readonly<QueryParams>): boolean | undefined {
  const value = params.Transparent;
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw invalidParameter('Transparent', 'It must be true or false.');
}

function integer(
  params: Readonly<QueryParams>,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  const value = params[name];
  if (value === undefined) return fallback;
  const parsed = /^\d{1,9}$/.test(value) ? Number(value) : Number.NaN;
  if (!(parsed >= min && parsed <= max))
    throw invalidParameter(name, `It must be an integer from ${min} to ${max}.`);
  return parsed;
}

function status(params: Readonly<QueryParams>): JobStatus | undefined {
  const value = params.Status;
  if (value === undefined) return undefined;
  if (!(JOB_STATUSES as readonly string[]).includes(value)) {
    throw invalidParameter('Status', `It must be one of ${JOB_STATUSES.join(', ')}.`);
  }
  return value as JobStatus;
}

function fields(params: Readonly<QueryParams>): JobFields {
  return {
    avatarName: params.AvatarName,
    avatarDescription: params.AvatarDescription,
    thumbnail: params.Thumbnail,
    portrait: params.Portrait,
    video: params.Video,
    transparent: transparent(params),
  };
}

export function createIceActions(store: JobStore): ReadonlyMap<string, IceAction> {
  const actions: Record<IceActionName, IceAction> = {
    CreateAvatarTrainingJob: (params) => {
      const avatarName = params.AvatarName;
      if (avatarName === undefined || avatarName === '') throw missingParameter('AvatarName');
      return { JobId: store.create({ ...fields(params), avatarName, avatarType: params.AvatarType }).JobId };
    },
    SubmitAvatarTrainingJob: (params) => {
      const id = jobId(params);
      store.submit(id);
      return { JobId: id };
    },
    GetAvatarTrainingJob: (params) => {
      const id = jobId(params);
      const job = store.get(id);
      if (job === undefined) throw jobNotFound(id);
      return { AvatarTrainingJob: job };
    },
    UpdateAvatarTrainingJob: (params) => {
      const id = jobId(params);
      store.update(id, fields(params));
      return { JobId: id };
    },
    ListAvatarTrainingJobs: (params) => {
      const { items, totalCount } = store.list({
        pageNo: integer(params, 'PageNo', 1, 1_000_000, 1),
        pageSize: integer(params, 'PageSize', 1, 100, 10),
        status: status(params),
      });
      return { AvatarTrainingJobList: items, TotalCount: totalCount };
    },
    DeleteAvatarTrainingJob: (params) => {
      const id = jobId(params);
      store.remove(id);
      return { JobId: id };
    },
  };
  // A Map, so `toString` or `__proto__` as an action name is simply unknown.
  return new Map(Object.entries(actions));
}
