import { ArnFormat, Aws, Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { AwsCalls, acknowledgeAnyResource } from './aws-calls.ts';
import { acknowledgeControls } from './control-tower.ts';
import type { ServiceFunction } from './service-function.ts';

/**
 * How long raw inbound mail is kept. Long enough to replay anything a round's coordinator may ask
 * about (a round's topics run for weeks; dead letters wait 14 days), short enough not to hoard
 * participants' mail: 90 days, then S3 deletes it.
 */
export const RAW_MAIL_RETENTION_DAYS = 90;

/** Server access logs say who read which message; they hold no mail content, so they may outlive it. */
const ACCESS_LOG_RETENTION_DAYS = 365;

const ACCESS_LOG_PREFIX = 'raw-mail/';

/** The receipt rule's name; with the rule set's name it makes the ARN the permissions are scoped to. */
const RULE_NAME = 'relay-replies';

export interface InboundMailProps {
  /** Relay addresses live here (`r-<token>@<replyDomain>`); its MX record must point at SES. */
  replyDomain: string;
  removalPolicy: RemovalPolicy;
  /** SES stores each message as `<rawMailPrefix><messageId>`. */
  rawMailPrefix: string;
}

/**
 * SES receiving for the relay domain: one receipt rule that first stores the raw message in S3 and
 * only then invokes the receive function with the event (Event invocation), so every message can be
 * processed again from the bucket. The rule set is activated by a custom resource, as CloudFormation
 * cannot; an account and region has one active rule set, so this one replaces any other.
 */
export class InboundMail extends Construct {
  readonly bucket: s3.Bucket;
  /** Server access logs of the raw-mail bucket. */
  readonly accessLogBucket: s3.Bucket;
  readonly ruleSet: ses.ReceiptRuleSet;
  /** The MX record `replyDomain` needs, as `<priority> <host>`. */
  readonly mxRecord: string;
  private readonly props: InboundMailProps;
  private readonly ruleArn: string;
  private rule?: ses.ReceiptRule;

  constructor(scope: Construct, id: string, props: InboundMailProps) {
    super(scope, id);
    this.props = props;
    const { removalPolicy, rawMailPrefix } = props;
    const stack = Stack.of(this);

    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [{ id: 'ExpireAccessLogs', expiration: Duration.days(ACCESS_LOG_RETENTION_DAYS) }],
      removalPolicy,
    });
    this.accessLogBucket = accessLogs;
    this.bucket = new s3.Bucket(this, 'RawMail', {
      // SSE-S3: SES's S3 action then needs no KMS key policy, and the function no kms:Decrypt.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      // Each message is written once under its own id; there is nothing to version.
      versioned: false,
      lifecycleRules: [
        {
          id: 'ExpireRawMail',
          prefix: rawMailPrefix,
          expiration: Duration.days(RAW_MAIL_RETENTION_DAYS),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy,
    });

    // Access logging by bucket policy, as S3 recommends, rather than the log-delivery ACL the CDK would
    // use here without its feature flag (and which object ownership `BUCKET_OWNER_ENFORCED` rules out).
    (this.bucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = {
      destinationBucketName: accessLogs.bucketName,
      logFilePrefix: ACCESS_LOG_PREFIX,
    };
    accessLogs.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowS3ServerAccessLogs',
        principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [accessLogs.arnForObjects(`${ACCESS_LOG_PREFIX}*`)],
        conditions: {
          ArnLike: { 'aws:SourceArn': this.bucket.bucketArn },
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        },
      }),
    );

    // Named, so that the rule's ARN is known before the rule exists: the bucket policy and the function
    // permission are scoped to it, and SES checks both when it creates the rule.
    const ruleSetName = `${stack.stackName}-inbound`;
    this.ruleArn = stack.formatArn({
      service: 'ses',
      resource: 'receipt-rule-set',
      resourceName: `${ruleSetName}:receipt-rule/${RULE_NAME}`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowSesToStoreInboundMail',
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${rawMailPrefix}*`)],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID, 'aws:SourceArn': this.ruleArn } },
      }),
    );

    this.ruleSet = new ses.ReceiptRuleSet(this, 'RuleSet', { receiptRuleSetName: ruleSetName });
    this.mxRecord = `10 inbound-smtp.${Aws.REGION}.amazonaws.com`;

    // What both buckets knowingly do not do (AWS Control Tower proactive controls), and why.
    const bucketControls = {
      s3_bucket_default_encryption_kms_check:
        'SSE-S3 on purpose: SES receiving writes raw mail without a KMS key policy to maintain, the function reads ' +
        'it without kms:Decrypt, and S3 server access logs can only be delivered to an SSE-S3 bucket.',
      s3_bucket_versioning_enabled_check:
        'Each object is written once under its own key, and expiry and data-subject erasure must really delete it: ' +
        "versions would keep participants' mail (and who read it) past the documented retention.",
      s3_bucket_object_lock_enabled_check:
        'Object Lock would forbid the deletions retention and data-subject erasure require; this is working data ' +
        'with a 90-day (raw mail) or one-year (access logs) life, not a record to preserve.',
      s3_event_notifications_enabled_check:
        'Nothing consumes bucket events: the receipt rule invokes the receive function itself once SES has stored ' +
        'the message, and access logs are read only by a human.',
    };
    acknowledgeControls(this.bucket, bucketControls);
    acknowledgeControls(accessLogs, {
      ...bucketControls,
      s3_bucket_logging_enabled_check:
        'This is the access-log bucket: logging it would need yet another bucket (and that one its own), for ' +
        'logs of S3 writing logs.',
    });
  }

  /**
   * Lets `eraser` delete stored messages, and nothing else: forgetting a person erases the raw mail they
   * sent (the console's People page; the CLI does it with the coordinator's own credentials).
   */
  grantErase(eraser: ServiceFunction): void {
    const { rawMailPrefix } = this.props;
    iam.Grant.addToPrincipal({
      grantee: eraser.fn,
      actions: ['s3:DeleteObject'],
      resourceArns: [this.bucket.arnForObjects(`${rawMailPrefix}*`)],
    });
    const bucketId = Stack.of(this).resolve(
      (this.bucket.node.defaultChild as s3.CfnBucket).logicalId,
    ) as string;
    Validations.of(eraser.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${rawMailPrefix}*]`,
      reason:
        "A forgotten person's mails are stored under ids known only from the inbound ledger, so the function " +
        'may delete any object under the raw mail prefix; it may not read, list or write anything.',
    });
  }

  /**
   * Creates the receipt rule that stores each message and then invokes `receiveFunction` with SES's
   * event, and activates the rule set. Separate from the constructor, like `WorkQueue.consumeWith`,
   * because the function needs the bucket's name in its environment before it exists.
   */
  receiveWith(receiveFunction: ServiceFunction): void {
    if (this.rule) throw new Error('InboundMail already has its receive function');
    const { replyDomain, removalPolicy, rawMailPrefix } = this.props;
    const fn = receiveFunction.fn;
    const stack = Stack.of(this);

    const invokePermission = new lambda.CfnPermission(this, 'SesInvokePermission', {
      action: 'lambda:InvokeFunction',
      functionName: fn.functionArn,
      principal: 'ses.amazonaws.com',
      sourceAccount: Aws.ACCOUNT_ID,
      sourceArn: this.ruleArn,
    });
    acknowledgeControls(invokePermission, {
      lambda_function_public_access_prohibited_check:
        'Scoped by both SourceAccount and SourceArn (this account, this receipt rule); the control cannot evaluate ' +
        'the Ref and Fn::Join they are written with in an environment-agnostic template.',
    });
    // SES invokes the function asynchronously: Lambda's retries and an on-failure queue catch what fails.
    receiveFunction.invokedAsynchronously();

    // The function reads the messages and nothing else: no listing, no writing, no other prefix.
    iam.Grant.addToPrincipal({
      grantee: fn,
      actions: ['s3:GetObject'],
      resourceArns: [this.bucket.arnForObjects(`${rawMailPrefix}*`)],
    });
    const bucketId = stack.resolve((this.bucket.node.defaultChild as s3.CfnBucket).logicalId) as string;
    Validations.of(receiveFunction.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${rawMailPrefix}*]`,
      reason:
        'SES names each stored message by a message id known only on arrival, so the function may read any ' +
        'object under the raw mail prefix; it may not list, write, or read outside that prefix.',
    });

    this.rule = this.ruleSet.addRule('RelayReplies', {
      receiptRuleName: RULE_NAME,
      // A domain recipient matches every address at that domain (not its subdomains).
      recipients: [replyDomain],
      scanEnabled: true,
      tlsPolicy: ses.TlsPolicy.REQUIRE,
      // In this order: the raw message is stored before the function is told about it.
      actions: [
        {
          bind: () => ({ s3Action: { bucketName: this.bucket.bucketName, objectKeyPrefix: rawMailPrefix } }),
        },
        { bind: () => ({ lambdaAction: { functionArn: fn.functionArn, invocationType: 'Event' } }) },
      ],
    });
    // When it creates the rule, SES writes a test object to the bucket and checks the invoke permission.
    if (this.bucket.policy) this.rule.node.addDependency(this.bucket.policy);
    this.rule.node.addDependency(invokePermission);

    this.activate(this.ruleSet.receiptRuleSetName, this.rule, removalPolicy);
  }

  /**
   * Makes the rule set the active one (SES has no CloudFormation property for it), and deactivates it
   * when the stack goes.
   */
  private activate(ruleSetName: string, rule: ses.ReceiptRule, removalPolicy: RemovalPolicy): void {
    const setActive = (parameters: Record<string, string>): cr.AwsSdkCall => ({
      service: 'SES',
      action: 'setActiveReceiptRuleSet',
      parameters,
      physicalResourceId: cr.PhysicalResourceId.of(ruleSetName),
    });
    const activation = AwsCalls.of(this, removalPolicy).add(this, 'ActivateRuleSet', {
      call: setActive({ RuleSetName: ruleSetName }),
      // Without a name, SetActiveReceiptRuleSet deactivates whichever rule set is active.
      onDelete: setActive({}),
      statements: [new iam.PolicyStatement({ actions: ['ses:SetActiveReceiptRuleSet'], resources: ['*'] })],
    });
    activation.node.addDependency(rule);
    acknowledgeAnyResource(
      activation,
      'ses:SetActiveReceiptRuleSet has no resource-level permissions (a rule set is activated account-wide), ' +
        'so IAM accepts only "*".',
    );
  }
}
