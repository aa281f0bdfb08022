/**
 * What an error from SES's SendEmail means for the mail and for the account. SES says it by HTTP
 * status, error type and message together: the daily quota, for one, comes as a throttling error
 * whose message names the quota, so the name alone would retry it like a brief throttle.
 */
export type SesAnswer =
  /** Too fast: back off and try again soon. */
  | { kind: 'throttled' }
  /** Nothing can be sent now (quota spent, account paused or suspended): pause everything. */
  | { kind: 'paused'; reason: 'daily-quota' | 'sending-paused' }
  /** This mail will never be accepted: record it as failed. */
  | { kind: 'refused' }
  /** SES certainly did not take it, for a reason that is not the mail's (credentials, permissions): retry later. */
  | { kind: 'not-sent' }
  /** SES may or may not have accepted the mail (timeout, 5xx, unknown). */
  | { kind: 'ambiguous' };

/** The parts of an AWS SDK error that tell SES's answers apart. */
export interface SesErrorShape {
  name?: string;
  message?: string;
  httpStatus?: number;
}

const DAILY_QUOTA = /daily (message |sending )?quota/i;
const PAUSED_NAMES = new Set([
  'SendingPausedException',
  'AccountSuspendedException',
  'AccountSendingPausedException',
  'ConfigurationSetSendingPausedException',
]);
const THROTTLING_NAMES = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'LimitExceededException',
]);
const REFUSED_NAMES = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'BadRequestException',
  'NotFoundException',
  'InvalidParameterValue',
  'ValidationException',
]);

/**
 * Classifies an SES SendEmail error. Order matters: the quota message wins over a throttling name.
 * Only the named refusals condemn the mail; another 4xx (expired credentials, a missing permission)
 * is the deployment's fault, so the mail waits for it to be fixed. 5xx, timeouts and errors without
 * an HTTP answer stay ambiguous.
 */
export const classifySesError = ({ name = '', message = '', httpStatus }: SesErrorShape): SesAnswer => {
  if (DAILY_QUOTA.test(message)) return { kind: 'paused', reason: 'daily-quota' };
  if (PAUSED_NAMES.has(name)) return { kind: 'paused', reason: 'sending-paused' };
  if (THROTTLING_NAMES.has(name) || httpStatus === 429 || /maximum sending rate/i.test(message))
    return { kind: 'throttled' };
  if (REFUSED_NAMES.has(name)) return { kind: 'refused' };
  if (httpStatus !== undefined && httpStatus >= 400 && httpStatus < 500 && httpStatus !== 408)
    return { kind: 'not-sent' };
  return { kind: 'ambiguous' };
};
