import { describe, expect, it } from 'vitest';
import { createIceActions } from '../../local/ice/actions.js';
import { JobStore } from '../../local/ice/jobs.js';

const START = Date.parse('2025-03-01T08:00:00Z');
const MEDIA_ID = 'a'.repeat(32);

function fakeStore(options: { failRate?: number; random?: () => number } = {}) {
  let now = START;
  const store = new JobStore({ now: () => now, queuingMs: 1_000, trainingMs: 10_000, ...options });
  return {
    store,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('the avatar training job lifecycle on a fake clock', () => {
  it('goes Init → Queuing → Training → Success exactly at the phase boundaries', () => {
    const { store, advance } = fakeStore();
    const { JobId } = store.create({ avatarName: 'Xiao' });
    expect(store.get(JobId)?.Status).toBe('Init');
    store.submit(JobId);
    expect(store.get(JobId)?.Status).toBe('Queuing');
    advance(999);
    expect(store.get(JobId)?.Status).toBe('Queuing');
    advance(1);
    expect(store.get(JobId)?.Status).toBe('Training');
    advance(9_999);
    expect(store.get(JobId)?.Status).toBe('Training');
    advance(1);
    const done = store.get(JobId);
    expect(done).toMatchObject({
      Status: 'Success',
      Message: 'Training Success',
      AvatarId: `Avatar-${JobId}`,
      FirstTrainingTime: '2025-03-01T08:00:00Z',
      LastTrainingTime: '2025-03-01T08:00:00Z',
    });
  });

  it('creates 32-character lowercase hex job IDs with no avatar ID or training times yet', () => {
    const { store } = fakeStore();
    const job = store.create({ avatarName: 'A' });
    expect(job.JobId).toMatch(/^[0-9a-f]{32}$/);
    expect(job.AvatarId).toBeUndefined();
    expect(job.FirstTrainingTime).toBeUndefined();
    expect(job.AvatarType).toBe('2DAvatar');
  });

  it('fails a job whose outcome is forced to Fail, allows resubmitting it and keeps FirstTrainingTime', () => {
    const { store, advance } = fakeStore();
    const { JobId } = store.create({ avatarName: 'A' });
    store.setOutcome(JobId, 'Fail');
    store.submit(JobId);
    advance(11_000);
    expect(store.get(JobId)).toMatchObject({ Status: 'Fail', AvatarId: undefined });
    expect(store.get(JobId)?.Message).toMatch(/^Training Fail/);

    store.setOutcome(JobId, 'Success');
    store.submit(JobId);
    expect(store.get(JobId)?.Status).toBe('Queuing');
    advance(11_000);
    expect(store.get(JobId)).toMatchObject({
      Status: 'Success',
      FirstTrainingTime: '2025-03-01T08:00:00Z',
      LastTrainingTime: '2025-03-01T08:00:11Z',
    });
  });

  it('draws the outcome from the fail rate and the injected random source', () => {
    const draws = [0.2, 0.8];
    const { store, advance } = fakeStore({ failRate: 0.5, random: () => draws.shift() ?? 0 });
    const first = store.create({ avatarName: 'A' }).JobId;
    const second = store.create({ avatarName: 'B' }).JobId;
    store.submit(first);
    store.submit(second);
    advance(11_000);
    expect(store.get(first)?.Status).toBe('Fail');
    expect(store.get(second)?.Status).toBe('Success');
  });

  it('does not change a settled job when its outcome is forced afterwards', () => {
    const { store, advance } = fakeStore();
    const { JobId } = store.create({ avatarName: 'A' });
    store.submit(JobId);
    advance(11_000);
    expect(store.get(JobId)?.Status).toBe('Success');
    store.setOutcome(JobId, 'Fail');
    expect(store.get(JobId)?.Status).toBe('Success');
  });

  it('refuses to submit a job that is queuing, training or succeeded, naming the status', () => {
    const { store, advance } = fakeStore();
    const { JobId } = store.create({ avatarName: 'A' });
    store.submit(JobId);
    expect(() => store.submit(JobId)).toThrow(
      expect.objectContaining({
        status: 403,
        code: 'OperationDenied.JobStatus',
        message: expect.stringContaining('Queuing'),
      }),
    );
    advance(1_000);
    expect(() => store.submit(JobId)).toThrow(
      expect.objectContaining({ message: expect.stringContaining('Training') }),
    );
    advance(10_000);
    expect(() => store.submit(JobId)).toThrow(
      expect.objectContaining({ message: expect.stringContaining('Success') }),
    );
  });

  it('deletes only Init or Fail jobs', () => {
    const { store, advance } = fakeStore();
    const init = store.create({ avatarName: 'A' }).JobId;
    const failed = store.create({ avatarName: 'B' }).JobId;
    const trained = store.create({ avatarName: 'C' }).JobId;
    store.setOutcome(failed, 'Fail');
    store.submit(failed);
    store.submit(trained);
    expect(() => store.remove(trained)).toThrow(
      expect.objectContaining({ code: 'OperationDenied.JobStatus' }),
    );
    advance(11_000);
    expect(() => store.remove(trained)).toThrow(
      expect.objectContaining({ code: 'OperationDenied.JobStatus' }),
    );
    store.remove(init);
    store.remove(failed);
    expect(store.get(init)).toBeUndefined();
    expect(store.get(failed)).toBeUndefined();
    expect(() => store.remove(init)).toThrow(
      expect.objectContaining({ status: 404, code: 'ResourceNotFound' }),
    );
  });

  it('updates Transparent and Video only in Init or Fail, and Thumbnail never once training was initiated', () => {
    const { store, advance } = fakeStore();
    const { JobId } = store.create({ avatarName: 'A' });
    store.update(JobId, { transparent: true, video: MEDIA_ID, thumbnail: 'https://x.example/t.png' });
    expect(store.get(JobId)).toMatchObject({
      Transparent: true,
      Video: MEDIA_ID,
      Thumbnail: 'https://x.example/t.png',
    });

    store.setOutcome(JobId, 'Fail');
    store.submit(JobId);
    expect(() => store.update(JobId, { transparent: false })).toThrow(
      expect.objectContaining({
        code: 'OperationDenied.JobStatus',
        message: expect.stringContaining('Queuing'),
      }),
    );
    expect(() => store.update(JobId, { video: MEDIA_ID })).toThrow(expect.objectContaining({ status: 403 }));
    store.update(JobId, { avatarName: 'Renamed', avatarDescription: 'During queuing' });
    expect(store.get(JobId)?.AvatarName).toBe('Renamed');

    advance(11_000);
    store.update(JobId, { transparent: false, video: 'b'.repeat(32) });
    expect(store.get(JobId)).toMatchObject({ Status: 'Fail', Transparent: false });
    expect(() => store.update(JobId, { thumbnail: 'https://x.example/new.png' })).toThrow(
      expect.objectContaining({ code: 'OperationDenied.JobStatus' }),
    );
  });

  it('refuses an update that changes nothing, and validates values before looking at the status', () => {
    const { store } = fakeStore();
    const { JobId } = store.create({ avatarName: 'A' });
    expect(() => store.update(JobId, {})).toThrow(
      expect.objectContaining({ status: 400, code: 'MissingParameter' }),
    );
    store.submit(JobId);
    expect(() => store.update(JobId, { transparent: true, portrait: 'short' })).toThrow(
      expect.objectContaining({ status: 400, code: 'InvalidParameter' }),
    );
  });

  it('lists newest first with paging, a status filter and the total count, without Thumbnail, Video or Transparent', () => {
    const { store, advance } = fakeStore();
    const ids = ['A', 'B', 'C'].map((name) => {
      advance(1_000);
      return store.create({ avatarName: name, thumbnail: 'https://x.example/t.png', transparent: true })
        .JobId;
    });
    store.submit(ids[0] as string);
    const page = store.list({ pageNo: 1, pageSize: 2 });
    expect(page.totalCount).toBe(3);
    expect(page.items.map((job) => job.AvatarName)).toEqual(['C', 'B']);
    expect(page.items[0]).toMatchObject({ CreateTime: '2025-03-01T08:00:03Z', Status: 'Init' });
    expect(page.items[0]).not.toHaveProperty('Thumbnail');
    expect(page.items[0]).not.toHaveProperty('Transparent');
    expect(page.items[0]).not.toHaveProperty('Video');
    expect(store.list({ pageNo: 2, pageSize: 2 }).items.map((job) => job.AvatarName)).toEqual(['A']);
    expect(store.list({ status: 'Queuing' })).toMatchObject({ totalCount: 1, items: [{ JobId: ids[0] }] });
  });

  it('seeds demo jobs in every status', () => {
    const { store } = fakeStore();
    const ids = store.seed(5);
    expect(ids).toHaveLength(5);
    expect(ids.map((id) => store.get(id)?.Status)).toEqual([
      'Success',
      'Init',
      'Training',
      'Fail',
      'Queuing',
    ]);
    expect(() => store.seed(1000)).toThrow(RangeError);
  });
});

describe('the action handlers', () => {
  const setup = () => {
    const { store, advance } = fakeStore();
    const actions = createIceActions(store);
    const call = (action: string, params: Record<string, string>) =>
      (actions.get(action) as (p: Record<string, string>) => Record<string, unknown>)(params);
    return { store, advance, call };
  };

  it('require JobId with MissingParameter and the documented message', () => {
    const { call } = setup();
    for (const action of ['GetAvatarTrainingJob', 'SubmitAvatarTrainingJob', 'UpdateAvatarTrainingJob']) {
      expect(() => call(action, {})).toThrow(
        expect.objectContaining({
          status: 400,
          code: 'MissingParameter',
          message:
            'The input parameter "JobId" that is mandatory for processing this request is not supplied.',
        }),
      );
    }
    expect(() => call('CreateAvatarTrainingJob', {})).toThrow(
      expect.objectContaining({ code: 'MissingParameter' }),
    );
  });

  it('read Transparent as the strings true and false only', () => {
    const { call, store } = setup();
    const { JobId } = call('CreateAvatarTrainingJob', { AvatarName: 'A', Transparent: 'false' }) as {
      JobId: string;
    };
    expect(store.get(JobId)?.Transparent).toBe(false);
    expect(() => call('UpdateAvatarTrainingJob', { JobId, Transparent: 'TRUE' })).toThrow(
      expect.objectContaining({
        code: 'InvalidParameter',
        message: expect.stringContaining('"Transparent"'),
      }),
    );
  });

  it('validate PageNo, PageSize (1–100) and Status of ListAvatarTrainingJobs', () => {
    const { call } = setup();
    expect(call('ListAvatarTrainingJobs', { PageSize: '100' })).toEqual({
      AvatarTrainingJobList: [],
      TotalCount: 0,
    });
    const invalidQueries: Record<string, string>[] = [
      { PageSize: '101' },
      { PageSize: '0' },
      { PageNo: '0' },
      { PageNo: '1.5' },
      { Status: 'Done' },
    ];
    for (const params of invalidQueries) {
      expect(() => call('ListAvatarTrainingJobs', params)).toThrow(
        expect.objectContaining({ code: 'InvalidParameter' }),
      );
    }
  });

  it('answer Get with the whole job and an unknown job with 404 ResourceNotFound', () => {
    const { call } = setup();
    const { JobId } = call('CreateAvatarTrainingJob', { AvatarName: '小明', Portrait: MEDIA_ID }) as {
      JobId: string;
    };
    expect(call('GetAvatarTrainingJob', { JobId })).toEqual({
      AvatarTrainingJob: expect.objectContaining({
        JobId,
        AvatarName: '小明',
        Portrait: MEDIA_ID,
        Status: 'Init',
      }),
    });
    expect(() => call('GetAvatarTrainingJob', { JobId: 'f'.repeat(32) })).toThrow(
      expect.objectContaining({ status: 404, code: 'ResourceNotFound' }),
    );
  });
});
