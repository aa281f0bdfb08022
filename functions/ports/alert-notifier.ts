import type { Alert, Round } from '#core/model';

/** A second channel for coordinator alerts beside the digest mail (an SNS topic on AWS). */
export interface AlertNotifier {
  notify(round: Round, alerts: readonly Alert[]): Promise<void>;
}
