import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detailToPublish, type EventContract, type PublishedEvent, parseEvent } from '#core/event-contract';
import {
  COORDINATOR_SOURCE,
  MEMBERS_SOURCE,
  MemberChanged,
  RoundLaunchRequested,
  SesSendingEvents,
} from '#core/events';
import { busRules } from '#infra/wiring';
import { routeEvent } from '#local/event-router';
import { participantId } from './fixtures.ts';

// One exhaustive suite per event: what each contract accepts and refuses, on the way onto the bus and
// off it, and that the wiring's rules deliver it to the function that parses it.

/** The event as EventBridge delivers it to a rule's target. */
const delivered = (
  contract: EventContract,
  detail: unknown,
  detailType = [contract.detailType].flat()[0],
) => ({
  version: '0',
  id: 'evt-1',
  'detail-type': detailType,
  source: contract.source,
  account: '123456789012',
  time: '2025-03-17T09:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail,
});

/** What a handler says about the detail; undefined when it takes it. */
const problemReceiving = (contract: EventContract, detail: unknown): string | undefined => {
  const received = parseEvent(contract, delivered(contract, detail));
  return received.ok ? undefined : received.problem;
};

/** What publishing says about the detail; undefined when it would send it. */
const problemPublishing = (contract: PublishedEvent, detail: unknown): string | undefined => {
  try {
    detailToPublish(contract, detail);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
};

const without = (detail: Record<string, unknown>, field: string) =>
  Object.fromEntries(Object.entries(detail).filter(([key]) => key !== field));

describe('RoundLaunchRequested', () => {
  const valid = { roundId: 'spring-2025' };

  it('comes from the coordinator as RoundLaunchRequested', () => {
    expect([RoundLaunchRequested.source, RoundLaunchRequested.detailType]).toEqual([
      COORDINATOR_SOURCE,
      'RoundLaunchRequested',
    ]);
  });

  it('is published and received with a round id', () => {
    expect(problemPublishing(RoundLaunchRequested, valid)).toBeUndefined();
    expect(parseEvent(RoundLaunchRequested, delivered(RoundLaunchRequested, valid))).toMatchObject({
      ok: true,
      detail: valid,
    });
  });

  it.each<[string, unknown, string]>([
    ['without a round id', {}, 'detail.roundId: '],
    ['with a round id that is not a slug', { roundId: 'Spring 2025!' }, 'detail.roundId: round id: '],
    ['with a round id that is not a string', { roundId: 2025 }, 'detail.roundId: '],
    ['with a field it does not know', { ...valid, cohort: 12 }, 'detail: Unrecognized key: "cohort"'],
    ['with no detail at all', undefined, 'detail: '],
  ])('is refused %s, naming the field, by publisher and handler alike', (_what, detail, field) => {
    expect(problemPublishing(RoundLaunchRequested, detail)).toContain(field);
    expect(problemReceiving(RoundLaunchRequested, detail)).toContain(field);
  });

  it('is delivered to the launch function from the Tandem bus only', () => {
    expect(routeEvent(busRules, delivered(RoundLaunchRequested, valid), 'tandem')).toEqual(['launchRound']);
    expect(routeEvent(busRules, delivered(RoundLaunchRequested, valid), 'default')).toEqual([]);
  });
});

describe('MemberChanged', () => {
  const valid = {
    roundId: 'spring-2025',
    participantId: participantId('aroha'),
    change: 'paused',
    at: '2025-03-17T09:00:00.000Z',
  };

  it('comes from the members as MemberChanged', () => {
    expect([MemberChanged.source, MemberChanged.detailType]).toEqual([MEMBERS_SOURCE, 'MemberChanged']);
  });

  it.each(['unsubscribed', 'paused', 'resumed', 'suppressed', 'flagged-quiet'])(
    'is published and received for a member %s',
    (change) => {
      const detail = { ...valid, change };

      expect(problemPublishing(MemberChanged, detail)).toBeUndefined();
      expect(parseEvent(MemberChanged, delivered(MemberChanged, detail))).toMatchObject({ ok: true, detail });
    },
  );

  it.each(['roundId', 'participantId', 'change', 'at'])(
    'is refused without its %s, naming it, by publisher and handler alike',
    (field) => {
      const detail = without(valid, field);

      expect(problemPublishing(MemberChanged, detail)).toContain(`detail.${field}: `);
      expect(problemReceiving(MemberChanged, detail)).toContain(`detail.${field}: `);
    },
  );

  it.each<[string, Record<string, unknown>, string]>([
    ['a round id that is not a slug', { roundId: 'Spring!' }, 'detail.roundId: round id: '],
    [
      'a participant id that is not one',
      { participantId: 'someone' },
      'detail.participantId: participant id: ',
    ],
    ['a change Tandem does not make', { change: 'left' }, 'detail.change: '],
    ['a time that is not an ISO instant', { at: 'now' }, 'detail.at: '],
    [
      'a field it does not know',
      { partnershipId: 'tabcdefghijkl' },
      'detail: Unrecognized key: "partnershipId"',
    ],
  ])('is refused with %s, naming the field, by publisher and handler alike', (_what, change, field) => {
    const detail = { ...valid, ...change };

    expect(problemPublishing(MemberChanged, detail)).toContain(field);
    expect(problemReceiving(MemberChanged, detail)).toContain(field);
  });

  it('is delivered to the lifecycle function from the Tandem bus only', () => {
    expect(routeEvent(busRules, delivered(MemberChanged, valid), 'tandem')).toEqual(['lifecycle']);
    expect(routeEvent(busRules, delivered(MemberChanged, valid), 'default')).toEqual([]);
  });
});

describe('SesSendingEvents', () => {
  /** The realistic EventBridge event SES puts on the default bus for a hard bounce (extra fields and all). */
  const bounce = JSON.parse(
    readFileSync(new URL('../../fixtures/ses-events/permanent-bounce.json', import.meta.url), 'utf8'),
  ) as { detail: Record<string, unknown> };
  const delivery = { eventType: 'Delivery', mail: { messageId: 'm-1' } };

  it('comes from SES, in each of the six detail types of a configuration set Tandem listens to', () => {
    expect(SesSendingEvents.source).toBe('aws.ses');
    expect(SesSendingEvents.detailType).toEqual([
      'Email Bounced',
      'Email Complaint Received',
      'Email Delivered',
      'Email Rejected',
      'Email Rendering Failed',
      'Email Delivery Delayed',
    ]);
  });

  it("receives SES's own bounce event, keeping the fields Tandem does not read", () => {
    // Act
    const received = parseEvent(SesSendingEvents, bounce);

    // Assess
    expect(received).toMatchObject({
      ok: true,
      id: '5f3b2c1a-8e4d-4b7a-9c6e-2d1f0a9b8c7d',
      detail: { eventType: 'Bounce', bounce: { bounceType: 'Permanent', feedbackId: expect.any(String) } },
    });
  });

  it('gives a mail without destination or tags empty ones', () => {
    expect(parseEvent(SesSendingEvents, delivered(SesSendingEvents, delivery))).toMatchObject({
      ok: true,
      detail: { mail: { messageId: 'm-1', destination: [], tags: {} } },
    });
  });

  it.each(SesSendingEvents.detailType)('is received as %s', (detailType) => {
    expect(parseEvent(SesSendingEvents, delivered(SesSendingEvents, delivery, detailType)).ok).toBe(true);
  });

  it('is refused in a detail type Tandem does not listen to', () => {
    expect(parseEvent(SesSendingEvents, delivered(SesSendingEvents, delivery, 'Email Opened'))).toMatchObject(
      {
        ok: false,
        problem: expect.stringMatching(/^detail-type: expected .*, got "Email Opened"$/),
      },
    );
  });

  it.each<[string, unknown, string]>([
    ['without its event type', { mail: { messageId: 'm-1' } }, 'detail.eventType: '],
    ['without the mail', { eventType: 'Delivery' }, 'detail.mail: '],
    ['without the mail’s id', { eventType: 'Delivery', mail: {} }, 'detail.mail.messageId: '],
    [
      'with tags that are not lists',
      { ...delivery, mail: { messageId: 'm-1', tags: 'x' } },
      'detail.mail.tags: ',
    ],
    ['as a Bounce without its bounce object', { ...delivery, eventType: 'Bounce' }, 'detail.bounce: '],
    [
      'as a Complaint without its complaint object',
      { ...delivery, eventType: 'Complaint' },
      'detail.complaint: ',
    ],
    [
      'as a Bounce without its bounce type',
      { ...delivery, eventType: 'Bounce', bounce: { bouncedRecipients: [] } },
      'detail.bounce.bounceType: ',
    ],
  ])('is refused %s, naming the field', (_what, detail, field) => {
    expect(problemReceiving(SesSendingEvents, detail)).toContain(field);
  });

  it.each(SesSendingEvents.detailType)(
    'is delivered as %s to the mail events function from the default bus only',
    (detailType) => {
      const event = delivered(SesSendingEvents, delivery, detailType);

      expect(routeEvent(busRules, event, 'default')).toEqual(['mailEvents']);
      expect(routeEvent(busRules, event, 'tandem')).toEqual([]);
    },
  );
});
