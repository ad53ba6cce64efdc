import { invalidParameter } from './ice-error.js';

/**
 * Field limits from the ICE docs (reference ice.md §1.2, §4). Lengths count Unicode code points,
 * so one CJK character or one emoji is one character. Which limits the real service enforces, and
 * with which codes, is UNCERTAIN; locally every violation is 400 InvalidParameter.
 */
export const AVATAR_NAME_MAX = 7;
export const AVATAR_DESCRIPTION_MAX = 1000;
export const THUMBNAIL_MAX = 512;
export const MEDIA_ID_LENGTH = 32;

export function codePointLength(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

export function checkAvatarName(value: string): string {
  const length = codePointLength(value);
  if (length === 0 || length > AVATAR_NAME_MAX) {
    throw invalidParameter('AvatarName', `It must be 1 to ${AVATAR_NAME_MAX} characters long.`);
  }
  return value;
}

export function checkAvatarDescription(value: string): string {
  if (codePointLength(value) > AVATAR_DESCRIPTION_MAX) {
    throw invalidParameter(
      'AvatarDescription',
      `It must be at most ${AVATAR_DESCRIPTION_MAX} characters long.`,
    );
  }
  return value;
}

export function checkThumbnail(value: string): string {
  if (
    codePointLength(value) > THUMBNAIL_MAX ||
    !URL.canParse(value) ||
    new URL(value).protocol !== 'https:'
  ) {
    throw invalidParameter('Thumbnail', `It must be an https URL of at most ${THUMBNAIL_MAX} characters.`);
  }
  return value;
}

/** `Portrait` and `Video` are media asset IDs of exactly 32 characters. */
export function checkMediaId(name: 'Portrait' | 'Video', value: string): string {
  if (codePointLength(value) !== MEDIA_ID_LENGTH) {
    throw invalidParameter(name, `It must be a media ID of exactly ${MEDIA_ID_LENGTH} characters.`);
  }
  return value;
}

export function checkAvatarType(value: string): string {
  if (value === '' || value.length > 64) throw invalidParameter('AvatarType');
  return value;
}
