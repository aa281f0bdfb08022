import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type * as z from 'zod';
import { detailToPublish, type PublishedEvent } from '#core/event-contract';
import type { EventBus } from '#ports/bus';

export class EventBridgeBus implements EventBus {
  constructor(
    private readonly busName: string,
    private readonly client: EventBridgeClient,
  ) {}

  async publish<Detail extends z.ZodType>(
    contract: PublishedEvent<Detail>,
    detail: z.input<Detail>,
  ): Promise<{ eventId: string }> {
    // Checked before the request is even built: a detail the contract refuses never reaches the bus.
    const checked = detailToPublish(contract, detail);
    const result = await this.client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: this.busName,
            Source: contract.source,
            DetailType: contract.detailType,
            Detail: JSON.stringify(checked),
          },
        ],
      }),
    );
    const entry = result.Entries?.[0];
    if (result.FailedEntryCount || !entry?.EventId) {
      throw new Error(
        `EventBridge refused the event: ${entry?.ErrorCode ?? ''} ${entry?.ErrorMessage ?? ''}`.trim(),
      );
    }
    return { eventId: entry.EventId };
  }
}
