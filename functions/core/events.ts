import * as z from 'zod';
import { RoundId } from './model.ts';

/** Source of events a coordinator (CLI) puts on the Tandem bus. */
export const COORDINATOR_SOURCE = 'tandem.coordinator';

export const RoundLaunchRequested = {
  detailType: 'RoundLaunchRequested',
  detail: z.object({ roundId: RoundId }).strict(),
} as const;

/** The parts of an EventBridge event a handler relies on. */
export const BusEvent = z.object({
  id: z.string().min(1),
  source: z.string(),
  'detail-type': z.string(),
  time: z.string().optional(),
  detail: z.unknown(),
});
export type BusEvent = z.infer<typeof BusEvent>;
