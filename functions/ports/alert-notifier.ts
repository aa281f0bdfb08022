import type { Alert, Round } from '#core/model';
import type { SendingPause } from './sending-gate.ts';

/** A second channel for coordinator alerts beside the digest mail (an SNS topic on AWS). */
export interface AlertNotifier {
  notify(round: Round, alerts: readonly Alert[]): Promise<void>;
}

/** Tells the coordinators that SES stopped sending: by a channel that does not need SES (an SNS topic on AWS). */
export interface SendingAlerts {
  sendingPaused(pause: SendingPause): Promise<void>;
}
