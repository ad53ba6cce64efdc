/** Declarations for `@alicloud/mns` 1.2.0 (it ships none). Bodies are strings; numbers arrive as strings. */
declare module '@alicloud/mns' {
  interface MNSClientOptions {
    accessKeyId?: string;
    accessKeyID?: string;
    accessKeySecret: string;
    securityToken?: string;
    region?: string;
    endpoint?: string;
    secure?: boolean;
    internal?: boolean;
    vpc?: boolean;
    readTimeout?: number;
    connectTimeout?: number;
    refreshSTSToken?: () => Promise<{ accessKeyId: string; accessKeySecret: string; securityToken: string }>;
    refreshSTSTokenInterval?: number;
  }

  interface MNSResponse<B> {
    code: number;
    headers: Record<string, string>;
    body: B;
  }

  interface MNSOutgoingMessage {
    MessageBody: string;
    DelaySeconds?: number;
    Priority?: number;
  }

  interface MNSReceivedMessage {
    MessageId: string;
    ReceiptHandle: string;
    MessageBody: string;
    MessageBodyMD5: string;
    EnqueueTime: string;
    FirstDequeueTime: string;
    NextVisibleTime: string;
    DequeueCount: string;
    Priority: string;
  }

  type MNSBatchSendItem =
    | { MessageId: string; MessageBodyMD5: string }
    | { ErrorCode: string; ErrorMessage: string };

  type MNSQueueAttributes = Record<string, string | number | boolean>;

  class MNSClient {
    constructor(accountId: string, options: MNSClientOptions);
    createQueue(name: string, attributes?: MNSQueueAttributes): Promise<MNSResponse<undefined>>;
    deleteQueue(name: string): Promise<MNSResponse<undefined>>;
    listQueue(start?: string, limit?: number, prefix?: string): Promise<MNSResponse<unknown>>;
    getQueueAttributes(name: string): Promise<MNSResponse<Record<string, string>>>;
    setQueueAttributes(name: string, attributes: MNSQueueAttributes): Promise<MNSResponse<undefined>>;
    sendMessage(
      queue: string,
      message: MNSOutgoingMessage,
    ): Promise<MNSResponse<{ MessageId: string; MessageBodyMD5: string }>>;
    batchSendMessage(queue: string, messages: MNSOutgoingMessage[]): Promise<MNSResponse<MNSBatchSendItem[]>>;
    receiveMessage(queue: string, waitSeconds?: number): Promise<MNSResponse<MNSReceivedMessage>>;
    batchReceiveMessage(
      queue: string,
      count: number,
      waitSeconds?: number,
    ): Promise<MNSResponse<MNSReceivedMessage[]>>;
    peekMessage(
      queue: string,
    ): Promise<MNSResponse<Omit<MNSReceivedMessage, 'ReceiptHandle' | 'NextVisibleTime'>>>;
    batchPeekMessage(
      queue: string,
      count: number,
    ): Promise<MNSResponse<Omit<MNSReceivedMessage, 'ReceiptHandle' | 'NextVisibleTime'>[]>>;
    deleteMessage(queue: string, receiptHandle: string): Promise<MNSResponse<undefined>>;
    batchDeleteMessage(
      queue: string,
      receiptHandles: string[],
    ): Promise<MNSResponse<{ ErrorCode: string; ErrorMessage: string; ReceiptHandle: string }[] | undefined>>;
    changeMessageVisibility(
      queue: string,
      receiptHandle: string,
      visibilityTimeout: number,
    ): Promise<MNSResponse<{ ReceiptHandle: string; NextVisibleTime: string }>>;
  }

  export = MNSClient;
}
