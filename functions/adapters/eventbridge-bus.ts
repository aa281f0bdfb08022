import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { EventBus } from '#ports/bus';
import { eventBridgeClient } from './aws-clients.ts';

export class EventBridgeBus implements EventBus {
  constructor(
    private readonly busName: string,
    private readonly source: string,
  ) {}

  async put(detailType: string, detail: unknown): Promise<{ eventId: string }> {
    const result = await eventBridgeClient().send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: this.busName,
            Source: this.source,
            DetailType: detailType,
            Detail: JSON.stringify(detail),
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
