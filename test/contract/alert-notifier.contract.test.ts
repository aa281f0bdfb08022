import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { SnsAlertNotifier } from '#adapters/sns-alert-notifier';
import type { Alert } from '#core/model';
import type { AlertNotifier } from '#ports/alert-notifier';
import { aRound } from '../unit/core/fixtures.ts';
import { RecordingNotifier } from '../unit/use-cases/fake-lifecycle.ts';
import { describeContract } from './harness.ts';
import { alertsFromNow, localAwsClients } from './local-aws.ts';

/** What the coordinators get of one notification: its round, how many alerts, and the ids it names. */
interface Notification {
  roundId: string;
  count: number;
  ids: string[];
}

/** A notifier and what reached the coordinators' channel, one entry per notification. */
interface Subject {
  notifier: AlertNotifier;
  arrived(): Promise<Notification[]>;
}

const clients = localAwsClients();

/** Reads an SNS alert as a coordinator does: the subject names the round and count, each line an alert. */
const readAlert = ({ subject, message }: { subject?: string; message: string }): Notification => {
  const [, count, roundId] = /(\d+) new alert\(s\) in round (\S+)$/.exec(subject ?? '') ?? [];
  return {
    roundId: roundId ?? '',
    count: Number(count),
    ids: message
      .split('\n')
      .filter((line) => line.startsWith('- '))
      .flatMap((line) => line.slice(line.indexOf(': ') + 2).split(', ')),
  };
};

const ROUND = aRound({ id: 'spring-2025', name: 'Spring 2025' });
const alert = (kind: Alert['kind'], ref: string, extra: Partial<Alert> = {}): Alert => ({
  roundId: ROUND.id,
  kind,
  ref,
  raisedAt: '2025-03-20T09:00:00.000Z',
  participantIds: [],
  ...extra,
});
const atRisk = alert('at-risk', 'tcccccccccccc', {
  partnershipId: 'tcccccccccccc',
  participantIds: ['paaaaaaaaaaaa', 'pbbbbbbbbbbbb'],
});
const unsubscribed = alert('unsubscribe', 'pdddddddddddd', { participantIds: ['pdddddddddddd'] });

describeContract<Subject>(
  'AlertNotifier',
  {
    RecordingNotifier: () => {
      const notifier = new RecordingNotifier();
      return {
        notifier,
        arrived: async () =>
          notifier.notified.map((alerts, i) => ({
            roundId: notifier.roundIds[i] ?? '',
            count: alerts.length,
            ids: alerts.flatMap((a) =>
              [a.partnershipId, ...a.participantIds].filter((id) => id !== undefined),
            ),
          })),
      };
    },
    SnsAlertNotifier: async () => {
      // A topic of its own, so another test's alerts are never counted.
      const topicArn = `arn:aws:sns:eu-west-1:000000000000:tandem-contract-${randomUUID().slice(0, 8)}`;
      const arrived = await alertsFromNow();
      return {
        notifier: new SnsAlertNotifier(topicArn, clients.sns),
        arrived: async () => (await arrived()).filter((a) => a.topicArn === topicArn).map(readAlert),
      };
    },
  },
  (make) => {
    it("tells the coordinators of a round's alerts at once, naming the round and every id", async () => {
      const { notifier, arrived } = await make();

      await notifier.notify(ROUND, [atRisk, unsubscribed]);

      expect(await arrived()).toEqual([
        {
          roundId: 'spring-2025',
          count: 2,
          ids: ['tcccccccccccc', 'paaaaaaaaaaaa', 'pbbbbbbbbbbbb', 'pdddddddddddd'],
        },
      ]);
    });

    it('sends one notification per call, in order', async () => {
      const { notifier, arrived } = await make();
      const autumn = aRound({ id: 'autumn-2025', name: 'Autumn 2025' });

      await notifier.notify(ROUND, [atRisk]);
      await notifier.notify(autumn, [{ ...unsubscribed, roundId: autumn.id }]);

      expect((await arrived()).map((n) => [n.roundId, n.count])).toEqual([
        ['spring-2025', 1],
        ['autumn-2025', 1],
      ]);
    });

    it('sends nothing when there are no alerts', async () => {
      const { notifier, arrived } = await make();

      await notifier.notify(ROUND, []);

      expect(await arrived()).toEqual([]);
    });
  },
);
