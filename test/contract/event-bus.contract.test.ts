import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { EventBridgeBus } from '#adapters/eventbridge-bus';
import { InvalidEventDetail } from '#core/event-contract';
import { COORDINATOR_SOURCE, MEMBERS_SOURCE, MemberChanged, RoundLaunchRequested } from '#core/events';
import type { EventBus } from '#ports/bus';
import { RecordingBus } from '../unit/use-cases/fakes.ts';
import { describeContract } from './harness.ts';
import { eventsFromNow, localAwsClients } from './local-aws.ts';

/** A bus and the events that reached it: each with its id, source, detail type and detail. */
interface Subject {
  bus: EventBus;
  arrived(): Promise<{ eventId: string; source: string; detailType: string; detail: unknown }[]>;
}

const clients = localAwsClients();
const ARO = 'paaaaaaaaaaaa';
const BEA = 'pbbbbbbbbbbbb';

describeContract<Subject>(
  'EventBus',
  {
    RecordingBus: () => {
      const bus = new RecordingBus();
      return { bus, arrived: async () => [...bus.published] };
    },
    EventBridgeBus: async () => {
      // A bus of its own, so the events of another test are never counted.
      const busName = `tandem-contract-${randomUUID().slice(0, 8)}`;
      const arrived = await eventsFromNow();
      return {
        bus: new EventBridgeBus(busName, clients.eventBridge),
        arrived: async () =>
          (await arrived())
            .filter((accepted) => accepted.eventBusName === busName)
            .map(({ event }) => ({
              eventId: event.id,
              source: event.source,
              detailType: event['detail-type'],
              detail: event.detail,
            })),
      };
    },
  },
  (make) => {
    it("puts an event on the bus with the contract's source and detail type, and its detail", async () => {
      const { bus, arrived } = await make();

      const { eventId } = await bus.publish(RoundLaunchRequested, { roundId: 'spring-2025' });

      expect(await arrived()).toEqual([
        {
          eventId,
          source: COORDINATOR_SOURCE,
          detailType: 'RoundLaunchRequested',
          detail: { roundId: 'spring-2025' },
        },
      ]);
    });

    it('gives each event its own id, and delivers them in the order published', async () => {
      const { bus, arrived } = await make();
      const at = '2025-03-03T12:00:00.000Z';

      const first = await bus.publish(MemberChanged, {
        roundId: 'spring-2025',
        participantId: ARO,
        change: 'unsubscribed',
        at,
      });
      const second = await bus.publish(MemberChanged, {
        roundId: 'spring-2025',
        participantId: BEA,
        change: 'paused',
        at,
      });

      expect(first.eventId).not.toBe(second.eventId);
      expect(await arrived()).toEqual([
        expect.objectContaining({
          eventId: first.eventId,
          source: MEMBERS_SOURCE,
          detailType: 'MemberChanged',
        }),
        expect.objectContaining({
          eventId: second.eventId,
          detail: { roundId: 'spring-2025', participantId: BEA, change: 'paused', at },
        }),
      ]);
    });

    it('refuses a detail its contract refuses before sending, and nothing arrives', async () => {
      const { bus, arrived } = await make();

      await expect(
        bus.publish(MemberChanged, {
          roundId: 'spring-2025',
          participantId: ARO,
          change: 'left' as 'unsubscribed',
          at: 'yesterday',
        }),
      ).rejects.toBeInstanceOf(InvalidEventDetail);
      await expect(
        bus.publish(RoundLaunchRequested, { roundId: 'spring-2025', extra: true } as { roundId: string }),
      ).rejects.toThrow(/RoundLaunchRequested not published/);

      expect(await arrived()).toEqual([]);
    });
  },
);
