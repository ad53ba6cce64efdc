import { describe, expect, it } from 'vitest';
import {
  checkAvatarDescription,
  checkAvatarName,
  checkMediaId,
  checkThumbnail,
  codePointLength,
} from '../../local/ice/job-rules.js';

const invalid = (name: string) =>
  expect.objectContaining({
    status: 400,
    code: 'InvalidParameter',
    message: expect.stringContaining(`"${name}"`),
  });

describe('the avatar field rules', () => {
  it('count Unicode code points, so CJK and astral emoji are one character each', () => {
    expect(codePointLength('小明')).toBe(2);
    expect(codePointLength('😀😀')).toBe(2);
    expect('😀😀'.length).toBe(4);
  });

  it('accept an AvatarName of 1 to 7 code points and refuse 0 or 8, in ASCII, CJK and emoji', () => {
    for (const unit of ['a', '中', '😀']) {
      expect(checkAvatarName(unit.repeat(7))).toBe(unit.repeat(7));
      expect(checkAvatarName(unit)).toBe(unit);
      expect(() => checkAvatarName(unit.repeat(8))).toThrow(invalid('AvatarName'));
    }
    expect(() => checkAvatarName('')).toThrow(invalid('AvatarName'));
  });

  it('accept an AvatarDescription of 1000 code points and refuse 1001', () => {
    expect(checkAvatarDescription('描'.repeat(1000))).toHaveLength(1000);
    expect(checkAvatarDescription('')).toBe('');
    expect(() => checkAvatarDescription('x'.repeat(1001))).toThrow(invalid('AvatarDescription'));
  });

  it('accept an https Thumbnail of 512 characters and refuse 513, http, or a non-URL', () => {
    const prefix = 'https://bucket.oss-cn-shanghai.aliyuncs.com/';
    const url512 = prefix + 'a'.repeat(512 - prefix.length);
    expect(checkThumbnail(url512)).toBe(url512);
    expect(() => checkThumbnail(`${url512}a`)).toThrow(invalid('Thumbnail'));
    expect(() => checkThumbnail('http://bucket.example/t.png')).toThrow(invalid('Thumbnail'));
    expect(() => checkThumbnail('not a url')).toThrow(invalid('Thumbnail'));
  });

  it('accept Portrait and Video IDs of exactly 32 characters, refusing 31 and 33', () => {
    for (const name of ['Portrait', 'Video'] as const) {
      expect(checkMediaId(name, 'x'.repeat(32))).toHaveLength(32);
      expect(() => checkMediaId(name, 'x'.repeat(31))).toThrow(invalid(name));
      expect(() => checkMediaId(name, 'x'.repeat(33))).toThrow(invalid(name));
    }
  });
});
