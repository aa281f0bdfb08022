import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { tableDesign } from '#adapters/table-design';
import { sendingPlan } from '#core/sending-plan';
import type { LaunchRoundEnv } from '#handlers/env';
import type { ServiceEnvironment } from '#infra/constructs/service-function';
import {
  asyncRetryAttempts,
  busRules,
  customMetrics,
  type FunctionName,
  functionDefs,
  inboundMail,
  queues,
  schedules,
  sesEventTypes,
} from '#infra/wiring';
import { coordinatorEmail, domain, tandemApp } from './tandem-app.ts';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
const only = <T>(record: Record<string, T>): [string, T] => {
  const entries = Object.entries(record);
  expect(entries).toHaveLength(1);
  return entries[0] as [string, T];
};
type GetAtt = { 'Fn::GetAtt': [string, string] };
const arnOf = (logicalId: unknown) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

/** What every function gets besides its schema's variables: source maps, and Powertools' namespace and service. */
const runtimeVariables = {
  NODE_OPTIONS: '--enable-source-maps',
  POWERTOOLS_SERVICE_NAME: customMetrics.service,
  POWERTOOLS_METRICS_NAMESPACE: customMetrics.namespace,
};

let dev: Template;
let prod: Template;

beforeAll(() => {
  // Prepare: synthesis bundles every function, so do it once per file.
  dev = Template.fromStack(tandemApp('dev').stack);
  prod = Template.fromStack(tandemApp('prod').stack);
});

const tandemBusId = () =>
  only(dev.findResources('AWS::Events::EventBus', { Properties: { Name: 'tandem-dev' } }))[0];

/** The logical id of the function a wiring definition describes. */
const functionNames = Object.keys(functionDefs) as FunctionName[];

const functionId = (name: FunctionName): string =>
  only(
    dev.findResources('AWS::Lambda::Function', {
      Properties: { Description: functionDefs[name].description },
    }),
  )[0];

/** Every statement of the identity policies attached to a function's role. */
const statementsOf = (name: FunctionName): Statement[] => {
  const role = (dev.toJSON().Resources[functionId(name)] as Resource).Properties.Role as {
    'Fn::GetAtt': [string];
  };
  const policies = dev.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: role['Fn::GetAtt'][0] }] },
  });
  return Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
};
const actionsOf = (name: FunctionName) => statementsOf(name).flatMap((s) => asArray(s.Action));

// SES invokes the inbound target asynchronously too (receipt rule Lambda action, Event invocation).
const asyncTargets = [...new Set([...[...busRules, ...schedules].map((r) => r.target), inboundMail.target])];

describe('table', () => {
  it('is laid out by tableDesign, with its TTL attribute and status index', () => {
    dev.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: tableDesign.partitionKey, KeyType: 'HASH' },
        { AttributeName: tableDesign.sortKey, KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: tableDesign.timeToLiveAttribute, Enabled: true },
      GlobalSecondaryIndexes: [
        {
          IndexName: tableDesign.indexes.byStatus.name,
          KeySchema: [
            { AttributeName: tableDesign.indexes.byStatus.partitionKey, KeyType: 'HASH' },
            { AttributeName: tableDesign.indexes.byStatus.sortKey, KeyType: 'RANGE' },
          ],
        },
      ],
    });
  });

  it('is on-demand, point-in-time recoverable and encrypted with the AWS-managed key', () => {
    dev.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('is deletable in dev but protected and retained in every other stage', () => {
    dev.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
    prod.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
  });
});

describe('functions', () => {
  it('deploys exactly the functions in wiring, on Node 22 arm64 with their timeout and memory', () => {
    // Plus one: the provider behind the custom resource that activates the SES receipt rule set.
    dev.resourceCountIs('AWS::Lambda::Function', Object.keys(functionDefs).length + 1);
    for (const def of Object.values(functionDefs)) {
      dev.hasResourceProperties('AWS::Lambda::Function', {
        Description: def.description,
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Timeout: def.timeoutSeconds,
        MemorySize: def.memoryMb,
        Environment: { Variables: Match.objectLike(runtimeVariables) },
      });
    }
  });

  it('logs each function as JSON to its own log group with a retention', () => {
    for (const name of functionNames) {
      const fn = dev.toJSON().Resources[functionId(name)] as Resource;
      const { LogFormat, LogGroup } = fn.Properties.LoggingConfig as {
        LogFormat: string;
        LogGroup: { Ref: string };
      };
      expect(LogFormat).toBe('JSON');
      const logGroup = dev.toJSON().Resources[LogGroup.Ref] as Resource;
      expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
      expect(logGroup.Properties.RetentionInDays).toBe(90);
    }
  });

  it('makes a variable the schema requires but the stack omits a type error', () => {
    // Checked by `tsc --noEmit`: the directive fails the type-check if the omission ever compiles.
    // @ts-expect-error SEND_QUEUE_URL is required by LaunchRoundEnv
    const environment: ServiceEnvironment<typeof LaunchRoundEnv> = { TABLE_NAME: 'tandem' };
    expect(environment).not.toHaveProperty('SEND_QUEUE_URL');
  });

  it('gives sendMail its sender address, relay domain, key secret and concurrency', () => {
    dev.hasResourceProperties('AWS::Lambda::Function', {
      Description: functionDefs.sendMail.description,
      Environment: {
        Variables: Match.objectLike({
          MAIL_FROM: `rounds@${domain}`,
          REPLY_DOMAIN: `reply.${domain}`,
          SES_CONFIGURATION_SET: { Ref: Match.anyValue() },
          SIGNING_KEYS_SECRET_ARN: { Ref: Match.anyValue() },
          SEND_CONCURRENCY: String(queues.send.maxConcurrency),
        }),
      },
    });
  });

  it('gives the links, web and console functions public Function URLs, and builds mail links on the web domain', () => {
    for (const name of ['links', 'web', 'console'] as const) {
      dev.hasResourceProperties('AWS::Lambda::Url', {
        AuthType: 'NONE',
        TargetFunctionArn: arnOf(functionId(name)),
      });
    }
    dev.resourceCountIs('AWS::Lambda::Url', 3);
    // Not a Function URL: the programme's address, which outlives a function's replacement.
    for (const name of ['sendMail', 'receiveMail'] as const) {
      dev.hasResourceProperties('AWS::Lambda::Function', {
        Description: functionDefs[name].description,
        Environment: { Variables: Match.objectLike({ LINKS_BASE_URL: `https://${domain}` }) },
      });
    }
    dev.hasOutput('LinksUrl', { Value: `https://${domain}/` });
  });

  it('lets the links function change members and read the keys, and nothing that sends mail', () => {
    const actions = actionsOf('links');

    expect(actions).toContain('dynamodb:UpdateItem');
    expect(actions).toContain('secretsmanager:GetSecretValue');
    expect(actions.filter((a) => a.startsWith('ses:'))).toEqual([]);
  });

  it('lets the web function store sign-ups, queue their mails and read the keys, and nothing more', () => {
    const actions = actionsOf('web');

    expect(actions).toEqual(
      expect.arrayContaining([
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:Query',
        'sqs:SendMessage',
        'secretsmanager:GetSecretValue',
      ]),
    );
    expect(actions.filter((a) => /^(ses|events|sns|s3):/.test(a))).toEqual([]);
    dev.hasResourceProperties('AWS::Lambda::Function', {
      Description: functionDefs.web.description,
      Environment: {
        Variables: Match.objectLike({
          COORDINATOR_EMAIL: coordinatorEmail,
          SEND_QUEUE_URL: Match.anyValue(),
          SIGNING_KEYS_SECRET_ARN: { Ref: Match.anyValue() },
        }),
      },
    });
  });

  it('lets the console do what the coordinator CLI does, and send no mail itself', () => {
    const actions = actionsOf('console');

    expect(actions).toEqual(
      expect.arrayContaining([
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'sqs:SendMessage',
        'events:PutEvents',
        'secretsmanager:GetSecretValue',
      ]),
    );
    expect(actions.filter((a) => /^(ses|sns):/.test(a))).toEqual([]);
  });

  it('gives the console the stage coordinators, by default the coordinator, else -c coordinators', () => {
    const withList = Template.fromStack(
      tandemApp('dev', { bundle: false, coordinators: ['ana@example.org', 'ben@example.org'] }).stack,
    );
    for (const [template, list] of [
      [dev, coordinatorEmail],
      [withList, 'ana@example.org,ben@example.org'],
    ] as const) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: functionDefs.console.description,
        Environment: {
          Variables: Match.objectLike({ COORDINATORS: list, EVENT_BUS_NAME: { Ref: tandemBusId() } }),
        },
      });
    }
  });

  it('tells the links function and both mail functions about the Tandem bus and the coordinator', () => {
    const busRef = { Ref: tandemBusId() };
    dev.hasResourceProperties('AWS::Lambda::Function', {
      Description: functionDefs.links.description,
      Environment: { Variables: Match.objectLike({ EVENT_BUS_NAME: busRef }) },
    });
    for (const name of ['sendMail', 'receiveMail'] as const) {
      dev.hasResourceProperties('AWS::Lambda::Function', {
        Description: functionDefs[name].description,
        Environment: { Variables: Match.objectLike({ COORDINATOR_EMAIL: coordinatorEmail }) },
      });
    }
  });

  it('gives lifecycle the table, the send queue, the coordinator address and the alerts topic', () => {
    dev.hasResourceProperties('AWS::Lambda::Function', {
      Description: functionDefs.lifecycle.description,
      Environment: {
        Variables: {
          TABLE_NAME: { Ref: only(dev.findResources('AWS::DynamoDB::Table'))[0] },
          SEND_QUEUE_URL: { Ref: Match.anyValue() },
          COORDINATOR_EMAIL: coordinatorEmail,
          ALERTS_TOPIC_ARN: { Ref: only(dev.findResources('AWS::SNS::Topic'))[0] },
          ...runtimeVariables,
        },
      },
    });
  });

  it('gives mailEvents the table and the Tandem bus, and nothing else', () => {
    dev.hasResourceProperties('AWS::Lambda::Function', {
      Description: functionDefs.mailEvents.description,
      Environment: {
        Variables: {
          TABLE_NAME: { Ref: only(dev.findResources('AWS::DynamoDB::Table'))[0] },
          EVENT_BUS_NAME: { Ref: tandemBusId() },
          ...runtimeVariables,
        },
      },
    });
  });
});

describe('events', () => {
  const targeting = (name: FunctionName) => [Match.objectLike({ Arn: arnOf(functionId(name)) })];
  const ruleFor = (id: string) => {
    const rule = busRules.find((r) => r.id === id);
    if (!rule) throw new Error(`no bus rule ${id} in wiring`);
    return rule;
  };

  it('matches each bus rule pattern from wiring on its bus, for its target', () => {
    for (const rule of busRules) {
      dev.hasResourceProperties('AWS::Events::Rule', {
        EventBusName: rule.bus === 'tandem' ? { Ref: tandemBusId() } : 'default',
        EventPattern: rule.pattern,
        Targets: targeting(rule.target),
      });
    }
  });

  it('follows up member changes from the Tandem bus in the lifecycle function', () => {
    dev.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: tandemBusId() },
      EventPattern: { source: ['tandem.members'], 'detail-type': ['MemberChanged'] },
      Targets: targeting('lifecycle'),
    });
    expect(ruleFor('FollowUpMemberChange').bus).toBe('tandem');
  });

  it('hands the SES events on the default bus to mailEvents', () => {
    dev.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: 'default',
      EventPattern: { source: ['aws.ses'], 'detail-type': [...sesEventTypes] },
      Targets: targeting('mailEvents'),
    });
    expect(ruleFor('SesSendingEvents').bus).toBe('default');
  });

  it("takes only the SES events of mail sent through this stack's configuration set", () => {
    // Prepare: the default bus carries every SES event of the account and region.
    const [configurationSetId] = only(dev.findResources('AWS::SES::ConfigurationSet'));
    const [, rule] = only(
      dev.findResources('AWS::Events::Rule', { Properties: { EventBusName: 'default', EventPattern: {} } }),
    );

    // Assess: SES tags each event's mail with the set's name (`mail.tags["ses:configuration-set"]`).
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.ses'],
      'detail-type': [...sesEventTypes],
      detail: { mail: { tags: { 'ses:configuration-set': [{ Ref: configurationSetId }] } } },
    });
  });

  it('publishes bounces, complaints, deliveries, rejects, rendering failures and delays to the default bus', () => {
    const [, destination] = only(dev.findResources('AWS::SES::ConfigurationSetEventDestination'));
    const [configurationSetId] = only(dev.findResources('AWS::SES::ConfigurationSet'));
    expect(destination.Properties.ConfigurationSetName).toEqual({ Ref: configurationSetId });
    const { EventDestination } = destination.Properties as {
      EventDestination: { Enabled: boolean; MatchingEventTypes: string[]; EventBridgeDestination: unknown };
    };
    expect(EventDestination.Enabled).toBe(true);
    expect([...EventDestination.MatchingEventTypes].sort()).toEqual(
      ['bounce', 'complaint', 'delivery', 'deliveryDelay', 'reject', 'renderingFailure'].sort(),
    );
    // SES publishes to the account's default bus only.
    expect(JSON.stringify(EventDestination.EventBridgeDestination)).toMatch(/:event-bus\/default"/);
  });

  it('runs the lifecycle once a day at 07:00 UTC', () => {
    dev.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 7 * * ? *)',
      Targets: targeting('lifecycle'),
    });
  });

  it('schedules each wiring schedule with its expression, for its target', () => {
    for (const schedule of schedules) {
      dev.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: schedule.expression,
        Targets: targeting(schedule.target),
      });
    }
  });

  it('retries every rule target and dead-letters what it cannot deliver', () => {
    const rules = Object.values(dev.findResources('AWS::Events::Rule'));
    expect(rules).toHaveLength(busRules.length + schedules.length);
    for (const rule of rules) {
      for (const target of rule.Properties.Targets) {
        expect(target.RetryPolicy).toMatchObject({ MaximumRetryAttempts: asyncRetryAttempts });
        expect(target.DeadLetterConfig.Arn).toEqual(arnOf(expect.any(String)));
      }
    }
  });

  it('gives every asynchronously invoked function retries and an on-failure queue', () => {
    for (const name of asyncTargets) {
      dev.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: functionId(name) },
        MaximumRetryAttempts: asyncRetryAttempts,
        DestinationConfig: { OnFailure: { Destination: arnOf(Match.anyValue()) } },
      });
    }
  });
});

describe('send queue', () => {
  it('is consumed by its function with partial batch failures and the wiring settings', () => {
    const { send } = queues;
    dev.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId(send.consumer) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: send.batchSize,
      MaximumBatchingWindowInSeconds: send.maxBatchingWindowSeconds,
      ScalingConfig: { MaximumConcurrency: send.maxConcurrency },
    });
  });

  it('is sized for the account’s send rate given at deploy, which also caps every sender’s pacing', () => {
    // Prepare
    const fast = Template.fromStack(tandemApp('dev', { bundle: false, sesMaxSendRate: 100 }).stack);
    const planned = sendingPlan(100);

    // Assess: 4 instances of 25 mails a second, batches of a second of that (25: a batching window, as SQS requires).
    fast.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: planned.batchSize,
      MaximumBatchingWindowInSeconds: Match.anyValue(),
      ScalingConfig: { MaximumConcurrency: planned.instances },
    });
    expect(planned).toMatchObject({ instances: 4, batchSize: 25 });
    fast.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SEND_CONCURRENCY: '4', SES_MAX_SEND_RATE: '100' }) },
    });
    expect(JSON.stringify(dev.findResources('AWS::Lambda::Function'))).not.toContain('SES_MAX_SEND_RATE');
  });

  it('redrives to its dead-letter queue after maxReceiveCount deliveries', () => {
    dev.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: queues.send.visibilityTimeoutSeconds,
      RedrivePolicy: {
        deadLetterTargetArn: arnOf(Match.anyValue()),
        maxReceiveCount: queues.send.maxReceiveCount,
      },
    });
  });

  it('keeps every job, and every dead letter, for the 14 days SQS allows at most', () => {
    // A job deferred while sending is paused (a daily quota, a paused account) must outlive the pause.
    const queues = Object.entries(dev.findResources('AWS::SQS::Queue'));
    const workQueues = queues.filter(([, q]) => q.Properties.RedrivePolicy);
    expect(workQueues.length).toBeGreaterThan(0);
    for (const [id, queue] of queues)
      expect(queue.Properties.MessageRetentionPeriod, id).toBe(14 * 24 * 3600);
  });

  it('encrypts every queue and refuses unencrypted transport', () => {
    const queueIds = Object.keys(dev.findResources('AWS::SQS::Queue'));
    for (const id of queueIds) {
      expect(dev.toJSON().Resources[id].Properties.SqsManagedSseEnabled).toBe(true);
      dev.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });
});

describe('permissions', () => {
  it('lets sendMail send only as the domain identity through the configuration set', () => {
    const send = statementsOf('sendMail').filter((s) => asArray(s.Action).includes('ses:SendEmail'));
    expect(send).toHaveLength(1);
    const resources = asArray(send[0]?.Resource);
    const [identityId] = only(
      dev.findResources('AWS::SES::EmailIdentity', { Properties: { EmailIdentity: domain } }),
    );
    const [configurationSetId] = only(dev.findResources('AWS::SES::ConfigurationSet'));
    expect(resources).toHaveLength(2);
    expect(resources).not.toContain('*');
    expect(JSON.stringify(resources[0])).toMatch(new RegExp(`:identity/.*"Ref":"${identityId}"`));
    expect(JSON.stringify(resources[1])).toMatch(
      new RegExp(`:configuration-set/.*"Ref":"${configurationSetId}"`),
    );
  });

  it('allows "*" as a resource only for ses:GetAccount, which has no resource-level permissions', () => {
    const statements = functionNames.flatMap(statementsOf);
    const onAnything = statements.filter((s) => asArray(s.Resource).includes('*'));
    expect(new Set(onAnything.flatMap((s) => asArray(s.Action)))).toEqual(new Set(['ses:GetAccount']));
  });

  it('uses no AWS-managed policies', () => {
    for (const role of Object.values(dev.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('lets lifecycle queue mail, use the table and publish to the alerts topic only', () => {
    const statements = statementsOf('lifecycle');
    const publish = statements.filter((s) => asArray(s.Action).includes('sns:Publish'));
    const [topicId] = only(dev.findResources('AWS::SNS::Topic'));

    expect(publish).toHaveLength(1);
    expect(asArray(publish[0]?.Resource)).toEqual([{ Ref: topicId }]);
    expect(actionsOf('lifecycle')).toEqual(
      expect.arrayContaining([
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'dynamodb:PutItem',
        'sqs:SendMessage',
      ]),
    );
    expect(actionsOf('lifecycle').filter((a) => /^(ses|secretsmanager|events):/.test(a))).toEqual([]);
  });

  it('lets mailEvents change items and put events on the Tandem bus, and send no mail', () => {
    const actions = actionsOf('mailEvents');

    expect(actions).toEqual(expect.arrayContaining(['dynamodb:UpdateItem', 'events:PutEvents']));
    expect(actions.filter((a) => /^(ses|secretsmanager|sns):/.test(a))).toEqual([]);
  });

  it('lets only the Tandem bus receive PutEvents, from links, receiveMail, mailEvents and the console', () => {
    const busArn = arnOf(tandemBusId());
    const putters = functionNames.filter((name) => actionsOf(name).includes('events:PutEvents'));
    expect(putters.sort()).toEqual(['console', 'links', 'mailEvents', 'receiveMail']);
    for (const name of putters) {
      const statements = statementsOf(name).filter((s) => asArray(s.Action).includes('events:PutEvents'));
      expect(statements.flatMap((s) => asArray(s.Resource))).toEqual([busArn]);
    }
  });

  it('lets only sendMail read the signing keys or use SES', () => {
    expect(actionsOf('sendMail')).toEqual(
      expect.arrayContaining(['secretsmanager:GetSecretValue', 'ses:SendEmail']),
    );
    for (const name of ['launchRound', 'dispatchTopics'] as const) {
      expect(actionsOf(name).filter((a) => a.startsWith('secretsmanager:') || a.startsWith('ses:'))).toEqual(
        [],
      );
      expect(actionsOf(name)).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'sqs:SendMessage']));
    }
  });

  it('lets no function scan the table: a person’s mails are found through the arrival index', () => {
    const scanners = functionNames.filter((name) => actionsOf(name).includes('dynamodb:Scan'));
    expect(scanners).toEqual([]);
  });

  it('lets the console delete raw mail under the prefix, and nothing else in S3', () => {
    const s3 = statementsOf('console').filter((s) => asArray(s.Action).some((a) => a.startsWith('s3:')));
    expect(s3.map((s) => s.Action)).toEqual(['s3:DeleteObject']);
    expect(JSON.stringify(s3[0]?.Resource)).toContain(`/${inboundMail.rawMailPrefix}*`);
  });

  it('generates the signing keys as {"current":"1","1":<key>}', () => {
    dev.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({
        SecretStringTemplate: '{"current":"1"}',
        GenerateStringKey: '1',
      }),
    });
  });
});

describe('alarms', () => {
  const alarms = () => Object.values(dev.findResources('AWS::CloudWatch::Alarm'));
  it('mails the coordinator', () => {
    dev.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: coordinatorEmail });
  });

  it('alarms on any message in each dead-letter queue', () => {
    const queueOf = (arn: GetAtt) => arn['Fn::GetAtt'][0];
    const deadLetterQueues = new Set([
      ...Object.values(dev.findResources('AWS::SQS::Queue'))
        .filter((q) => q.Properties.RedrivePolicy)
        .map((q) => queueOf(q.Properties.RedrivePolicy.deadLetterTargetArn)),
      ...Object.values(dev.findResources('AWS::Events::Rule')).flatMap((r) =>
        r.Properties.Targets.map((t: { DeadLetterConfig: { Arn: GetAtt } }) =>
          queueOf(t.DeadLetterConfig.Arn),
        ),
      ),
      ...Object.values(dev.findResources('AWS::Lambda::EventInvokeConfig')).map((c) =>
        queueOf(c.Properties.DestinationConfig.OnFailure.Destination),
      ),
    ]);
    // One for the send queue, one per async function, one per rule target.
    expect(deadLetterQueues.size).toBe(1 + asyncTargets.length + busRules.length + schedules.length);
    for (const queue of deadLetterQueues) {
      const watching = alarms().filter(
        (a) =>
          a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          JSON.stringify(a.Properties.Dimensions) ===
            JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }]),
      );
      expect(watching, queue).toHaveLength(1);
      expect(watching[0]?.Properties).toMatchObject({
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    }
  });

  it('alarms on errors of every function', () => {
    for (const name of functionNames) {
      const watching = alarms().filter(
        (a) =>
          a.Properties.MetricName === 'Errors' &&
          JSON.stringify(a.Properties.Dimensions) ===
            JSON.stringify([{ Name: 'FunctionName', Value: { Ref: functionId(name) } }]),
      );
      expect(watching, name).toHaveLength(1);
    }
  });

  it('sends every alarm to the coordinator topic', () => {
    const [topic] = only(dev.findResources('AWS::SNS::Topic'));
    for (const alarm of alarms()) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topic }]);
  });
});

describe('outputs', () => {
  it('tells the CLI the bus, table and send queue', () => {
    for (const name of ['BusName', 'BusArn', 'TableName', 'SendQueueUrl']) dev.hasOutput(name, {});
  });
});
