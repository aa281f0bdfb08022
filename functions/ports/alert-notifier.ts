import type { Alert, Round } from '#core/model';
import type { SendingPause } from './sending-gate.ts';

/** A second channel for coordinator alerts beside the digest mail (an SNS topic on AWS). */
export interface AlertNotifier {
  notify(round: Round, alerts: readonly Alert[]): Promise<void>;
}

/** Tells the coordinators what the mail path held back, by a channel that does not need SES (an SNS topic on AWS). */
export interface SendingAlerts {
  /** SES stopped sending for the whole account. */
  sendingPaused(pause: SendingPause): Promise<void>;
  /** A partnership reached its daily relay cap: its further mail that day is held, not relayed. */
  relaysHeld(held: { roundId: string; partnershipId: string; day: string; cap: number }): Promise<void>;
}
