/** An MNS error as the service answers it: HTTP status plus the `<Code>` the SDK turns into `MNS<Code>Error`. */
export class MnsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'MnsError';
  }
}

/** The documented codes (reference/mns.md §1.7) with their documented messages. */
export const mnsErrors = {
  queueNotExist: () => new MnsError(404, 'QueueNotExist', 'The queue name you provided is not exist.'),
  queueAlreadyExist: () =>
    new MnsError(409, 'QueueAlreadyExist', 'The queue you want to create is already exist.'),
  invalidQueueName: () =>
    new MnsError(
      400,
      'InvalidQueueName',
      'The queue name you provided is not valid: letters, digits and hyphens, starting with a letter or digit.',
    ),
  queueNameLengthError: () =>
    new MnsError(400, 'QueueNameLengthError', 'The length of queue name should be between 1 and 120.'),
  messageNotExist: () => new MnsError(404, 'MessageNotExist', 'Message not exist.'),
  receiptHandleError: () =>
    new MnsError(400, 'ReceiptHandleError', 'The receipt handle you provided is not valid.'),
  missingReceiptHandle: () =>
    new MnsError(400, 'MissingReceiptHandle', 'The receipt handle is required for this operation.'),
  missingVisibilityTimeout: () =>
    new MnsError(400, 'MissingVisibilityTimeout', 'The visibility timeout is required for this operation.'),
  invalidArgument: (message: string) => new MnsError(400, 'InvalidArgument', message),
  malformedXml: () => new MnsError(400, 'MalformedXML', 'The XML you provided was not well-formed.'),
  invalidQueryString: () => new MnsError(400, 'InvalidQueryString', 'The query string is not valid.'),
  invalidRequestUrl: (method: string, path: string) =>
    new MnsError(400, 'InvalidRequestURL', `The request URL ${method} ${path} is not a queue operation.`),
  missingAuthorizationHeader: () =>
    new MnsError(400, 'MissingAuthorizationHeader', 'The Authorization header is required.'),
  invalidAuthorizationHeader: () =>
    new MnsError(
      400,
      'InvalidAuthorizationHeader',
      'The Authorization header should be "MNS AccessKeyId:Signature".',
    ),
  missingDateHeader: () => new MnsError(400, 'MissingDateHeader', 'The Date header is required.'),
  invalidDateHeader: () => new MnsError(400, 'InvalidDateHeader', 'The Date header is not a valid GMT date.'),
  timeExpired: () =>
    new MnsError(408, 'TimeExpired', 'The Date header differs from the server time by more than 15 minutes.'),
  missingVersionHeader: () =>
    new MnsError(400, 'MissingVersionHeader', 'The x-mns-version header is required.'),
  invalidVersionHeader: () =>
    new MnsError(400, 'InvalidVersionHeader', 'The x-mns-version header should be 2015-06-06.'),
  invalidAccessKeyId: () =>
    new MnsError(403, 'InvalidAccessKeyId', 'The access Id you provided is not exist.'),
  signatureDoesNotMatch: () =>
    new MnsError(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided.',
    ),
  accessDenied: (message: string) => new MnsError(403, 'AccessDenied', message),
  internalError: () => new MnsError(500, 'InternalError', 'The local MNS service failed unexpectedly.'),
};
