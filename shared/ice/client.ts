/**
 * The one ICE client every function uses. Inputs are validated before any network traffic; failures come
 * back as named errors; retryable failures are retried with jittered backoff, never past the deadline.
 */
import type * as z from 'zod';
import { type Clock, systemClock } from '../clock.js';
import {
  type CredentialResolver,
  type CredentialsCarrier,
  createCredentialResolver,
} from '../credentials.js';
import { InvalidJobState, isRetryable, Timeout, UpstreamError } from '../errors.js';
import type { Logger } from '../logger.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, withRetry } from '../retry.js';
import { parseOrThrow } from '../validation.js';
import type { CreateJobInput, UpdateJobInput } from './job-changes.js';
import {
  GetJobInput,
  GetJobResponse,
  isKnownStatus,
  type Job,
  JobIdResponse,
  type JobPage,
  ListJobsInput,
  ListJobsResponse,
  toWireQuery,
} from './schemas.js';
import type { IceAction, IceTransport } from './transport.js';
import { toIceError } from './upstream-error.js';

export interface CallOptions {
  /** The FC context (or anything with `credentials`): its STS keys win over env and the default chain. */
  context?: CredentialsCarrier;
  /** Epoch ms: no attempt starts, and no wait ends, after it. */
  deadline?: number;
  /** Overrides the client's retry policy for this call (e.g. `{maxAttempts: 1}` to defer instead). */
  retry?: Partial<RetryPolicy>;
}

/** Anything that paces calls; the queue and sync functions pass one token bucket per instance. */
export interface CallPacer {
  take(): Promise<void>;
}

export interface IceClientOptions {
  transport: IceTransport;
  logger: Logger;
  timeoutMs?: number;
  retry?: RetryPolicy;
  clock?: Clock;
  random?: () => number;
  pacer?: CallPacer;
  resolveCredentials?: CredentialResolver;
}

export interface Answer {
  requestId: string;
}

export interface IceClient {
  getJob(jobId: string, options?: CallOptions): Promise<Answer & { job: Job }>;
  /** Applies the state rules (transparent only in Init/Fail; thumbnail not once trained) before updating. */
  updateJob(input: UpdateJobInput, options?: CallOptions): Promise<Answer & { jobId: string }>;
  listJobs(input?: ListJobsInput, options?: CallOptions): Promise<Answer & JobPage>;
  createJob(input: CreateJobInput, options?: CallOptions): Promise<Answer & { jobId: string }>;
  submitJob(jobId: string, options?: CallOptions): Promise<Answer & { jobId: string }>;
  deleteJob(jobId: string, options?: CallOptions): Promise<Answer & { jobId: string }>;
}

const TRANSPARENT_STATES = new Set(['Init', 'Fail']);

export function createIceClient(options: IceClientOptions): IceClient {
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const basePolicy = options.retry ?? DEFAULT_RETRY_POLICY;
  const resolveCredentials = options.resolveCredentials ?? createCredentialResolver();
  const { transport, logger } = options;

  async function call<S extends z.ZodType>(
    action: IceAction,
    query: Record<string, string>,
    responseSchema: S,
    callOptions: CallOptions = {},
  ): Promise<z.output<S>> {
    const credentials = await resolveCredentials(callOptions.context);
    const body = await withRetry(
      async (remainingMs) => {
        const startedAt = clock.now();
        await options.pacer?.take();
        // The wait for the pacer comes out of this attempt's budget, or the deadline could slip by it.
        const leftMs = remainingMs - (clock.now() - startedAt);
        if (leftMs <= 0) throw Timeout(`No time left for ${action} after waiting for the rate limit`);
        try {
          const res = await transport.call(action, query, {
            credentials,
            timeoutMs: Math.min(timeoutMs, leftMs),
          });
          return res.body;
        } catch (error) {
          throw toIceError(error, action);
        }
      },
      {
        policy: { ...basePolicy, ...callOptions.retry },
        clock,
        deadline: callOptions.deadline,
        isRetryable,
        random: options.random,
        onRetry: ({ attempt, delayMs, error }) =>
          logger.debug('retrying ICE call', { action, attempt, delayMs, error }),
      },
    );
    const parsed = responseSchema.safeParse(body);
    if (!parsed.success) {
      throw UpstreamError(`ICE answered ${action} with an unexpected body`, {
        requestId: (body as { RequestId?: string } | null)?.RequestId,
        cause: parsed.error,
      });
    }
    const answer = parsed.data as { Success?: boolean; RequestId: string };
    if (answer.Success === false) {
      throw UpstreamError(`ICE reported Success=false for ${action}`, { requestId: answer.RequestId });
    }
    return parsed.data;
  }

  const warnOnUnknownStatus = (job: Job, requestId: string) => {
    if (!isKnownStatus(job.status)) {
      logger.warn('ICE returned an unrecognised job status; kept as-is', {
        jobId: job.jobId,
        status: job.status,
        iceRequestId: requestId,
      });
    }
  };

  const jobIdCall = async (action: IceAction, jobId: string, callOptions?: CallOptions) => {
    const input = parseOrThrow(GetJobInput, { jobId }, `${action} input`);
    const res = await call(action, toWireQuery(input), JobIdResponse, callOptions);
    return { jobId: res.Data.JobId, requestId: res.RequestId };
  };

  const client: IceClient = {
    async getJob(jobId, callOptions) {
      const input = parseOrThrow(GetJobInput, { jobId }, 'GetAvatarTrainingJob input');
      const res = await call('GetAvatarTrainingJob', toWireQuery(input), GetJobResponse, callOptions);
      const job = res.Data.AvatarTrainingJob;
      warnOnUnknownStatus(job, res.RequestId);
      return { job, requestId: res.RequestId };
    },

    async updateJob(raw, callOptions) {
      // The write-side schemas load on the first write (see job-changes.ts).
      const { UpdateJobInput } = await import('./job-changes.js');
      const input = parseOrThrow(UpdateJobInput, raw, 'UpdateAvatarTrainingJob input');
      // Only these two fields depend on the job's state, so only they cost a Get first.
      if (input.transparent !== undefined || input.thumbnail !== undefined) {
        const { job, requestId } = await client.getJob(input.jobId, callOptions);
        if (input.transparent !== undefined && !TRANSPARENT_STATES.has(job.status)) {
          throw InvalidJobState(
            `transparent can only change while the job is Init or Fail; it is ${job.status}`,
            {
              requestId,
              issues: [{ path: 'transparent', message: `Job is ${job.status}` }],
            },
          );
        }
        if (input.thumbnail !== undefined && (job.status === 'Success' || job.firstTrainingTime)) {
          throw InvalidJobState('thumbnail cannot change once the job has trained', {
            requestId,
            issues: [{ path: 'thumbnail', message: `Job is ${job.status}` }],
          });
        }
      }
      const res = await call('UpdateAvatarTrainingJob', toWireQuery(input), JobIdResponse, callOptions);
      return { jobId: res.Data.JobId, requestId: res.RequestId };
    },

    async listJobs(raw = {}, callOptions) {
      const input = parseOrThrow(ListJobsInput, raw, 'ListAvatarTrainingJobs input');
      const pageNo = input.pageNo ?? 1;
      const pageSize = input.pageSize ?? 10;
      const query = toWireQuery({ ...input, pageNo, pageSize });
      const res = await call('ListAvatarTrainingJobs', query, ListJobsResponse, callOptions);
      for (const job of res.Data.AvatarTrainingJobList) warnOnUnknownStatus(job, res.RequestId);
      return {
        jobs: res.Data.AvatarTrainingJobList,
        totalCount: res.Data.TotalCount,
        pageNo,
        pageSize,
        requestId: res.RequestId,
      };
    },

    async createJob(raw, callOptions) {
      const { CreateJobInput } = await import('./job-changes.js');
      const input = parseOrThrow(CreateJobInput, raw, 'CreateAvatarTrainingJob input');
      const res = await call('CreateAvatarTrainingJob', toWireQuery(input), JobIdResponse, callOptions);
      return { jobId: res.Data.JobId, requestId: res.RequestId };
    },

    submitJob: (jobId, callOptions) => jobIdCall('SubmitAvatarTrainingJob', jobId, callOptions),
    deleteJob: (jobId, callOptions) => jobIdCall('DeleteAvatarTrainingJob', jobId, callOptions),
  };
  return client;
}
