import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { EventBridgeBus } from '#adapters/eventbridge-bus';
import { InvalidEventDetail } from '#core/event-contract';
import { COORDINATOR_SOURCE, MEMBERS_SOURCE, MemberChanged, RoundLaunchRequested } from '#core/events';

const client = new EventBridgeClient({ region: 'eu-west-1' });
const events = mockClient(client);

describe('EventBridgeBus', () => {
  beforeEach(() => {
    events.reset();
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'evt-1' }] });
  });

  it("puts one event on the bus with the contract's source and detail type and the detail as JSON", async () => {
    // Act
    const result = await new EventBridgeBus('tandem', client).publish(RoundLaunchRequested, {
      roundId: 'spring-2025',
    });

    // Assess
    expect(result).toEqual({ eventId: 'evt-1' });
    expect(events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries).toEqual([
      {
        EventBusName: 'tandem',
        Source: COORDINATOR_SOURCE,
        DetailType: 'RoundLaunchRequested',
        Detail: '{"roundId":"spring-2025"}',
      },
    ]);
  });

  it('takes the source from each contract, so one bus publishes for coordinators and members alike', async () => {
    // Prepare
    const bus = new EventBridgeBus('tandem', client);

    // Act
    await bus.publish(RoundLaunchRequested, { roundId: 'spring-2025' });
    await bus.publish(MemberChanged, {
      roundId: 'spring-2025',
      participantId: 'paaaaaaaaaaaa',
      change: 'paused',
      at: '2025-03-17T12:00:00Z',
    });

    // Assess
    expect(
      events.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries?.[0]?.Source),
    ).toEqual([COORDINATOR_SOURCE, MEMBERS_SOURCE]);
  });

  it('refuses a detail its contract does not allow, naming the field, and sends nothing', async () => {
    // Act
    const attempt = new EventBridgeBus('tandem', client).publish(RoundLaunchRequested, {
      roundId: 'Spring 2025!',
    });

    // Assess
    await expect(attempt).rejects.toThrow(InvalidEventDetail);
    await expect(attempt).rejects.toThrow(/^RoundLaunchRequested not published.*detail\.roundId: round id/);
    expect(events.calls()).toHaveLength(0);
  });

  it('refuses a field the strict contract does not know, and sends nothing', async () => {
    // Act: a caller that gets round the type-check (a cast, a spread of a wider object)
    const attempt = new EventBridgeBus('tandem', client).publish(RoundLaunchRequested, {
      roundId: 'spring-2025',
      cohort: 12,
    } as { roundId: string });

    // Assess
    await expect(attempt).rejects.toThrow(/detail: Unrecognized key: "cohort"/);
    expect(events.calls()).toHaveLength(0);
  });

  it('throws with the error code when EventBridge reports a failed entry', async () => {
    // Prepare
    events.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try later' }],
    });

    // Act
    const attempt = new EventBridgeBus('tandem', client).publish(RoundLaunchRequested, {
      roundId: 'spring-2025',
    });

    // Assess
    await expect(attempt).rejects.toThrow('EventBridge refused the event: InternalFailure try later');
  });
});
