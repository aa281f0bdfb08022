import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Alert, Round } from '#core/model';
import type { AlertNotifier, SendingAlerts } from '#ports/alert-notifier';
import type { SendingPause } from '#ports/sending-gate';

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
export class SnsAlertNotifier implements AlertNotifier, SendingAlerts {
  constructor(
    private readonly topicArn: string,
    private readonly sns: SNSClient,
  ) {}

  async notify(round: Round, alerts: readonly Alert[]): Promise<void> {
    if (alerts.length === 0) return;
    const lines = alerts.map(
      (a) => `- ${describe[a.kind]}: ${[a.partnershipId, ...a.participantIds].filter(Boolean).join(', ')}`,
    );
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        // SNS subjects are at most 100 printable ASCII characters.
        Subject: `Tandem: ${alerts.length} new alert(s) in round ${round.id}`.slice(0, 100),
        Message: [`Round ${round.name} (${round.id}): ${alerts.length} new alert(s).`, ...lines].join('\n'),
      }),
    );
  }

  async sendingPaused({ reason, since, until }: SendingPause): Promise<void> {
    const why =
      reason === 'daily-quota'
        ? 'the account has sent its 24-hour quota'
        : 'SES has paused or suspended sending for the account';
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: 'Tandem: sending paused',
        Message: [
          `Tandem stopped sending at ${since.toISOString()}: ${why} (${reason}).`,
          `Mails wait in the send queue, recorded as deferred, and nothing is lost. Sending is tried again from ${until.toISOString()} and resumes by itself once SES accepts mail.`,
          reason === 'daily-quota'
            ? 'To send sooner, ask AWS for a higher sending quota.'
            : 'Check the SES account dashboard and the reputation alarms: SES names the cause there.',
        ].join('\n'),
      }),
    );
  }

  async relaysHeld({
    roundId,
    partnershipId,
    day,
    cap,
  }: Parameters<SendingAlerts['relaysHeld']>[0]): Promise<void> {
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: `Tandem: relays held in round ${roundId}`.slice(0, 100),
        Message: [
          `Partnership ${partnershipId} in round ${roundId} has relayed ${cap} mails on ${day}, the daily limit.`,
          'Its further mail that day is recorded but not relayed: often an auto-responder or a forwarding rule answering itself.',
          'The raw mails are kept; look at the partnership if this happens again.',
        ].join('\n'),
      }),
    );
  }
}
