import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { EventBridgeBus } from '#adapters/eventbridge-bus';

const events = mockClient(EventBridgeClient);

describe('EventBridgeBus', () => {
  beforeEach(() => {
    events.reset();
  });

  it('puts one event on the bus with its source, detail type and JSON detail', async () => {
    // Prepare
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'evt-1' }] });

    // Act
    const result = await new EventBridgeBus('tandem', 'tandem.coordinator').put('RoundLaunchRequested', {
      roundId: 'spring-2025',
    });

    // Assess
    expect(result).toEqual({ eventId: 'evt-1' });
    expect(events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries).toEqual([
      {
        EventBusName: 'tandem',
        Source: 'tandem.coordinator',
        DetailType: 'RoundLaunchRequested',
        Detail: '{"roundId":"spring-2025"}',
      },
    ]);
  });

  it('throws with the error code when EventBridge reports a failed entry', async () => {
    // Prepare
    events.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try later' }],
    });

    // Act
    const attempt = new EventBridgeBus('tandem', 'tandem.coordinator').put('RoundLaunchRequested', {});

    // Assess
    await expect(attempt).rejects.toThrow('EventBridge refused the event: InternalFailure try later');
  });
});
