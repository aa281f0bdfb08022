import type { QueuedMail } from '#core/model';

export interface JobQueue {
  /** Enqueues jobs; `delaySeconds` holds them back (e.g. topic 1 behind the introduction). */
  enqueue(jobs: readonly QueuedMail[], delaySeconds?: number): Promise<void>;
}
