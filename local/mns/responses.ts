import type { PeekedMessage, ReceivedMessage, SendResult } from './queue.js';
import { queueAttributesXml } from './queue-attributes.js';
import type { QueueAttributeView } from './queue-registry.js';
import { xmlDocument, xmlFields } from './xml.js';

/** The `<Error>` body; all four fields are required, or the Node SDK crashes instead of throwing. */
export function errorXml(code: string, message: string, requestId: string, hostId: string): string {
  return xmlDocument(
    'Error',
    xmlFields({ Code: code, Message: message, RequestId: requestId, HostId: hostId }),
  );
}

/** Receive/Peek message fields in the documented order; Peek has no ReceiptHandle or NextVisibleTime. */
function messageFields(message: PeekedMessage & Partial<ReceivedMessage>): string {
  return xmlFields({
    MessageId: message.messageId,
    ReceiptHandle: message.receiptHandle,
    MessageBodyMD5: message.messageBodyMd5,
    MessageBody: message.body,
    EnqueueTime: message.enqueueTime,
    NextVisibleTime: message.nextVisibleTime,
    FirstDequeueTime: message.firstDequeueTime,
    DequeueCount: message.dequeueCount,
    Priority: message.priority,
  });
}

/** (Batch)ReceiveMessage / (Batch)PeekMessage; the batch forms always answer `<Messages>`, even for one. */
export function messagesXml(messages: (PeekedMessage | ReceivedMessage)[], batch: boolean): string {
  const fields = messages.map(messageFields);
  return batch
    ? xmlDocument('Messages', fields.map((inner) => `<Message>${inner}</Message>`).join(''))
    : xmlDocument('Message', fields[0] ?? '');
}

export function sendResultXml(result: SendResult): string {
  return xmlDocument('Message', sendResultFields(result));
}

function sendResultFields(result: SendResult): string {
  return xmlFields({ MessageId: result.messageId, MessageBodyMD5: result.messageBodyMd5 });
}

export type BatchSendItem = SendResult | { errorCode: string; errorMessage: string };

/** BatchSendMessage: one `<Message>` per input, either the result or `ErrorCode` + `ErrorMessage`. */
export function batchSendXml(items: BatchSendItem[]): string {
  const inner = items.map(
    (item) =>
      `<Message>${
        'errorCode' in item
          ? xmlFields({ ErrorCode: item.errorCode, ErrorMessage: item.errorMessage })
          : sendResultFields(item)
      }</Message>`,
  );
  return xmlDocument('Messages', inner.join(''));
}

export interface BatchDeleteFailure {
  errorCode: string;
  errorMessage: string;
  receiptHandle: string;
}

/** BatchDeleteMessage partial failure: one `<Error>` per handle that was not deleted. */
export function batchDeleteErrorsXml(failures: BatchDeleteFailure[]): string {
  const inner = failures.map(
    (failure) =>
      `<Error>${xmlFields({
        ErrorCode: failure.errorCode,
        ErrorMessage: failure.errorMessage,
        ReceiptHandle: failure.receiptHandle,
      })}</Error>`,
  );
  return xmlDocument('Errors', inner.join(''));
}

export function changeVisibilityXml(result: { receiptHandle: string; nextVisibleTime: number }): string {
  return xmlDocument(
    'ChangeVisibility',
    xmlFields({ ReceiptHandle: result.receiptHandle, NextVisibleTime: result.nextVisibleTime }),
  );
}

function queueFields(view: QueueAttributeView): string {
  return (
    xmlFields({
      QueueName: view.queueName,
      CreateTime: view.createTime,
      LastModifyTime: view.lastModifyTime,
      ActiveMessages: view.activeMessages,
      InactiveMessages: view.inactiveMessages,
      DelayMessages: view.delayMessages,
    }) + queueAttributesXml(view)
  );
}

export function queueXml(view: QueueAttributeView): string {
  return xmlDocument('Queue', queueFields(view));
}

/** ListQueue: `QueueURL` per queue (plus attributes with `x-mns-with-meta: true`) and `NextMarker` when cut. */
export function queueListXml(
  queues: { url: string; view?: QueueAttributeView }[],
  nextMarker: string | undefined,
): string {
  const inner = queues.map(
    ({ url, view }) => `<Queue>${xmlFields({ QueueURL: url })}${view ? queueFields(view) : ''}</Queue>`,
  );
  return xmlDocument('Queues', inner.join('') + xmlFields({ NextMarker: nextMarker }));
}
