import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UPDATE_FIELD_NAMES, UpdateJobInput } from '../../shared/ice/job-changes.js';
import {
  fromWireName,
  GetJobResponse,
  JobIdResponse,
  ListJobsInput,
  ListJobsResponse,
  toWireName,
  toWireQuery,
} from '../../shared/ice/schemas.js';
import { issuesFromZod } from '../../shared/validation.js';

const JOB_ID = 'a1b255d86f7f4587943ce7734d6b9c0d';
const MEDIA_ID = '571c704445f9a0ee011406c2a1b2c3d4';
const THUMBNAIL = 'https://your-bucket.oss-cn-hangzhou.aliyuncs.com/thumbnail.png';

/** Issue paths of a refused UpdateJobInput, or [] when it parses. */
function refusedPaths(input: Record<string, unknown>): string[] {
  const result = UpdateJobInput.safeParse(input);
  return result.success ? [] : issuesFromZod(result.error).map((i) => i.path);
}
const accepts = (input: Record<string, unknown>) => UpdateJobInput.safeParse(input).success;

/** The two seed examples of the API docs, verbatim (fixtures/ice/*.seed.json), including `"Success\n"`. */
const GET_SEED = {
  RequestId: '******11-DB8D-4A9A-875B-275798******',
  Data: {
    AvatarTrainingJob: {
      JobId: '****55d86f7f4587943ce7734d6b****',
      AvatarId: 'Avatar-XXXX',
      AvatarName: 'Decimal',
      AvatarDescription: 'This is a digital human for certain scenarios.',
      AvatarType: '2DAvatar',
      Status: 'Success\n',
      Message: 'Training successful',
      Thumbnail: 'https://your-bucket.oss-cn-hangzhou.aliyuncs.com/thumbnail.png',
      Portrait: '****571c704445f9a0ee011406c2****',
      Video: '****571c704445f9a0ee011406c2****',
      Transparent: true,
      FirstTrainingTime: '2020-12-23T13:33:40Z',
      LastTrainingTime: '2020-12-23T13:33:40Z',
    },
  },
  Success: true,
};
const UPDATE_SEED = {
  RequestId: '******11-DB8D-4A9A-875B-275798******',
  Success: true,
  Data: { JobId: '****d718e2ff4f018ccf419a7b71****' },
};

describe('UpdateJobInput (UpdateAvatarTrainingJob rules)', () => {
  describe('avatarName', () => {
    it('accepts 7 code points and refuses 8', () => {
      expect(accepts({ jobId: JOB_ID, avatarName: 'abcdefg' })).toBe(true);
      expect(refusedPaths({ jobId: JOB_ID, avatarName: 'abcdefgh' })).toEqual(['avatarName']);
    });

    it('accepts seven Chinese characters and refuses eight', () => {
      expect(accepts({ jobId: JOB_ID, avatarName: '数字人小树小云' })).toBe(true);
      expect(refusedPaths({ jobId: JOB_ID, avatarName: '数字人小树小云朵' })).toEqual(['avatarName']);
    });

    it('counts an emoji (two UTF-16 units) once', () => {
      const sevenWithEmoji = '😀😀😀😀😀😀😀';
      expect(sevenWithEmoji.length).toBe(14);
      expect(accepts({ jobId: JOB_ID, avatarName: sevenWithEmoji })).toBe(true);
      expect(refusedPaths({ jobId: JOB_ID, avatarName: `${sevenWithEmoji}😀` })).toEqual(['avatarName']);
    });

    it('refuses an empty name', () => {
      expect(refusedPaths({ jobId: JOB_ID, avatarName: '' })).toEqual(['avatarName']);
    });

    it('accepts exactly the names of 1-7 code points, whatever the characters (property)', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary', minLength: 0, maxLength: 12 }), (name) => {
          const points = [...name].length;
          expect(accepts({ jobId: JOB_ID, avatarName: name })).toBe(points >= 1 && points <= 7);
        }),
      );
    });
  });

  it('accepts a description of 1000 characters and refuses 1001', () => {
    expect(accepts({ jobId: JOB_ID, avatarDescription: '描'.repeat(1000) })).toBe(true);
    expect(refusedPaths({ jobId: JOB_ID, avatarDescription: 'd'.repeat(1001) })).toEqual([
      'avatarDescription',
    ]);
  });

  describe('thumbnail', () => {
    const at = (length: number) => {
      const prefix = 'https://your-bucket.oss-cn-hangzhou.aliyuncs.com/';
      return `${prefix}${'a'.repeat(length - prefix.length)}`;
    };

    it('accepts a 512-character URL and refuses 513', () => {
      expect(at(512)).toHaveLength(512);
      expect(accepts({ jobId: JOB_ID, thumbnail: at(512) })).toBe(true);
      expect(refusedPaths({ jobId: JOB_ID, thumbnail: at(513) })).toEqual(['thumbnail']);
    });

    it.each([
      THUMBNAIL,
      'https://bucket.oss-cn-hangzhou-internal.aliyuncs.com/a/b.png',
      'https://my-bucket-1.oss-cn-shanghai.aliyuncs.com/x.jpg?versionId=1&x=y',
      'https://abc.oss-ap-southeast-1.aliyuncs.com/thumb.png#top',
      'https://abc.oss-cn-beijing.aliyuncs.com',
    ])('accepts the OSS https URL %s', (thumbnail) => {
      expect(accepts({ jobId: JOB_ID, thumbnail })).toBe(true);
    });

    it.each([
      ['plain http', 'http://your-bucket.oss-cn-hangzhou.aliyuncs.com/t.png'],
      ['a non-OSS host', 'https://example.com/t.png'],
      ['a look-alike host', 'https://your-bucket.oss-cn-hangzhou.aliyuncs.com.evil.com/t.png'],
      ['userinfo hiding another host', 'https://your-bucket.oss-cn-hangzhou.aliyuncs.com@evil.com/t.png'],
      ['a port', 'https://your-bucket.oss-cn-hangzhou.aliyuncs.com:8443/t.png'],
      ['an upper-case host', 'https://Your-Bucket.oss-cn-hangzhou.aliyuncs.com/t.png'],
      ['a bucket of two characters', 'https://ab.oss-cn-hangzhou.aliyuncs.com/t.png'],
      ['whitespace', 'https://your-bucket.oss-cn-hangzhou.aliyuncs.com/a b.png'],
      ['a relative path', '/thumbnail.png'],
      ['not a URL', 'thumbnail'],
    ])('refuses %s', (_what, thumbnail) => {
      expect(refusedPaths({ jobId: JOB_ID, thumbnail })).toEqual(['thumbnail']);
    });
  });

  describe.each(['portrait', 'video'])('%s', (field) => {
    it('accepts exactly 32 characters and refuses 31 and 33', () => {
      expect(accepts({ jobId: JOB_ID, [field]: MEDIA_ID })).toBe(true);
      expect(refusedPaths({ jobId: JOB_ID, [field]: MEDIA_ID.slice(1) })).toEqual([field]);
      expect(refusedPaths({ jobId: JOB_ID, [field]: `${MEDIA_ID}x` })).toEqual([field]);
    });

    it('refuses 32 characters that are not letters and digits', () => {
      expect(refusedPaths({ jobId: JOB_ID, [field]: `****${MEDIA_ID.slice(4)}` })).toEqual([field]);
    });
  });

  it('takes transparent as a boolean only', () => {
    expect(accepts({ jobId: JOB_ID, transparent: false })).toBe(true);
    expect(accepts({ jobId: JOB_ID, transparent: true })).toBe(true);
    expect(refusedPaths({ jobId: JOB_ID, transparent: 'true' })).toEqual(['transparent']);
  });

  it('requires at least one field besides jobId', () => {
    expect(refusedPaths({ jobId: JOB_ID })).toEqual(['']);
    expect(refusedPaths({ jobId: JOB_ID, avatarName: undefined })).toEqual(['']);
  });

  it('refuses unknown fields, naming each', () => {
    expect(refusedPaths({ jobId: JOB_ID, avatarName: 'x', AvatarName: 'y', status: 'Init' })).toEqual([
      'AvatarName',
      'status',
    ]);
  });

  it('refuses a missing or malformed jobId', () => {
    expect(refusedPaths({ avatarName: 'x' })).toEqual(['jobId']);
    expect(refusedPaths({ jobId: 'a/b', avatarName: 'x' })).toEqual(['jobId']);
    expect(refusedPaths({ jobId: 'j'.repeat(65), avatarName: 'x' })).toEqual(['jobId']);
  });

  it('names every offending field at once', () => {
    const paths = refusedPaths({
      jobId: JOB_ID,
      avatarName: 'eight ch',
      avatarDescription: 'd'.repeat(1001),
      thumbnail: 'http://x',
      portrait: 'short',
      video: 'v'.repeat(33),
      transparent: 1,
      extra: true,
    });
    expect(new Set(paths)).toEqual(new Set([...UPDATE_FIELD_NAMES, 'extra']));
  });
});

describe('ListJobsInput', () => {
  it('takes PageSize 1-100, PageNo ≥ 1 and a known status', () => {
    expect(ListJobsInput.safeParse({ pageNo: 1, pageSize: 100, status: 'Fail' }).success).toBe(true);
    expect(ListJobsInput.safeParse({ pageSize: 101 }).success).toBe(false);
    expect(ListJobsInput.safeParse({ pageSize: 0 }).success).toBe(false);
    expect(ListJobsInput.safeParse({ pageNo: 0 }).success).toBe(false);
    expect(ListJobsInput.safeParse({ status: 'Done' }).success).toBe(false);
  });
});

describe('the camelCase ⇄ PascalCase mapping', () => {
  const camel = fc.stringMatching(/^[a-z][A-Za-z0-9]{0,20}$/);
  const pascal = fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,20}$/);

  it('maps our field names to the documented wire parameter names', () => {
    expect(['jobId', ...UPDATE_FIELD_NAMES, 'pageNo', 'pageSize', 'status'].map(toWireName)).toEqual([
      'JobId',
      'AvatarName',
      'AvatarDescription',
      'Thumbnail',
      'Portrait',
      'Video',
      'Transparent',
      'PageNo',
      'PageSize',
      'Status',
    ]);
  });

  it('round-trips camelCase names through the wire name (property)', () => {
    fc.assert(fc.property(camel, (name) => fromWireName(toWireName(name)) === name));
  });

  it('round-trips PascalCase wire names through our name (property)', () => {
    fc.assert(fc.property(pascal, (name) => toWireName(fromWireName(name)) === name));
  });

  it('builds the query with wire names, string values and no undefined entries', () => {
    expect(
      toWireQuery({ jobId: JOB_ID, avatarName: '小树', transparent: false, pageSize: 20, video: undefined }),
    ).toEqual({ JobId: JOB_ID, AvatarName: '小树', Transparent: 'false', PageSize: '20' });
  });

  it('keeps every defined entry, renamed, as a string (property)', () => {
    const value = fc.oneof(fc.string(), fc.boolean(), fc.integer(), fc.constant(undefined));
    fc.assert(
      fc.property(fc.dictionary(camel, value), (input) => {
        const query = toWireQuery(input);
        const defined = Object.entries(input).filter(([, v]) => v !== undefined);
        expect(Object.keys(query).sort()).toEqual(defined.map(([k]) => toWireName(k)).sort());
        for (const [k, v] of defined) expect(query[toWireName(k)]).toBe(String(v));
      }),
    );
  });
});

describe('responses', () => {
  it('parses the GetAvatarTrainingJob seed example, trimming "Success\\n"', () => {
    const res = GetJobResponse.parse(GET_SEED);
    expect(res.RequestId).toBe(GET_SEED.RequestId);
    expect(res.Data.AvatarTrainingJob).toEqual({
      jobId: '****55d86f7f4587943ce7734d6b****',
      avatarId: 'Avatar-XXXX',
      avatarName: 'Decimal',
      avatarDescription: 'This is a digital human for certain scenarios.',
      avatarType: '2DAvatar',
      status: 'Success',
      message: 'Training successful',
      thumbnail: THUMBNAIL,
      portrait: '****571c704445f9a0ee011406c2****',
      video: '****571c704445f9a0ee011406c2****',
      transparent: true,
      firstTrainingTime: '2020-12-23T13:33:40Z',
      lastTrainingTime: '2020-12-23T13:33:40Z',
    });
  });

  it('parses the UpdateAvatarTrainingJob seed example', () => {
    const res = JobIdResponse.parse(UPDATE_SEED);
    expect(res.Data.JobId).toBe('****d718e2ff4f018ccf419a7b71****');
    expect(res.Success).toBe(true);
  });

  it('parses the seed files themselves when the fixtures are present', () => {
    const dir = '/work/shared/fixtures/ice';
    const seeds = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.seed.json')) : [];
    for (const file of seeds) {
      const body = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      const schema = file.startsWith('get-') ? GetJobResponse : JobIdResponse;
      expect(schema.safeParse(body).success, file).toBe(true);
      if (file.startsWith('get-')) expect(GetJobResponse.parse(body)).toEqual(GetJobResponse.parse(GET_SEED));
      else expect(JobIdResponse.parse(body)).toEqual(JobIdResponse.parse(UPDATE_SEED));
    }
  });

  it('tolerates unknown fields at every level and drops them from the job', () => {
    const body = {
      ...GET_SEED,
      HostId: 'ice.cn-shanghai.aliyuncs.com',
      Data: { Extra: 1, AvatarTrainingJob: { ...GET_SEED.Data.AvatarTrainingJob, NewField: 'x' } },
    };
    const job = GetJobResponse.parse(body).Data.AvatarTrainingJob;
    expect(job).not.toHaveProperty('NewField');
    expect(job).not.toHaveProperty('newField');
    expect(job.jobId).toBe('****55d86f7f4587943ce7734d6b****');
  });

  it('keeps an unrecognised status as-is and treats null fields as absent', () => {
    const job = GetJobResponse.parse({
      RequestId: 'r',
      Data: { AvatarTrainingJob: { JobId: ' j ', Status: ' Archived ', AvatarId: null, Transparent: null } },
    }).Data.AvatarTrainingJob;
    expect(job).toEqual({ jobId: 'j', status: 'Archived' });
  });

  it('reads a list page, its total as a number and a null list as empty', () => {
    const page = ListJobsResponse.parse({
      RequestId: 'r',
      Success: true,
      Data: { AvatarTrainingJobList: [{ JobId: 'a', Status: 'Init', CreateTime: 't' }], TotalCount: '3' },
    });
    expect(page.Data).toEqual({
      AvatarTrainingJobList: [{ jobId: 'a', status: 'Init', createTime: 't' }],
      TotalCount: 3,
    });
    const empty = ListJobsResponse.parse({
      RequestId: 'r',
      Data: { AvatarTrainingJobList: null, TotalCount: 0 },
    });
    expect(empty.Data.AvatarTrainingJobList).toEqual([]);
  });

  it('refuses a body without RequestId or Data', () => {
    expect(GetJobResponse.safeParse({ Data: GET_SEED.Data }).success).toBe(false);
    expect(JobIdResponse.safeParse({ RequestId: 'r' }).success).toBe(false);
  });
});
