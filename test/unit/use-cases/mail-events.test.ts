import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MemberChanged, SesSendingEvent } from '#core/events';
import { handleMailEvent, type MailEventDeps, whoseMail } from '../../../functions/use-cases/mail-events.ts';
import { participantId } from '../core/fixtures.ts';
import { InMemorySoftBounces, InMemorySuppression } from './fake-mail-events.ts';
import { RecordingBus } from './fakes.ts';

const NOW = new Date('2025-03-17T09:05:00Z');
const aroha = participantId('aroha');

const setup = (status = 'active') => {
  const suppression = new InMemorySuppression({ [`spring-2025/${aroha}`]: status });
  const softBounces = new InMemorySoftBounces(suppression.members);
  const bus = new RecordingBus();
  const deps: MailEventDeps = { suppression, softBounces, bus };
  return { deps, suppression, softBounces, bus };
};

/** The realistic EventBridge event SES puts on the default bus for a hard bounce (extra fields and all). */
const bounceFixture = JSON.parse(
  readFileSync(new URL('../../fixtures/ses-events/permanent-bounce.json', import.meta.url), 'utf8'),
) as { id: string; detail: Record<string, unknown> };

const ourTags = { kind: ['topic'], round: ['spring-2025'], participant: [aroha], topic: ['3'] };
const sesEvent = (eventType: string, extra: Record<string, unknown> = {}, tags: object = ourTags) =>
  SesSendingEvent.parse({
    eventType,
    mail: {
      timestamp: '2025-03-17T09:02:12.904Z',
      messageId: 'msg-1',
      destination: ['aroha@example.org'],
      tags: { 'ses:configuration-set': ['tandem'], ...tags },
    },
    ...extra,
  });
const bounce = (bounceType: string, tags?: object) =>
  sesEvent(
    'Bounce',
    {
      bounce: {
        bounceType,
        bounceSubType: 'General',
        bouncedRecipients: [{ emailAddress: 'aroha@example.org' }],
      },
    },
    tags,
  );
const complaint = sesEvent('Complaint', {
  complaint: {
    complainedRecipients: [{ emailAddress: 'aroha@example.org' }],
    complaintFeedbackType: 'abuse',
  },
});

describe('SesSendingEvent', () => {
  it('reads a real SES bounce, ignoring the many fields Tandem does not use', () => {
    const parsed = SesSendingEvent.safeParse(bounceFixture.detail);

    expect(parsed.success).toBe(true);
    expect(parsed.data?.bounce?.bounceType).toBe('Permanent');
    expect(whoseMail(parsed.data as SesSendingEvent)).toEqual({
      roundId: 'spring-2025',
      participantId: aroha,
    });
  });

  it('refuses a Bounce without its bounce object, and an event without a mail', () => {
    expect(SesSendingEvent.safeParse({ eventType: 'Bounce', mail: { messageId: 'm' } }).success).toBe(false);
    expect(SesSendingEvent.safeParse({ eventType: 'Complaint', mail: { messageId: 'm' } }).success).toBe(
      false,
    );
    expect(SesSendingEvent.safeParse({ eventType: 'Delivery' }).success).toBe(false);
  });
});

describe('handleMailEvent', () => {
  it('suppresses a member whose round mail hard-bounced and prompts the lifecycle', async () => {
    // Prepare
    const { deps, suppression, bus } = setup();

    // Act
    const outcome = await handleMailEvent(
      deps,
      bounceFixture.id,
      SesSendingEvent.parse(bounceFixture.detail),
      NOW,
    );

    // Assess
    expect(outcome).toEqual({
      outcome: 'suppressed',
      reason: 'bounce',
      roundId: 'spring-2025',
      participantId: aroha,
    });
    expect(suppression.members.get(`spring-2025/${aroha}`)).toEqual({
      status: 'suppressed',
      suppressedReason: 'bounce',
    });
    expect(suppression.profiles.get(aroha)).toBe('suppressed');
    expect(bus.events).toEqual([
      {
        detailType: MemberChanged.detailType,
        detail: {
          roundId: 'spring-2025',
          participantId: aroha,
          change: 'suppressed',
          at: '2025-03-17T09:05:00.000Z',
        },
      },
    ]);
  });

  it('suppresses a member who complained, with the reason complaint', async () => {
    const { deps, suppression, bus } = setup();

    const outcome = await handleMailEvent(deps, 'evt-c', complaint, NOW);

    expect(outcome).toMatchObject({ outcome: 'suppressed', reason: 'complaint' });
    expect(suppression.members.get(`spring-2025/${aroha}`)?.suppressedReason).toBe('complaint');
    expect(bus.events).toHaveLength(1);
  });

  it('suppresses a paused member too', async () => {
    const { deps, suppression } = setup('paused');

    await handleMailEvent(deps, 'evt-1', bounce('Permanent'), NOW);

    expect(suppression.members.get(`spring-2025/${aroha}`)?.status).toBe('suppressed');
  });

  it('suppresses once when the same bounce is delivered again, and prompts the lifecycle again', async () => {
    // Prepare
    const { deps, suppression, bus } = setup();
    const event = SesSendingEvent.parse(bounceFixture.detail);
    await handleMailEvent(deps, bounceFixture.id, event, NOW);

    // Act
    const again = await handleMailEvent(deps, bounceFixture.id, event, NOW);

    // Assess: the lifecycle follows up from the stored state, so a second prompt changes nothing there.
    expect(again).toMatchObject({ outcome: 'unchanged', reason: 'bounce' });
    expect(suppression.members.get(`spring-2025/${aroha}`)).toEqual({
      status: 'suppressed',
      suppressedReason: 'bounce',
    });
    expect(bus.events.map((e) => e.detail)).toEqual([
      expect.objectContaining({ change: 'suppressed' }),
      expect.objectContaining({ change: 'suppressed' }),
    ]);
  });

  it('puts MemberChanged when the event is retried after PutEvents failed once after the suppression', async () => {
    // Prepare: the suppression is written, then the bus refuses the event; the handler throws.
    const { deps, suppression, bus } = setup();
    bus.refusals = 1;
    await expect(handleMailEvent(deps, 'evt-1', complaint, NOW)).rejects.toThrow('InternalException');
    expect(suppression.members.get(`spring-2025/${aroha}`)?.status).toBe('suppressed');
    expect(bus.events).toEqual([]);

    // Act: EventBridge retries the invocation with the same event.
    const retried = await handleMailEvent(deps, 'evt-1', complaint, NOW);

    // Assess
    expect(retried).toMatchObject({ outcome: 'unchanged', reason: 'complaint' });
    expect(bus.events).toEqual([
      {
        detailType: MemberChanged.detailType,
        detail: { roundId: 'spring-2025', participantId: aroha, change: 'suppressed', at: NOW.toISOString() },
      },
    ]);
  });

  it('leaves an unsubscribed member unsubscribed and puts nothing on the bus', async () => {
    const { deps, suppression, bus } = setup('unsubscribed');

    const outcome = await handleMailEvent(deps, 'evt-1', complaint, NOW);

    expect(outcome).toMatchObject({ outcome: 'unchanged', reason: 'complaint' });
    expect(suppression.members.get(`spring-2025/${aroha}`)?.status).toBe('unsubscribed');
    expect(bus.events).toEqual([]);
  });

  it('leaves a member suppressed already as they are, and prompts the lifecycle again', async () => {
    const { deps, suppression, bus } = setup('suppressed');

    const outcome = await handleMailEvent(deps, 'evt-1', complaint, NOW);

    expect(outcome).toMatchObject({ outcome: 'unchanged', reason: 'complaint' });
    expect(suppression.members.get(`spring-2025/${aroha}`)?.status).toBe('suppressed');
    expect(bus.events.map((e) => e.detailType)).toEqual([MemberChanged.detailType]);
  });

  it('reports unchanged for a participant who is not a member of the tagged round', async () => {
    const { deps, bus } = setup();

    const outcome = await handleMailEvent(
      deps,
      'evt-1',
      bounce('Permanent', { round: ['autumn-2025'], participant: [aroha] }),
      NOW,
    );

    expect(outcome).toMatchObject({ outcome: 'unchanged', roundId: 'autumn-2025' });
    expect(bus.events).toEqual([]);
  });

  it.each(['Transient', 'Undetermined'])(
    'counts a %s bounce once per event, suppressing no one',
    async (type) => {
      const { deps, suppression, softBounces, bus } = setup();

      const outcome = await handleMailEvent(deps, 'evt-soft', bounce(type), NOW);
      await handleMailEvent(deps, 'evt-soft', bounce(type), NOW);

      expect(outcome).toEqual({
        outcome: 'soft-bounce',
        bounceType: type,
        roundId: 'spring-2025',
        participantId: aroha,
      });
      expect(softBounces.counted.get(`spring-2025/${aroha}`)).toBe(1);
      expect(suppression.members.get(`spring-2025/${aroha}`)?.status).toBe('active');
      expect(bus.events).toEqual([]);
    },
  );

  it('counts two different soft bounces twice', async () => {
    const { deps, softBounces } = setup();

    await handleMailEvent(deps, 'evt-1', bounce('Transient'), NOW);
    await handleMailEvent(deps, 'evt-2', bounce('Transient'), NOW);

    expect(softBounces.counted.get(`spring-2025/${aroha}`)).toBe(2);
  });

  it.each([
    ['Delivery', { delivery: { timestamp: '2025-03-17T09:02:14Z', recipients: ['aroha@example.org'] } }],
    ['DeliveryDelay', { deliveryDelay: { delayType: 'MailboxFull' } }],
    ['Reject', { reject: { reason: 'Bad content' } }],
    ['Rendering Failure', { failure: { errorMessage: 'missing' } }],
    ['Open', {}],
  ])('changes nothing for a %s event', async (eventType, extra) => {
    const { deps, suppression, softBounces, bus } = setup();

    const outcome = await handleMailEvent(deps, 'evt-1', sesEvent(eventType, extra), NOW);

    expect(outcome).toEqual({ outcome: 'no-change', eventType });
    expect(suppression.members.get(`spring-2025/${aroha}`)?.status).toBe('active');
    expect(softBounces.counted.size).toBe(0);
    expect(bus.events).toEqual([]);
  });

  it.each([
    ['no tags of ours', {}],
    ['a round tag but no participant tag (a relayed reply)', { round: ['spring-2025'] }],
    ['a participant tag that is not a participant id', { round: ['spring-2025'], participant: ['aroha'] }],
    ['two values for one tag', { round: ['spring-2025'], participant: [aroha, participantId('carla')] }],
  ])('ignores a hard bounce of a mail with %s', async (_what, tags) => {
    const { deps, suppression, bus } = setup();

    const outcome = await handleMailEvent(
      deps,
      'evt-1',
      bounce('Permanent', { kind: ['relay'], ...tags }),
      NOW,
    );

    expect(outcome).toEqual({ outcome: 'untagged', eventType: 'Bounce', messageId: 'msg-1' });
    expect(suppression.members.get(`spring-2025/${aroha}`)?.status).toBe('active');
    expect(bus.events).toEqual([]);
  });

  it('passes a store failure on, so that the event is retried', async () => {
    const { deps } = setup();
    deps.suppression.suppress = async () => {
      throw new Error('ProvisionedThroughputExceededException');
    };

    await expect(handleMailEvent(deps, 'evt-1', complaint, NOW)).rejects.toThrow('ProvisionedThroughput');
  });
});
