/**
 * An error the local ICE service answers with the POP error shape
 * `{ RequestId, HostId, Code, Message, Recommend }` and an HTTP status (reference ice.md §1.6).
 */
export class IceError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'IceError';
  }
}

export interface IceErrorBody {
  RequestId: string;
  HostId: string;
  Code: string;
  Message: string;
  Recommend: string;
}

export function iceErrorBody(error: IceError, requestId: string, hostId: string): IceErrorBody {
  return {
    RequestId: requestId,
    HostId: hostId,
    Code: error.code,
    Message: error.message,
    Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(error.code)}&product=ICE`,
  };
}

export function missingParameter(name: string): IceError {
  return new IceError(
    400,
    'MissingParameter',
    `The input parameter "${name}" that is mandatory for processing this request is not supplied.`,
  );
}

export function invalidParameter(name: string, why?: string): IceError {
  return new IceError(
    400,
    'InvalidParameter',
    `The specified parameter "${name}" is not valid.${why === undefined ? '' : ` ${why}`}`,
  );
}
