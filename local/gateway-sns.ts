import { randomUUID } from 'node:crypto';
import type { Reply } from './gateway-reply.ts';

/** A message published to an SNS topic: what the coordinators' subscription would receive. */
export interface PublishedAlert {
  topicArn: string;
  subject?: string;
  message: string;
  at: string;
}

const xmlEscape = (text: string) =>
  text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c,
  );

/** An SNS error in the awsQuery protocol's XML, which the SDK reads for the error's name. */
const queryError = (status: number, code: string, message: string): Reply => ({
  status,
  raw: `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  headers: { 'content-type': 'text/xml' },
  body: undefined,
});

/**
 * SNS `Publish` in the awsQuery protocol the SDK v3 SNS client speaks (a form-encoded POST, an XML
 * answer). Only Publish is served: it is all Tandem's functions do with SNS.
 */
export const publish = async (
  form: URLSearchParams,
  now: Date,
  onPublished: (alert: PublishedAlert) => Promise<void>,
): Promise<Reply> => {
  if (form.get('Action') !== 'Publish') {
    return queryError(
      400,
      'InvalidAction',
      `The local gateway serves SNS Publish only, not ${form.get('Action')}`,
    );
  }
  const topicArn = form.get('TopicArn');
  const message = form.get('Message');
  if (!topicArn || !message) return queryError(400, 'InvalidParameter', 'TopicArn and Message are required');
  const subject = form.get('Subject') ?? undefined;
  await onPublished({ topicArn, message, at: now.toISOString(), ...(subject ? { subject } : {}) });
  const messageId = randomUUID();
  return {
    status: 200,
    body: undefined,
    raw: `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
    headers: { 'content-type': 'text/xml' },
  };
};
