import type * as z from 'zod';
import type { PublishedEvent } from '#core/event-contract';

/** The Tandem event bus, as publishers see it. */
export interface EventBus {
  /**
   * Puts one event on the bus with the contract's source and detail type. The detail is checked
   * against the contract's schema first: a detail it refuses throws `InvalidEventDetail` and nothing
   * is sent.
   * @returns the bus's id of the event.
   */
  publish<Detail extends z.ZodType>(
    contract: PublishedEvent<Detail>,
    detail: z.input<Detail>,
  ): Promise<{ eventId: string }>;
}
