import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { RAW_MAIL_RETENTION_DAYS } from '#infra/constructs/inbound-mail';
import { asyncRetryAttempts, functionDefs, inboundMail } from '#infra/wiring';
import { domain, tandemApp } from './tandem-app.ts';
import { templateText } from './template-text.ts';

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };
type Statement = {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Principal?: unknown;
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
};

const prefix = inboundMail.rawMailPrefix;
const replyDomain = `reply.${domain}`;

let dev: Template;
let prod: Template;
let resources: Record<string, Resource>;

beforeAll(() => {
  // Prepare: synthesis bundles every function, so do it once per file.
  dev = Template.fromStack(tandemApp('dev').stack);
  prod = Template.fromStack(tandemApp('prod').stack);
  resources = dev.toJSON().Resources;
});

const only = (type: string, props?: Record<string, unknown>): [string, Resource] => {
  const found = Object.entries(dev.findResources(type, props ? { Properties: props } : undefined));
  expect(found, type).toHaveLength(1);
  return found[0] as [string, Resource];
};
const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
/** The stack's one AWS call that activates the rule set (the others read the edge stack's parameters). */
const activationCall = (): Resource => {
  const found = Object.values(dev.findResources('Custom::AWS')).filter((r) =>
    templateText(r.Properties.Create).includes('setActiveReceiptRuleSet'),
  );
  expect(found).toHaveLength(1);
  return found[0] as Resource;
};

/** The raw mail bucket: the one SES's S3 action writes to. */
const rawMailBucket = () => {
  const [, rule] = only('AWS::SES::ReceiptRule');
  const actions = (rule.Properties.Rule as { Actions: { S3Action?: { BucketName: { Ref: string } } }[] })
    .Actions;
  const id = actions[0]?.S3Action?.BucketName.Ref as string;
  return { id, bucket: resources[id] as Resource };
};
const receiveFunctionId = () =>
  only('AWS::Lambda::Function', { Description: functionDefs[inboundMail.target].description })[0];

/** The ARN of the receipt rule as SES names it, from the rule set and rule in the template. */
const ruleArn = () => {
  const [, rule] = only('AWS::SES::ReceiptRule');
  const ruleSet = resources[(rule.Properties.RuleSetName as { Ref: string }).Ref] as Resource;
  const ruleName = (rule.Properties.Rule as { Name: string }).Name;
  return `arn:\${AWS::Partition}:ses:\${AWS::Region}:\${AWS::AccountId}:receipt-rule-set/${ruleSet.Properties.RuleSetName}:receipt-rule/${ruleName}`;
};

describe('raw mail bucket', () => {
  it('is encrypted, blocks all public access and keeps no versions', () => {
    const { bucket } = rawMailBucket();
    expect(bucket.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    expect(bucket.Properties.VersioningConfiguration).toBeUndefined();
  });

  it(`expires raw mail under the prefix after ${RAW_MAIL_RETENTION_DAYS} days`, () => {
    const { bucket } = rawMailBucket();
    expect(bucket.Properties.LifecycleConfiguration).toEqual({
      Rules: [
        expect.objectContaining({
          Prefix: prefix,
          ExpirationInDays: RAW_MAIL_RETENTION_DAYS,
          Status: 'Enabled',
        }),
      ],
    });
  });

  it('logs access to a bucket that accepts only S3 log delivery for it', () => {
    const { id, bucket } = rawMailBucket();
    const logging = bucket.Properties.LoggingConfiguration as { DestinationBucketName: { Ref: string } };
    const logBucket = logging.DestinationBucketName.Ref;
    dev.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logBucket },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
            Condition: Match.objectLike({ ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [id, 'Arn'] } } }),
          }),
        ]),
      },
    });
  });

  it('refuses unencrypted transport', () => {
    const { id } = rawMailBucket();
    dev.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('lets SES write under the prefix only, for this account and this receipt rule', () => {
    const { id } = rawMailBucket();
    const [, policy] = only('AWS::S3::BucketPolicy', { Bucket: { Ref: id } });
    const statements = (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
    const forSes = statements.filter((s) => JSON.stringify(s.Principal ?? '').includes('ses.amazonaws.com'));
    expect(forSes).toHaveLength(1);
    const [statement] = forSes as [Statement];
    expect(statement).toMatchObject({ Effect: 'Allow', Action: 's3:PutObject' });
    expect(templateText(statement.Resource)).toBe(`\${${id}.Arn}/${prefix}*`);
    const conditions = statement.Condition?.StringEquals ?? {};
    expect(conditions['aws:SourceAccount']).toEqual({ Ref: 'AWS::AccountId' });
    expect(templateText(conditions['aws:SourceArn'])).toBe(ruleArn());
  });

  it('is deleted with a dev stack and retained by every other stage', () => {
    dev.allResources('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    prod.allResources('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
  });
});

describe('receipt rule', () => {
  it('takes mail for the relay domain, scanned and over TLS only', () => {
    const [, rule] = only('AWS::SES::ReceiptRule');
    expect(rule.Properties.Rule).toMatchObject({
      Enabled: true,
      Recipients: [replyDomain],
      ScanEnabled: true,
      TlsPolicy: 'Require',
    });
  });

  it('stores the raw message first, then invokes the receive function asynchronously', () => {
    const [, rule] = only('AWS::SES::ReceiptRule');
    const { id: bucketId } = rawMailBucket();
    expect((rule.Properties.Rule as { Actions: unknown[] }).Actions).toEqual([
      { S3Action: { BucketName: { Ref: bucketId }, ObjectKeyPrefix: prefix } },
      {
        LambdaAction: {
          FunctionArn: { 'Fn::GetAtt': [receiveFunctionId(), 'Arn'] },
          InvocationType: 'Event',
        },
      },
    ]);
  });

  it('is created after the bucket policy and invoke permission SES checks on creation', () => {
    const [, rule] = only('AWS::SES::ReceiptRule');
    const [permissionId] = only('AWS::Lambda::Permission', { Principal: 'ses.amazonaws.com' });
    const [policyId] = only('AWS::S3::BucketPolicy', { Bucket: { Ref: rawMailBucket().id } });
    expect(rule.DependsOn).toEqual(expect.arrayContaining([permissionId, policyId]));
  });

  it('lets SES invoke the function only for this account and this receipt rule', () => {
    const [, permission] = only('AWS::Lambda::Permission', { Principal: 'ses.amazonaws.com' });
    expect(permission.Properties).toMatchObject({
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [receiveFunctionId(), 'Arn'] },
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
    expect(templateText(permission.Properties.SourceArn)).toBe(ruleArn());
  });

  it('is activated by a custom resource, and deactivated when the stack goes', () => {
    const [ruleId] = only('AWS::SES::ReceiptRule');
    const [ruleSetId] = only('AWS::SES::ReceiptRuleSet');
    const activation = activationCall();
    const call = (phase: string) =>
      JSON.parse(templateText(activation.Properties[phase]).replaceAll('${', '$'));
    expect(call('Create')).toMatchObject({
      service: 'SES',
      action: 'setActiveReceiptRuleSet',
      parameters: { RuleSetName: `$${ruleSetId}}` },
    });
    expect(call('Update').parameters).toEqual(call('Create').parameters);
    expect(call('Delete')).toMatchObject({ action: 'setActiveReceiptRuleSet', parameters: {} });
    expect(activation.DependsOn).toContain(ruleId);
  });

  it("activates from the stack's calling role, which has no managed policy and no other rights", () => {
    const activation = activationCall();
    const providerId = (activation.Properties.ServiceToken as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    const roleId = ((resources[providerId] as Resource).Properties.Role as { 'Fn::GetAtt': [string] })[
      'Fn::GetAtt'
    ][0];
    expect((resources[roleId] as Resource).Properties.ManagedPolicyArns).toBeUndefined();
    const actions = Object.values(dev.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
      .flatMap((s) => asArray(s.Action));
    expect(actions.sort()).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'ses:SetActiveReceiptRuleSet',
      // The distribution's reads of the edge stack's parameters (test/infra/web-front.test.ts).
      'ssm:GetParameter',
      'ssm:GetParameter',
    ]);
  });
});

describe('receive function', () => {
  const statementsOfReceiver = (): Statement[] => {
    const fn = resources[receiveFunctionId()] as Resource;
    const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    return Object.values(dev.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
  };

  it('may read raw mail under the prefix, and nothing else in S3', () => {
    const { id } = rawMailBucket();
    const s3 = statementsOfReceiver().filter((s) => asArray(s.Action).some((a) => a.startsWith('s3:')));
    expect(s3).toHaveLength(1);
    expect(s3[0]?.Action).toBe('s3:GetObject');
    expect(templateText(s3[0]?.Resource)).toBe(`\${${id}.Arn}/${prefix}*`);
  });

  it('knows the bucket, the prefix and the bus', () => {
    dev.hasResourceProperties('AWS::Lambda::Function', {
      Description: functionDefs[inboundMail.target].description,
      Environment: {
        Variables: Match.objectLike({
          RAW_MAIL_BUCKET: { Ref: rawMailBucket().id },
          RAW_MAIL_PREFIX: prefix,
          EVENT_BUS_NAME: { Ref: Match.anyValue() },
          REPLY_DOMAIN: replyDomain,
          SIGNING_KEYS_SECRET_ARN: { Ref: Match.anyValue() },
        }),
      },
    });
  });

  it('is retried by Lambda and sends what still fails to an on-failure queue', () => {
    dev.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: receiveFunctionId() },
      MaximumRetryAttempts: asyncRetryAttempts,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } } },
    });
  });
});

describe('outputs', () => {
  it('gives the MX record for the relay domain and the raw mail bucket', () => {
    dev.hasOutput('ReplyDomainMx', {
      Value: {
        'Fn::Join': ['', [`${replyDomain} MX 10 inbound-smtp.`, { Ref: 'AWS::Region' }, '.amazonaws.com']],
      },
    });
    dev.hasOutput('RawMailBucket', { Value: { Ref: rawMailBucket().id } });
  });
});
