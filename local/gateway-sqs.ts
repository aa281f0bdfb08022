import { createHash, randomUUID } from 'node:crypto';
import { ACCOUNT_ID, awsError, ok, type Reply } from './gateway-reply.ts';

/** A message accepted by SendMessage or SendMessageBatch; `id` is the MessageId returned to the sender. */
export interface AcceptedMessage {
  id: string;
  body: string;
  delaySeconds: number;
}

export type OnMessages = (queueName: string, messages: AcceptedMessage[]) => Promise<void>;

interface MessageInput {
  MessageBody?: unknown;
  DelaySeconds?: unknown;
}

interface Problem {
  code: string;
  message: string;
}

const MAX_BYTES = 262_144;
const MAX_BATCH = 10;
const MAX_DELAY_SECONDS = 900;
const BATCH_ENTRY_ID = /^[\w-]{1,80}$/;
// The characters SQS allows in a message body (XML 1.0's).
const INVALID_BODY_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/**
 * An SQS error in the awsJson1_0 protocol. SQS still speaks its old query error codes through the
 * `x-amzn-query-error` header, and the SDK (with `awsQueryCompatible`) prefers that code, exposing it
 * as `error.Code` while `error.name` comes from the modelled shape.
 */
const sqsError = (type: string, queryCode: string, message: string): Reply =>
  awsError(400, `com.amazonaws.sqs#${type}`, message, { 'x-amzn-query-error': `${queryCode};Sender` });

/** The queue URL format the gateway hands out: `<endpoint>/000000000000/<name>`. */
export function queueUrl(endpoint: string, queueName: string): string {
  return `${endpoint}/${ACCOUNT_ID}/${queueName}`;
}

/** Resolves a request's QueueUrl to a known queue name, or answers like SQS for an unknown queue. */
export function resolveQueue(input: { QueueUrl?: unknown }, queues: ReadonlySet<string>): string | Reply {
  const [account, name, ...rest] = pathOf(input.QueueUrl).split('/').slice(1);
  if (account === ACCOUNT_ID && name !== undefined && rest.length === 0 && queues.has(name)) return name;
  return sqsError(
    'QueueDoesNotExist',
    'AWS.SimpleQueueService.NonExistentQueue',
    'The specified queue does not exist.',
  );
}

/** SQS `SendMessage`. */
export async function sendMessage(
  queue: string,
  input: MessageInput,
  onMessages: OnMessages,
): Promise<Reply> {
  const problem = checkMessage(input) ?? (byteLength(input.MessageBody) > MAX_BYTES ? tooLong() : undefined);
  if (problem) return sqsError(problem.code, problem.code, problem.message);
  const message = accept(input);
  await onMessages(queue, [message]);
  return ok({ MessageId: message.id, MD5OfMessageBody: md5(message.body) });
}

/** SQS `SendMessageBatch`: request-level problems fail the call, entry-level ones land in `Failed`. */
export async function sendMessageBatch(
  queue: string,
  input: { Entries?: unknown },
  onMessages: OnMessages,
): Promise<Reply> {
  const entries = (Array.isArray(input.Entries) ? input.Entries : []).map(
    (entry: unknown): MessageInput & { Id?: unknown } =>
      typeof entry === 'object' && entry !== null ? entry : {},
  );
  if (entries.length === 0) {
    return sqsError(
      'EmptyBatchRequest',
      'AWS.SimpleQueueService.EmptyBatchRequest',
      'There should be at least one SendMessageBatchRequestEntry in the request.',
    );
  }
  if (entries.length > MAX_BATCH) {
    return sqsError(
      'TooManyEntriesInBatchRequest',
      'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are ${MAX_BATCH}. You have sent ${entries.length}.`,
    );
  }
  const ids = new Set<unknown>();
  for (const { Id } of entries) {
    if (typeof Id !== 'string' || !BATCH_ENTRY_ID.test(Id)) {
      return sqsError(
        'InvalidBatchEntryId',
        'AWS.SimpleQueueService.InvalidBatchEntryId',
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
      );
    }
    if (ids.has(Id)) {
      return sqsError(
        'BatchEntryIdsNotDistinct',
        'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
        `Id ${Id} repeated.`,
      );
    }
    ids.add(Id);
  }
  const total = entries.reduce((sum, entry) => sum + byteLength(entry.MessageBody), 0);
  if (total > MAX_BYTES) {
    return sqsError(
      'BatchRequestTooLong',
      'AWS.SimpleQueueService.BatchRequestTooLong',
      `Batch requests cannot be longer than ${MAX_BYTES} bytes. You have sent ${total} bytes.`,
    );
  }

  const accepted: AcceptedMessage[] = [];
  const Successful: { Id: string; MessageId: string; MD5OfMessageBody: string }[] = [];
  const Failed: { Id: string; SenderFault: true; Code: string; Message: string }[] = [];
  for (const entry of entries) {
    const Id = entry.Id as string;
    const problem = checkMessage(entry);
    if (problem) {
      Failed.push({ Id, SenderFault: true, Code: problem.code, Message: problem.message });
      continue;
    }
    const message = accept(entry);
    accepted.push(message);
    Successful.push({ Id, MessageId: message.id, MD5OfMessageBody: md5(message.body) });
  }
  if (accepted.length > 0) await onMessages(queue, accepted);
  return ok({ Successful, Failed });
}

function checkMessage({ MessageBody, DelaySeconds }: MessageInput): Problem | undefined {
  if (typeof MessageBody !== 'string' || MessageBody === '') {
    return { code: 'MissingParameter', message: 'The request must contain the parameter MessageBody.' };
  }
  if (INVALID_BODY_CHAR.test(MessageBody)) {
    return { code: 'InvalidMessageContents', message: 'Invalid characters found in the message body.' };
  }
  const delay = DelaySeconds ?? 0;
  if (!(Number.isInteger(delay) && (delay as number) >= 0 && (delay as number) <= MAX_DELAY_SECONDS)) {
    return {
      code: 'InvalidParameterValue',
      message: `Value ${String(delay)} for parameter DelaySeconds is invalid. Reason: Must be >= 0 and <= ${MAX_DELAY_SECONDS}.`,
    };
  }
  return undefined;
}

function tooLong(): Problem {
  return {
    code: 'InvalidParameterValue',
    message: `One or more parameters are invalid. Reason: Message must be shorter than ${MAX_BYTES} bytes.`,
  };
}

function accept(input: MessageInput): AcceptedMessage {
  return {
    id: randomUUID(),
    body: input.MessageBody as string,
    delaySeconds: (input.DelaySeconds as number) ?? 0,
  };
}

function pathOf(url: unknown): string {
  try {
    return new URL(String(url)).pathname;
  } catch {
    return '';
  }
}

function byteLength(body: unknown): number {
  return typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : 0;
}

/** The SDK recomputes this over the UTF-8 body and throws on a mismatch. */
function md5(body: string): string {
  return createHash('md5').update(body, 'utf8').digest('hex');
}
