import { describe, expect, it } from 'vitest';
import { classifySesError, type SesAnswer } from '#core/ses-answer';

describe('classifySesError', () => {
  it.each<[string, { name?: string; message?: string; httpStatus?: number }, SesAnswer]>([
    [
      'the rate limit',
      { name: 'TooManyRequestsException', message: 'Maximum sending rate exceeded.', httpStatus: 429 },
      { kind: 'throttled' },
    ],
    [
      'SES v1 throttling',
      { name: 'Throttling', message: 'Rate exceeded', httpStatus: 400 },
      { kind: 'throttled' },
    ],
    ['a bare 429', { name: 'Unknown', httpStatus: 429 }, { kind: 'throttled' }],
    [
      'the daily quota as a throttling error',
      { name: 'TooManyRequestsException', message: 'Daily message quota exceeded.', httpStatus: 429 },
      { kind: 'paused', reason: 'daily-quota' },
    ],
    [
      'the daily quota as SES v1 says it',
      { name: 'Throttling', message: 'Throttling failure: Daily message quota exceeded.', httpStatus: 400 },
      { kind: 'paused', reason: 'daily-quota' },
    ],
    [
      'the daily quota as a limit error',
      { name: 'LimitExceededException', message: 'Daily sending quota exceeded', httpStatus: 400 },
      { kind: 'paused', reason: 'daily-quota' },
    ],
    [
      'a paused account',
      { name: 'SendingPausedException', message: 'Sending is paused for this account.', httpStatus: 400 },
      { kind: 'paused', reason: 'sending-paused' },
    ],
    [
      'a suspended account',
      { name: 'AccountSuspendedException', httpStatus: 400 },
      { kind: 'paused', reason: 'sending-paused' },
    ],
    ['a rejected message', { name: 'MessageRejected', httpStatus: 400 }, { kind: 'refused' }],
    [
      'an unverified MAIL FROM',
      { name: 'MailFromDomainNotVerifiedException', httpStatus: 400 },
      { kind: 'refused' },
    ],
    ['a bad request', { name: 'BadRequestException', httpStatus: 400 }, { kind: 'refused' }],
    ['a missing configuration set', { name: 'NotFoundException', httpStatus: 404 }, { kind: 'refused' }],
    ['expired credentials', { name: 'ExpiredTokenException', httpStatus: 403 }, { kind: 'not-sent' }],
    ['a missing permission', { name: 'AccessDeniedException', httpStatus: 403 }, { kind: 'not-sent' }],
    ['a request timeout answer', { name: 'RequestTimeout', httpStatus: 408 }, { kind: 'ambiguous' }],
    ['a server error', { name: 'InternalFailure', httpStatus: 500 }, { kind: 'ambiguous' }],
    ['an unavailable service', { name: 'ServiceUnavailable', httpStatus: 503 }, { kind: 'ambiguous' }],
    [
      'a timeout without an answer',
      { name: 'TimeoutError', message: 'socket timed out' },
      { kind: 'ambiguous' },
    ],
    ['a dropped connection', { name: 'Error', message: 'socket hang up' }, { kind: 'ambiguous' }],
  ])('classifies %s', (_what, error, expected) => {
    expect(classifySesError(error)).toEqual(expected);
  });
});
