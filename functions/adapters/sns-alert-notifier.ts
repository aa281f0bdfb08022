import { PublishCommand } from '@aws-sdk/client-sns';
import type { Alert, Round } from '#core/model';
import type { AlertNotifier } from '#ports/alert-notifier';
import { snsClient } from './aws-clients.ts';

const describe: Record<Alert['kind'], string> = {
  'at-risk': 'partnership at risk',
  unsubscribe: 'participant unsubscribed',
  bounce: 'address bounced',
  complaint: 'spam complaint',
  leftover: 'participant waiting for a partner',
};

/**
 * Publishes a round's new alerts to the coordinators' SNS topic as one message: ids and counts only,
 * no names or addresses, since SNS subscriptions are outside the table's access control.
 */
export class SnsAlertNotifier implements AlertNotifier {
  constructor(private readonly topicArn: string) {}

  async notify(round: Round, alerts: readonly Alert[]): Promise<void> {
    if (alerts.length === 0) return;
    const lines = alerts.map(
      (a) => `- ${describe[a.kind]}: ${[a.partnershipId, ...a.participantIds].filter(Boolean).join(', ')}`,
    );
    await snsClient().send(
      new PublishCommand({
        TopicArn: this.topicArn,
        // SNS subjects are at most 100 printable ASCII characters.
        Subject: `Tandem: ${alerts.length} new alert(s) in round ${round.id}`.slice(0, 100),
        Message: [`Round ${round.name} (${round.id}): ${alerts.length} new alert(s).`, ...lines].join('\n'),
      }),
    );
  }
}
