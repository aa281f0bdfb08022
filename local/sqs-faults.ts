import { awsError, ok, type Reply } from './gateway-reply.ts';

/**
 * Let `after` SQS send requests (SendMessage, SendMessageBatch) through, then answer the next `count`
 * the way SQS answers in an outage: HTTP 500 `InternalError`. The SDK retries such an answer itself
 * (each retry is one more request and uses up one more of `count`), so a plan with a large `count` is
 * an outage that lasts until it is cleared with `{"count": 0}`.
 */
export interface SqsFaultPlan {
  after: number;
  count: number;
}

const parsePlan = (body: unknown): SqsFaultPlan | string => {
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const { count, after = 0 } = input;
  if (!Number.isInteger(count) || (count as number) < 0)
    return 'count must be a whole number (0 clears the plan)';
  if (!Number.isInteger(after) || (after as number) < 0) return 'after must be a whole number';
  return { after: after as number, count: count as number };
};

/**
 * Planned SQS failures for the local gateway, so tests can prove what happens when enqueueing fails
 * (a scheduled dispatch that fails beyond its retries, and the run that catches it up). Served at
 * `POST /_local/sqs/faults` `{"after": N, "count": M}` (`{"count": 0}` clears the plan) and
 * `GET /_local/sqs/faults`, which reports the plan left and how many requests were failed.
 */
export class SqsFaults {
  #plan: SqsFaultPlan = { after: 0, count: 0 };
  #failed = 0;

  /** Starts a plan; the counts begin now. */
  plan(plan: SqsFaultPlan): void {
    this.#plan = { ...plan };
    this.#failed = 0;
  }

  /** The control API's `POST`: a plan, or 400 naming what is wrong with it. */
  applyPlan(body: unknown): Reply {
    const plan = parsePlan(body);
    if (typeof plan === 'string') return { status: 400, body: { message: plan } };
    this.plan(plan);
    return ok({ ...this.#plan });
  }

  /** The control API's `GET`. */
  report(): { plan: SqsFaultPlan; failed: number } {
    return { plan: { ...this.#plan }, failed: this.#failed };
  }

  /** The answer to this send request under the plan: a failure, or undefined to let it through. */
  answer(): Reply | undefined {
    if (this.#plan.after > 0) {
      this.#plan.after--;
      return undefined;
    }
    if (this.#plan.count === 0) return undefined;
    this.#plan.count--;
    this.#failed++;
    return awsError(
      500,
      'com.amazonaws.sqs#InternalError',
      'We encountered an internal error. Please try again.',
      {
        'x-amzn-query-error': 'InternalError;Receiver',
      },
    );
  }
}
