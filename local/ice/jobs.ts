import { randomUUID } from 'node:crypto';
import { IceError, missingParameter } from './ice-error.js';
import {
  checkAvatarDescription,
  checkAvatarName,
  checkAvatarType,
  checkMediaId,
  checkThumbnail,
} from './job-rules.js';

/**
 * The avatar training job store and its lifecycle Init → Queuing → Training → Success | Fail.
 * Status is computed lazily from the submit time and an injectable clock (no timers), so a fake
 * clock drives it deterministically.
 *
 * Local choices where the real service is UNCERTAIN (reference ice.md §1.4, §5):
 * - unknown JobId → 404 `ResourceNotFound`; an action not allowed in the current status →
 *   403 `OperationDenied.JobStatus`, the message naming the status.
 * - Submit from Init or Fail only; Delete in Init or Fail only; Update of `Transparent` and `Video`
 *   (training inputs) in Init or Fail only; `Thumbnail` never once a training was initiated.
 * - FirstTrainingTime / LastTrainingTime are the submit times of the first / latest attempt (the SDK
 *   model documents them as "the time when the first/last training was initiated").
 */

export type JobStatus = 'Init' | 'Queuing' | 'Training' | 'Success' | 'Fail';
export type TrainingOutcome = 'Success' | 'Fail';

export const JOB_STATUSES: readonly JobStatus[] = ['Init', 'Queuing', 'Training', 'Success', 'Fail'];

/** `Data.AvatarTrainingJob` of GetAvatarTrainingJob; unset fields are omitted from the JSON. */
export interface AvatarTrainingJob {
  JobId: string;
  AvatarId?: string;
  AvatarName: string;
  AvatarDescription?: string;
  AvatarType: string;
  Status: JobStatus;
  Message: string;
  Thumbnail?: string;
  Portrait?: string;
  Video?: string;
  Transparent?: boolean;
  FirstTrainingTime?: string;
  LastTrainingTime?: string;
}

/** An item of `Data.AvatarTrainingJobList` (ListAvatarTrainingJobs): no Thumbnail, Video or Transparent. */
export type AvatarTrainingJobListItem = Omit<AvatarTrainingJob, 'Thumbnail' | 'Video' | 'Transparent'> & {
  CreateTime: string;
};

/** What the inspection endpoint shows: everything, including the forced outcome if any. */
export interface AvatarTrainingJobSnapshot extends AvatarTrainingJob {
  CreateTime: string;
  ForcedOutcome?: TrainingOutcome;
}

export interface JobFields {
  avatarName?: string;
  avatarDescription?: string;
  avatarType?: string;
  thumbnail?: string;
  portrait?: string;
  video?: string;
  transparent?: boolean;
}

export interface NewJob extends JobFields {
  avatarName: string;
}

export interface ListJobsQuery {
  status?: JobStatus;
  pageNo?: number;
  pageSize?: number;
}

export interface JobStoreOptions {
  now: () => number;
  queuingMs: number;
  trainingMs: number;
  /** Probability that an attempt without a forced outcome fails (default 0). */
  failRate?: number;
  random?: () => number;
}

const STATUS_MESSAGES: Readonly<Record<JobStatus, string>> = {
  Init: 'The job is created and waits to be submitted.',
  Queuing: 'The job is queuing for training.',
  Training: 'The job is training.',
  Success: 'Training Success',
  Fail: 'Training Fail: the training video does not meet the requirements.',
};

interface JobRecord {
  readonly jobId: string;
  readonly createdAt: number;
  avatarName: string;
  avatarDescription: string | undefined;
  avatarType: string;
  thumbnail: string | undefined;
  portrait: string | undefined;
  video: string | undefined;
  transparent: boolean | undefined;
  /** The status when no attempt is in flight. */
  settled: 'Init' | TrainingOutcome;
  /** Submit time of the in-flight attempt. */
  attemptStartedAt: number | undefined;
  attemptOutcome: TrainingOutcome;
  forcedOutcome: TrainingOutcome | undefined;
  avatarId: string | undefined;
  firstTrainingAt: number | undefined;
  lastTrainingAt: number | undefined;
}

/** `yyyy-MM-ddTHH:mm:ssZ`, UTC, no milliseconds. */
export function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

function newJobId(): string {
  return randomUUID().replaceAll('-', '');
}

const SEEDED_STATUSES: readonly JobStatus[] = ['Success', 'Init', 'Training', 'Fail', 'Queuing'];
export const MAX_SEED = 999;

export class JobStore {
  private readonly records = new Map<string, JobRecord>();
  private readonly now: () => number;
  private readonly random: () => number;
  readonly queuingMs: number;
  readonly trainingMs: number;
  readonly failRate: number;

  constructor(options: JobStoreOptions) {
    this.now = options.now;
    this.random = options.random ?? Math.random;
    this.queuingMs = options.queuingMs;
    this.trainingMs = options.trainingMs;
    this.failRate = options.failRate ?? 0;
  }

  create(input: NewJob): AvatarTrainingJob {
    const fields = validFields(input);
    const record: JobRecord = {
      jobId: newJobId(),
      createdAt: this.now(),
      avatarName: checkAvatarName(input.avatarName),
      avatarDescription: fields.avatarDescription,
      avatarType: fields.avatarType ?? '2DAvatar',
      thumbnail: fields.thumbnail,
      portrait: fields.portrait,
      video: fields.video,
      transparent: fields.transparent,
      settled: 'Init',
      attemptStartedAt: undefined,
      attemptOutcome: 'Success',
      forcedOutcome: undefined,
      avatarId: undefined,
      firstTrainingAt: undefined,
      lastTrainingAt: undefined,
    };
    this.records.set(record.jobId, record);
    return this.view(record, 'Init');
  }

  get(jobId: string): AvatarTrainingJob | undefined {
    const record = this.records.get(jobId);
    return record === undefined ? undefined : this.view(record, this.statusOf(record));
  }

  /** Starts an attempt; allowed from Init and, to retrain, from Fail. */
  submit(jobId: string): void {
    const record = this.require(jobId);
    const status = this.statusOf(record);
    if (status !== 'Init' && status !== 'Fail') throw wrongStatus(jobId, status, 'Submit');
    const now = this.now();
    record.attemptStartedAt = now;
    record.attemptOutcome = this.random() < this.failRate ? 'Fail' : 'Success';
    record.firstTrainingAt ??= now;
    record.lastTrainingAt = now;
  }

  update(jobId: string, patch: JobFields): void {
    const record = this.require(jobId);
    const fields = validFields(patch);
    if (Object.values(fields).every((value) => value === undefined)) {
      throw missingParameter('AvatarName|AvatarDescription|Thumbnail|Portrait|Video|Transparent');
    }
    const status = this.statusOf(record);
    const retrainable = status === 'Init' || status === 'Fail';
    if (fields.transparent !== undefined && !retrainable)
      throw wrongStatus(jobId, status, 'Updating Transparent');
    if (fields.video !== undefined && !retrainable) throw wrongStatus(jobId, status, 'Updating Video');
    if (fields.thumbnail !== undefined && (status === 'Success' || record.firstTrainingAt !== undefined)) {
      throw new IceError(
        403,
        'OperationDenied.JobStatus',
        `The Thumbnail of job "${jobId}" cannot be updated once training was initiated (current status: ${status}).`,
      );
    }
    if (fields.avatarName !== undefined) record.avatarName = fields.avatarName;
    if (fields.avatarDescription !== undefined) record.avatarDescription = fields.avatarDescription;
    if (fields.avatarType !== undefined) record.avatarType = fields.avatarType;
    if (fields.thumbnail !== undefined) record.thumbnail = fields.thumbnail;
    if (fields.portrait !== undefined) record.portrait = fields.portrait;
    if (fields.video !== undefined) record.video = fields.video;
    if (fields.transparent !== undefined) record.transparent = fields.transparent;
  }

  remove(jobId: string): void {
    const record = this.require(jobId);
    const status = this.statusOf(record);
    if (status !== 'Init' && status !== 'Fail') throw wrongStatus(jobId, status, 'Delete');
    this.records.delete(jobId);
  }

  /** Newest first; `TotalCount` counts every job matching the status filter. */
  list(query: ListJobsQuery = {}): { items: AvatarTrainingJobListItem[]; totalCount: number } {
    const pageNo = query.pageNo ?? 1;
    const pageSize = query.pageSize ?? 10;
    const matching: AvatarTrainingJobListItem[] = [];
    for (const record of [...this.records.values()].reverse()) {
      const status = this.statusOf(record);
      if (query.status !== undefined && status !== query.status) continue;
      // List items are the job without Thumbnail, Video and Transparent, plus CreateTime.
      const {
        Thumbnail: _thumbnail,
        Video: _video,
        Transparent: _transparent,
        ...item
      } = this.view(record, status);
      matching.push({ ...item, CreateTime: isoSeconds(record.createdAt) });
    }
    const start = (pageNo - 1) * pageSize;
    return { items: matching.slice(start, start + pageSize), totalCount: matching.length };
  }

  /** Every job as of now, oldest first (inspection endpoint). */
  snapshot(): AvatarTrainingJobSnapshot[] {
    return [...this.records.values()].map((record) => ({
      ...this.view(record, this.statusOf(record)),
      CreateTime: isoSeconds(record.createdAt),
      ForcedOutcome: record.forcedOutcome,
    }));
  }

  /**
   * Forces how every attempt of this job that completes from now on ends (`undefined` restores the
   * random draw). A job that already settled keeps its status until it is resubmitted.
   */
  setOutcome(jobId: string, outcome: TrainingOutcome | undefined): void {
    this.require(jobId).forcedOutcome = outcome;
  }

  /** Adds `count` demo jobs cycling through Success, Init, Training, Fail, Queuing; returns their IDs. */
  seed(count: number): string[] {
    if (!Number.isInteger(count) || count < 0 || count > MAX_SEED) {
      throw new RangeError(`seed count must be an integer from 0 to ${MAX_SEED}`);
    }
    const ids: string[] = [];
    for (let i = 1; i <= count; i++) {
      const { JobId } = this.create({
        avatarName: `Demo${i}`,
        avatarDescription: `Seeded demo avatar ${i}.`,
        thumbnail: `https://example-bucket.oss-cn-shanghai.aliyuncs.com/demo-${i}.png`,
        portrait: newJobId(),
        video: newJobId(),
        transparent: i % 2 === 0,
      });
      const record = this.records.get(JobId) as JobRecord;
      const target = SEEDED_STATUSES[(i - 1) % SEEDED_STATUSES.length] as JobStatus;
      if (target !== 'Init') {
        const now = this.now();
        const elapsed = {
          Queuing: 0,
          Training: this.queuingMs,
          Success: this.queuingMs + this.trainingMs,
          Fail: this.queuingMs + this.trainingMs,
        }[target];
        record.attemptStartedAt = now - elapsed;
        record.attemptOutcome = target === 'Fail' ? 'Fail' : 'Success';
        record.firstTrainingAt = record.attemptStartedAt;
        record.lastTrainingAt = record.attemptStartedAt;
      }
      ids.push(JobId);
    }
    return ids;
  }

  private require(jobId: string): JobRecord {
    const record = this.records.get(jobId);
    if (record === undefined) throw jobNotFound(jobId);
    return record;
  }

  /** The status as of now; settles a finished attempt so later reads and forced outcomes agree. */
  private statusOf(record: JobRecord): JobStatus {
    if (record.attemptStartedAt === undefined) return record.settled;
    const elapsed = this.now() - record.attemptStartedAt;
    if (elapsed < this.queuingMs) return 'Queuing';
    if (elapsed < this.queuingMs + this.trainingMs) return 'Training';
    record.settled = record.forcedOutcome ?? record.attemptOutcome;
    record.attemptStartedAt = undefined;
    if (record.settled === 'Success') record.avatarId ??= `Avatar-${record.jobId}`;
    return record.settled;
  }

  private view(record: JobRecord, status: JobStatus): AvatarTrainingJob {
    return {
      JobId: record.jobId,
      AvatarId: record.avatarId,
      AvatarName: record.avatarName,
      AvatarDescription: record.avatarDescription,
      AvatarType: record.avatarType,
      Status: status,
      Message: STATUS_MESSAGES[status],
      Thumbnail: record.thumbnail,
      Portrait: record.portrait,
      Video: record.video,
      Transparent: record.transparent,
      FirstTrainingTime: optionalIso(record.firstTrainingAt),
      LastTrainingTime: optionalIso(record.lastTrainingAt),
    };
  }
}

function optionalIso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : isoSeconds(ms);
}

export function jobNotFound(jobId: string): IceError {
  return new IceError(404, 'ResourceNotFound', `The specified job "${jobId}" does not exist.`);
}

function wrongStatus(jobId: string, status: JobStatus, operation: string): IceError {
  return new IceError(
    403,
    'OperationDenied.JobStatus',
    `${operation} is not allowed for job "${jobId}" in its current status ${status}; it requires Init or Fail.`,
  );
}

/** Checks each provided field against the documented limits; absent fields stay undefined. */
function validFields(input: JobFields): JobFields {
  return {
    avatarName: input.avatarName === undefined ? undefined : checkAvatarName(input.avatarName),
    avatarDescription:
      input.avatarDescription === undefined ? undefined : checkAvatarDescription(input.avatarDescription),
    avatarType: input.avatarType === undefined ? undefined : checkAvatarType(input.avatarType),
    thumbnail: input.thumbnail === undefined ? undefined : checkThumbnail(input.thumbnail),
    portrait: input.portrait === undefined ? undefined : checkMediaId('Portrait', input.portrait),
    video: input.video === undefined ? undefined : checkMediaId('Video', input.video),
    transparent: input.transparent,
  };
}
