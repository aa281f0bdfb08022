import { expect, inject, it } from 'vitest';
import { SqsJobQueue } from '#adapters/sqs-job-queue';
import type { QueuedMail, SendJob } from '#core/model';
import type { JobQueue } from '#ports/queue';
import { RecordingJobQueue } from '../unit/use-cases/fake-lifecycle.ts';
import { RecordingQueue } from '../unit/use-cases/fakes.ts';
import { describeContract } from './harness.ts';
import { localAwsClients, queuedFromNow } from './local-aws.ts';

/** A queue and what reached it: each job as its consumer will read it, with the delay it was given. */
interface Subject {
  queue: JobQueue;
  arrived(): Promise<{ job: unknown; delaySeconds: number }[]>;
}

/** What a recording fake holds, as a consumer would get it; a call without a delay is no delay. */
const recorded = (fake: RecordingQueue | RecordingJobQueue): Subject => ({
  queue: fake,
  arrived: async () =>
    fake.calls.flatMap(({ jobs, delaySeconds }) =>
      jobs.map((job) => ({ job, delaySeconds: delaySeconds ?? 0 })),
    ),
});

const clients = localAwsClients();

const job = (participantId: string, topic = 1): SendJob => ({
  v: 1,
  roundId: 'spring-2025',
  participantId,
  kind: 'topic',
  topic,
  partnerIds: ['pbeatriz'],
});
const many = (n: number) => Array.from({ length: n }, (_, i) => job(`p${String(i).padStart(3, '0')}`));

describeContract<Subject>(
  'JobQueue',
  {
    RecordingQueue: () => recorded(new RecordingQueue()),
    RecordingJobQueue: () => recorded(new RecordingJobQueue()),
    SqsJobQueue: async () => {
      const arrived = await queuedFromNow();
      return {
        queue: new SqsJobQueue(inject('queueUrl'), clients.sqs),
        arrived: async () =>
          (await arrived()).map(({ body, delaySeconds }) => ({ job: JSON.parse(body), delaySeconds })),
      };
    },
  },
  (make) => {
    it('delivers each job with its body, at once when no delay is given', async () => {
      const { queue, arrived } = await make();
      const digest: QueuedMail = { v: 1, kind: 'digest', roundId: 'spring-2025', day: '2025-03-03' };

      await queue.enqueue([job('paroha'), digest]);

      expect(await arrived()).toEqual([
        { job: job('paroha'), delaySeconds: 0 },
        { job: digest, delaySeconds: 0 },
      ]);
    });

    it('holds every job of a call back by the delay given', async () => {
      const { queue, arrived } = await make();

      await queue.enqueue([job('paroha', 1), job('pbeatriz', 1)], 900);

      expect(await arrived()).toEqual([
        { job: job('paroha', 1), delaySeconds: 900 },
        { job: job('pbeatriz', 1), delaySeconds: 900 },
      ]);
    });

    it('delivers every job of a call larger than one SQS batch, in order', async () => {
      const { queue, arrived } = await make();

      await queue.enqueue(many(23), 60);

      expect(await arrived()).toEqual(many(23).map((j) => ({ job: j, delaySeconds: 60 })));
    });

    it('delivers nothing for an empty call', async () => {
      const { queue, arrived } = await make();

      await queue.enqueue([]);

      expect(await arrived()).toEqual([]);
    });

    it('delivers a job as it was when enqueued, whatever the caller changes afterwards', async () => {
      const { queue, arrived } = await make();
      const queued = job('paroha');

      await queue.enqueue([queued]);
      queued.topic = 7;
      queued.partnerIds?.push('pchen');

      expect(await arrived()).toEqual([{ job: job('paroha'), delaySeconds: 0 }]);
    });

    it('refuses a delay beyond 15 minutes, and nothing of the call arrives', async () => {
      const { queue, arrived } = await make();

      await expect(queue.enqueue([job('paroha')], 901)).rejects.toThrow(/DelaySeconds|delay/);

      expect(await arrived()).toEqual([]);
    });
  },
);
