import { describe, expect, it } from 'vitest';
import { MnsError } from '../../local/mns/errors.js';
import { batchDeleteErrorsXml, errorXml, messagesXml } from '../../local/mns/responses.js';
import { childText, escapeXml, parseXml, xmlDocument } from '../../local/mns/xml.js';

// reference/mns.md §1.4: BatchSendMessage exactly as the SDK's toXMLBuffer builds it (fixture mns/batch-send-request.xml, shortened).
const BATCH_SEND =
  '<?xml version="1.0" encoding="UTF-8"?><Messages xmlns="http://mns.aliyuncs.com/doc/v1/"><Message><MessageBody>eyJqb2JJZCI6IjEifQ==</MessageBody></Message><Message><MessageBody>eyJqb2JJZCI6IjIifQ==</MessageBody><Priority>8</Priority></Message><Message><MessageBody>eyJqb2JJZCI6IjMifQ==</MessageBody><DelaySeconds>0</DelaySeconds></Message></Messages>';

function malformed(source: string): string | undefined {
  try {
    parseXml(source);
  } catch (error) {
    return error instanceof MnsError ? `${error.status} ${error.code}` : String(error);
  }
  return undefined;
}

describe('parsing request XML', () => {
  it('reads a batch send body as the SDK builds it, children in order', () => {
    const root = parseXml(BATCH_SEND);
    expect(root.name).toBe('Messages');
    expect(root.children.map((message) => childText(message, 'MessageBody'))).toEqual([
      'eyJqb2JJZCI6IjEifQ==',
      'eyJqb2JJZCI6IjIifQ==',
      'eyJqb2JJZCI6IjMifQ==',
    ]);
    expect(childText(root.children[1]!, 'Priority')).toBe('8');
    expect(childText(root.children[2]!, 'DelaySeconds')).toBe('0');
  });

  it('decodes the five XML entities and numeric references, and keeps CDATA and whitespace verbatim', () => {
    const root = parseXml(
      '<Message><MessageBody>  a &amp; b &lt;c&gt; &quot;&apos; &#65;&#x4e2d;<![CDATA[&amp;<x>]]> </MessageBody></Message>',
    );
    expect(childText(root, 'MessageBody')).toBe('  a & b <c> "\' A中&amp;<x> ');
  });

  it('refuses a raw ampersand, a raw less-than, unknown entities and forbidden characters as 400 MalformedXML', () => {
    expect(malformed('<Message><MessageBody>a & b</MessageBody></Message>')).toBe('400 MalformedXML');
    expect(malformed('<Message><MessageBody>a&b</MessageBody></Message>')).toBe('400 MalformedXML');
    expect(malformed('<Message><MessageBody>a < b</MessageBody></Message>')).toBe('400 MalformedXML');
    expect(malformed('<Message><MessageBody>&nbsp;</MessageBody></Message>')).toBe('400 MalformedXML');
    expect(malformed('<Message><MessageBody>&#0;</MessageBody></Message>')).toBe('400 MalformedXML');
    expect(malformed('<Message><MessageBody>\u0001</MessageBody></Message>')).toBe('400 MalformedXML');
    expect(malformed('<Message><MessageBody>x</Message>')).toBe('400 MalformedXML');
    expect(malformed('not xml')).toBe('400 MalformedXML');
    expect(malformed('')).toBe('400 MalformedXML');
  });
});

describe('building response XML', () => {
  it('escapes the characters that would break the document', () => {
    expect(escapeXml('a & <b> "c"')).toBe('a &amp; &lt;b&gt; "c"');
    expect(
      childText(
        parseXml(xmlDocument('Message', `<MessageBody>${escapeXml('x&<y>')}</MessageBody>`)),
        'MessageBody',
      ),
    ).toBe('x&<y>');
  });

  it('writes an <Error> with all four of Code, Message, RequestId and HostId in the MNS namespace', () => {
    const xml = errorXml(
      'MessageNotExist',
      'Message not exist.',
      '67876D9F2B4C6E8A0C1D3F5A',
      'http://127.0.0.1:9102',
    );
    expect(xml).toContain('<Error xmlns="http://mns.aliyuncs.com/doc/v1/">');
    const root = parseXml(xml);
    expect(root.children.map((child) => [child.name, child.text])).toEqual([
      ['Code', 'MessageNotExist'],
      ['Message', 'Message not exist.'],
      ['RequestId', '67876D9F2B4C6E8A0C1D3F5A'],
      ['HostId', 'http://127.0.0.1:9102'],
    ]);
  });

  it('answers a batch receive with <Messages> even for one message, and a peek without handle or NextVisibleTime', () => {
    const peeked = {
      messageId: 'C6DB60D1574661357FA227277445A1B2',
      body: 'a&b',
      messageBodyMd5: '6FA2B0A7B9D4F4E0B5C0A0C4F1E0A7B2',
      enqueueTime: 1,
      firstDequeueTime: 1,
      dequeueCount: 0,
      priority: 8,
    };
    const batch = parseXml(messagesXml([{ ...peeked, receiptHandle: '1-abc', nextVisibleTime: 2 }], true));
    expect(batch.name).toBe('Messages');
    expect(batch.children[0]!.children.map((child) => child.name)).toEqual([
      'MessageId',
      'ReceiptHandle',
      'MessageBodyMD5',
      'MessageBody',
      'EnqueueTime',
      'NextVisibleTime',
      'FirstDequeueTime',
      'DequeueCount',
      'Priority',
    ]);
    const single = parseXml(messagesXml([peeked], false));
    expect(single.name).toBe('Message');
    expect(childText(single, 'MessageBody')).toBe('a&b');
    expect(childText(single, 'ReceiptHandle')).toBeUndefined();
    expect(childText(single, 'NextVisibleTime')).toBeUndefined();
  });

  it('lists batch delete failures under <Errors> with ErrorCode, ErrorMessage and ReceiptHandle', () => {
    const root = parseXml(
      batchDeleteErrorsXml([
        { errorCode: 'MessageNotExist', errorMessage: 'Message not exist.', receiptHandle: '1-x' },
      ]),
    );
    expect(root.name).toBe('Errors');
    expect(root.children[0]!.children.map((child) => `${child.name}=${child.text}`)).toEqual([
      'ErrorCode=MessageNotExist',
      'ErrorMessage=Message not exist.',
      'ReceiptHandle=1-x',
    ]);
  });
});
