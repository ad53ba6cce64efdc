import { describe, expect, it } from 'vitest';
import { newMessageId, newRequestId } from '../../local/mns/ids.js';
import { parseQuery } from '../../local/mns/query.js';
import { isReceiptHandle, newReceiptHandle } from '../../local/mns/receipt-handle.js';

describe('receipt handles', () => {
  it('never contain characters the unencoded query string would mangle', () => {
    for (let i = 0; i < 2000; i += 1) {
      const handle = newReceiptHandle();
      expect(handle).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(isReceiptHandle(handle)).toBe(true);
    }
  });

  it('are unique', () => {
    const handles = new Set(Array.from({ length: 1000 }, newReceiptHandle));
    expect(handles.size).toBe(1000);
  });

  it('are told apart from malformed ones', () => {
    expect(isReceiptHandle('1-ODU4OTkzNDU5My0xNDMyNzI3ODI3LTItOA==')).toBe(false);
    expect(isReceiptHandle('not-a-handle')).toBe(false);
    expect(isReceiptHandle('')).toBe(false);
  });
});

describe('ids', () => {
  it('are 32 upper-case hex characters for messages and 24 for requests', () => {
    expect(newMessageId()).toMatch(/^[0-9A-F]{32}$/);
    expect(newRequestId()).toMatch(/^[0-9A-F]{24}$/);
    expect(newMessageId()).not.toBe(newMessageId());
  });
});

describe('parsing the raw query string', () => {
  it('keeps + as + and lower-cases keys, so either SDK spelling of a key is found', () => {
    const query = parseQuery('receiptHandle=1-ab+c/d==&VisibilityTimeout=30&waitseconds=5');
    expect(query.get('receipthandle')).toBe('1-ab+c/d==');
    expect(query.get('visibilitytimeout')).toBe('30');
    expect(query.get('waitseconds')).toBe('5');
  });

  it('decodes percent escapes, keeps the first of repeated keys and accepts keys without values', () => {
    const query = parseQuery('ReceiptHandle=a%2Bb&ReceiptHandle=second&peekonly');
    expect(query.get('receipthandle')).toBe('a+b');
    expect(query.get('peekonly')).toBe('');
  });

  it('refuses broken percent escapes as InvalidQueryString', () => {
    expect(() => parseQuery('ReceiptHandle=%E0%A4%A')).toThrow(
      expect.objectContaining({ code: 'InvalidQueryString' }),
    );
  });
});
