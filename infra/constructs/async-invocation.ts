import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Construct } from 'constructs';
import { asyncRetryAttempts } from '#infra/wiring';
import type { Alerts } from './alerts.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';

/**
 * How long an event may wait for delivery or retries. Past an hour the hourly dispatcher has run again,
 * and a coordinator waiting on a launch wants to hear from the alarm rather than have it happen late.
 */
const MAX_EVENT_AGE = Duration.hours(1);

export interface AsyncInvocationProps {
  fn: lambda.IFunction;
  alerts: Alerts;
}

/**
 * EventBridge invokes a function asynchronously, so an event can be lost on two legs: delivery by
 * EventBridge (retried by the rule target, then its dead-letter queue) and the invocation itself
 * (retried by Lambda, then the on-failure destination). Both legs get retries and a dead-letter queue.
 */
export class AsyncInvocation extends Construct {
  private readonly fn: lambda.IFunction;
  private readonly alerts: Alerts;

  constructor(scope: Construct, id: string, { fn, alerts }: AsyncInvocationProps) {
    super(scope, id);
    this.fn = fn;
    this.alerts = alerts;
    const failed = new DeadLetterQueue(this, 'Failed', { alerts });
    fn.configureAsyncInvoke({
      retryAttempts: asyncRetryAttempts,
      maxEventAge: MAX_EVENT_AGE,
      onFailure: new SqsDestination(failed.queue),
    });
  }

  addRule(id: string, props: events.RuleProps): events.Rule {
    const undelivered = new DeadLetterQueue(this, `${id}Undelivered`, { alerts: this.alerts });
    const rule = new events.Rule(this, id, props);
    rule.addTarget(
      new targets.LambdaFunction(this.fn, {
        retryAttempts: asyncRetryAttempts,
        maxEventAge: MAX_EVENT_AGE,
        deadLetterQueue: undelivered.queue,
      }),
    );
    return rule;
  }
}
