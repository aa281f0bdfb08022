import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FunctionName, functionDefs, queues } from '#infra/wiring';
import { tandemApp } from './tandem-app.ts';

/**
 * Properties of the whole template rather than of one construct: whatever is added later, no policy
 * may grant a wildcard action, and no function may lose an event without a retry and a dead letter.
 */

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };
type Statement = {
  Effect: string;
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
};
type Ref = { Ref: string };
type GetAtt = { 'Fn::GetAtt': [string, string] };

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

let template: Template;
let resources: Record<string, Resource>;

beforeAll(() => {
  // Prepare: synthesis bundles every function, so do it once per file.
  template = Template.fromStack(tandemApp('prod').stack);
  resources = template.toJSON().Resources;
});

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

/** Every policy document in the template, wherever it sits (identity, inline, bucket, queue, topic policies). */
const policyDocuments = (): { where: string; statements: Statement[] }[] => {
  const found: { where: string; statements: Statement[] }[] = [];
  const walk = (value: unknown, where: string): void => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => {
        walk(v, `${where}[${i}]`);
      });
    } else if (value && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        if (key === 'PolicyDocument') {
          found.push({ where: `${where}.${key}`, statements: (v as { Statement: Statement[] }).Statement });
        } else walk(v, `${where}.${key}`);
      }
    }
  };
  for (const [id, resource] of Object.entries(resources)) walk(resource.Properties, id);
  return found;
};

/** The functions the wiring defines, by logical id. */
const functionIdOf = (name: FunctionName): string => {
  const found = ofType('AWS::Lambda::Function').filter(
    ([, r]) => r.Properties.Description === functionDefs[name].description,
  );
  expect(found, name).toHaveLength(1);
  return (found[0] as [string, Resource])[0];
};

/** The provider function behind the custom resource that activates the SES receipt rule set. */
const activationProviderId = (): string => {
  const [[, activation]] = ofType('Custom::AWS') as [[string, Resource]];
  return (activation.Properties.ServiceToken as GetAtt)['Fn::GetAtt'][0];
};

const queueIdOf = (arn: unknown): string => (arn as GetAtt)['Fn::GetAtt'][0];

describe('IAM', () => {
  it('finds the policy documents it checks', () => {
    expect(policyDocuments().length).toBeGreaterThan(10);
  });

  it('grants no "*" or "service:*" action, and uses no NotAction or NotResource', () => {
    const offending = policyDocuments().flatMap(({ where, statements }) =>
      statements
        .filter(
          (s) =>
            s.NotAction !== undefined ||
            s.NotResource !== undefined ||
            (s.Effect === 'Allow' && asArray(s.Action).some((a) => a === '*' || /^[\w-]+:\*$/.test(a))),
        )
        .map((s) => `${where}: ${JSON.stringify(s.Action ?? s.NotAction)}`),
    );
    expect(offending).toEqual([]);
  });

  it('allows "*" as a resource only for actions that have no resource-level permissions', () => {
    // ses:GetAccount reads account-wide quotas; ses:SetActiveReceiptRuleSet activates a rule set account-wide.
    const onAnything = policyDocuments()
      .flatMap(({ statements }) => statements)
      .filter((s) => s.Effect === 'Allow' && asArray(s.Resource).includes('*'))
      .flatMap((s) => asArray(s.Action));
    expect(new Set(onAnything)).toEqual(new Set(['ses:GetAccount', 'ses:SetActiveReceiptRuleSet']));
  });

  it('scopes every ses:SendEmail to named ARNs, never "*"', () => {
    const sending = policyDocuments()
      .flatMap(({ statements }) => statements)
      .filter((s) => asArray(s.Action).some((a) => a === 'ses:SendEmail' || a === 'ses:SendRawEmail'));
    // sendMail and receiveMail (relays and acknowledgements).
    expect(sending).toHaveLength(2);
    for (const statement of sending) {
      const targets = asArray(statement.Resource);
      expect(targets).toHaveLength(2);
      expect(targets).not.toContain('*');
      expect(JSON.stringify(targets)).toMatch(/:identity\//);
      expect(JSON.stringify(targets)).toMatch(/:configuration-set\//);
    }
  });
});

describe('every function', () => {
  /**
   * Functions that nothing invokes asynchronously, so there is no event to retry or dead-letter; the
   * caller sees the failure. Each with the reason; the test below checks that nothing invokes them
   * asynchronously after all.
   */
  const synchronousOnly = (): Record<string, string> => ({
    [functionIdOf('links')]:
      'links: invoked synchronously through its Function URL; the browser or mail client sees the error ' +
      'page and can try again (a one-click unsubscribe is re-POSTed), and the error alarm fires.',
    [functionIdOf('web')]:
      'web: serves the sign-up pages to browsers, synchronously; the person sees the error page and ' +
      'submits the form again, and the error alarm fires.',
    [functionIdOf('console')]:
      "console: serves the coordinators' pages to browsers, synchronously; the coordinator sees the error " +
      'page (nothing changed) and tries again, and the error alarm fires.',
    [activationProviderId()]:
      'receipt rule set activation: invoked synchronously by CloudFormation, which rolls the deployment ' +
      'back when it fails.',
  });

  /** Principals whose invocations are asynchronous (Event invocation type). */
  const ASYNC_INVOKERS = [
    'events.amazonaws.com',
    'ses.amazonaws.com',
    'sns.amazonaws.com',
    's3.amazonaws.com',
  ];

  const invokersOf = (functionId: string): string[] =>
    ofType('AWS::Lambda::Permission')
      .filter(([, p]) => JSON.stringify(p.Properties.FunctionName).includes(`"${functionId}"`))
      .map(([, p]) => p.Properties.Principal as string);

  const drainsQueueWithRedrive = (functionId: string): boolean =>
    ofType('AWS::Lambda::EventSourceMapping')
      .filter(([, m]) => (m.Properties.FunctionName as Ref).Ref === functionId)
      .some(([, m]) => {
        const queue = resources[queueIdOf(m.Properties.EventSourceArn)];
        return queue?.Type === 'AWS::SQS::Queue' && queue.Properties.RedrivePolicy !== undefined;
      });

  const retriesToOnFailure = (functionId: string): boolean =>
    ofType('AWS::Lambda::EventInvokeConfig').some(([, c]) => {
      const { FunctionName, MaximumRetryAttempts, DestinationConfig } = c.Properties as {
        FunctionName: Ref;
        MaximumRetryAttempts?: number;
        DestinationConfig?: { OnFailure?: { Destination?: unknown } };
      };
      return (
        FunctionName.Ref === functionId &&
        typeof MaximumRetryAttempts === 'number' &&
        DestinationConfig?.OnFailure?.Destination !== undefined
      );
    });

  it('has a dead-letter queue behind its queue, or retries and an on-failure destination, or a written exemption', () => {
    const exempt = synchronousOnly();
    const unprotected = ofType('AWS::Lambda::Function')
      .map(([id]) => id)
      .filter((id) => !drainsQueueWithRedrive(id) && !retriesToOnFailure(id) && !(id in exempt));
    expect(unprotected).toEqual([]);
    for (const reason of Object.values(exempt)) expect(reason.split(/\s+/).length).toBeGreaterThanOrEqual(8);
  });

  it('is exempt only if nothing invokes it asynchronously', () => {
    for (const id of Object.keys(synchronousOnly())) {
      expect(
        invokersOf(id).filter((p) => ASYNC_INVOKERS.includes(p)),
        id,
      ).toEqual([]);
      const targeted = ofType('AWS::Events::Rule').some(([, r]) =>
        JSON.stringify(r.Properties).includes(`"${id}"`),
      );
      expect(targeted, id).toBe(false);
    }
  });

  it('has retries and an on-failure destination whenever something invokes it asynchronously', () => {
    const invokedAsync = ofType('AWS::Lambda::Function')
      .map(([id]) => id)
      .filter((id) => invokersOf(id).some((p) => ASYNC_INVOKERS.includes(p)));
    expect(invokedAsync.length).toBeGreaterThan(0);
    for (const id of invokedAsync) expect(retriesToOnFailure(id), id).toBe(true);
  });

  it('logs to its own log group with a retention', () => {
    for (const [id, fn] of ofType('AWS::Lambda::Function')) {
      const logGroup = (fn.Properties.LoggingConfig as { LogGroup?: Ref } | undefined)?.LogGroup;
      expect(logGroup, id).toBeDefined();
      const group = resources[(logGroup as Ref).Ref] as Resource;
      expect(group.Type).toBe('AWS::Logs::LogGroup');
      expect(group.Properties.RetentionInDays, id).toEqual(expect.any(Number));
    }
  });

  it('reserves no concurrency, and the sender is capped by its event source instead', () => {
    // Reserving concurrency fails the deployment on a new account, whose quota of 10 concurrent
    // executions leaves nothing to reserve; the send queue's mapping caps the one function that needs it.
    for (const [id, fn] of ofType('AWS::Lambda::Function')) {
      expect(fn.Properties.ReservedConcurrentExecutions, id).toBeUndefined();
    }
    const sender = functionIdOf(queues.send.consumer);
    const [[, mapping]] = ofType('AWS::Lambda::EventSourceMapping').filter(
      ([, m]) => (m.Properties.FunctionName as Ref).Ref === sender,
    ) as [[string, Resource]];
    expect(mapping.Properties.ScalingConfig).toEqual({ MaximumConcurrency: queues.send.maxConcurrency });
  });
});

describe('every queue', () => {
  const deadLetterQueueIds = (): Set<string> =>
    new Set([
      ...ofType('AWS::SQS::Queue')
        .map(
          ([, q]) =>
            (q.Properties.RedrivePolicy as { deadLetterTargetArn?: unknown } | undefined)
              ?.deadLetterTargetArn,
        )
        .filter((arn) => arn !== undefined)
        .map(queueIdOf),
      ...ofType('AWS::Lambda::EventInvokeConfig').map(([, c]) =>
        queueIdOf(
          (c.Properties.DestinationConfig as { OnFailure: { Destination: unknown } }).OnFailure.Destination,
        ),
      ),
      ...ofType('AWS::Events::Rule').flatMap(([, r]) =>
        (r.Properties.Targets as { DeadLetterConfig: { Arn: unknown } }[]).map((t) =>
          queueIdOf(t.DeadLetterConfig.Arn),
        ),
      ),
    ]);

  it('has a dead-letter queue, or is one', () => {
    const deadLetters = deadLetterQueueIds();
    const neither = ofType('AWS::SQS::Queue')
      .filter(([id, q]) => q.Properties.RedrivePolicy === undefined && !deadLetters.has(id))
      .map(([id]) => id);
    expect(neither).toEqual([]);
  });

  it('keeps dead letters for the 14 days SQS allows at most', () => {
    for (const id of deadLetterQueueIds()) {
      expect((resources[id] as Resource).Properties.MessageRetentionPeriod, id).toBe(14 * 24 * 3600);
    }
  });
});
