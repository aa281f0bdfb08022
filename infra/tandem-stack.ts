import {
  Annotations,
  ArnFormat,
  CfnOutput,
  CfnParameter,
  CfnRule,
  Fn,
  RemovalPolicy,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { backupCopyVaultName } from '#infra/backup-copy-stack';
import { Alerts } from '#infra/constructs/alerts';
import { acknowledgeControls } from '#infra/constructs/control-tower';
import { DataTable } from '#infra/constructs/data-table';
import { InboundMail } from '#infra/constructs/inbound-mail';
import { MailSending } from '#infra/constructs/mail-sending';
import { Monitoring } from '#infra/constructs/monitoring';
import { RelaySigningKeys } from '#infra/constructs/relay-signing-keys';
import { ServiceFunction } from '#infra/constructs/service-function';
import { TableBackup } from '#infra/constructs/table-backup';
import { WebFront } from '#infra/constructs/web-front';
import { type QueueSettings, WorkQueue } from '#infra/constructs/work-queue';
import {
  busRules,
  DEFAULT_SEND_RATE,
  type FunctionName,
  functionDefs,
  inboundMail,
  type queues,
  schedules,
  sendQueueFor,
} from '#infra/wiring';

export interface TandemStackProps extends StackProps {
  stage: string;
  /** Mail is sent from `rounds@<domain>`; replies go to relay addresses at `reply.<domain>`. */
  domain: string;
  /**
   * The programme's web address: sign-up pages and every link in every mail, behind CloudFront with the
   * certificate and web ACL of the stage's edge stack (`EdgeStack`, which must be deployed first).
   * @default domain
   */
  webDomain?: string;
  coordinatorEmail: string;
  /**
   * Who may sign in to the console and manage every round (`-c coordinators=a@x,b@y`); each round's own
   * coordinator may sign in for that round too.
   * @default [coordinatorEmail]
   */
  coordinators?: readonly string[];
  /**
   * Changed (`-c signingKeysRevision=…`) after editing the signing-keys secret: the functions that read
   * the keys at cold start get a new environment, so every running instance is replaced and reads them again.
   * @default '1'
   */
  signingKeysRevision?: string;
  /**
   * Whether the stage was chosen (`-c stage=…`) rather than defaulted. A template made without one refuses
   * to deploy (see `refuseToDeploy`), while `cdk synth` and the tests keep working with the default.
   * @default true
   */
  explicitStage?: boolean;
  /**
   * Copies the table's daily backups to this region's vault `backupCopyVaultName(stage)` (made by
   * `BackupCopyStack`). Ignored in `dev`, which has no backups.
   */
  backupCopyRegion?: string;
  /**
   * The SES account's send rate (mails per second, `-c sesMaxSendRate=`): sizes the send queue (instances,
   * batch), and the functions pace to it instead of SES's `GetAccount` (docs/sending.md says which wins).
   * @default DEFAULT_SEND_RATE
   */
  sesMaxSendRate?: number;
}

/** Dev stacks come and go; every other stage holds real participants' data, and keeps and backs it up. */
export const keepsData = (stage: string): boolean => stage !== 'dev';

/** Names reserved for examples and tests (RFC 2606, RFC 6761): no mail can ever be sent from them. */
const PLACEHOLDER_DOMAIN = /(^|\.)(example\.(com|net|org)|test|invalid|localhost)$/;

/** Wiring writes patterns in EventBridge's JSON form; the CDK spells `detail-type` as `detailType`. */
const toEventPattern = ({
  'detail-type': detailType,
  ...rest
}: Readonly<Record<string, readonly string[]>>): events.EventPattern => ({
  ...Object.fromEntries(Object.entries(rest).map(([key, values]) => [key, [...values]])),
  ...(detailType && { detailType: [...detailType] }),
});

/** Tandem on AWS, generated from `infra/wiring.ts` (which the local stack runs as well). */
export class TandemStack extends Stack {
  constructor(
    scope: Construct,
    id: string,
    {
      stage,
      domain,
      webDomain = domain,
      coordinatorEmail,
      coordinators = [coordinatorEmail],
      signingKeysRevision = '1',
      explicitStage = true,
      backupCopyRegion,
      sesMaxSendRate,
      ...props
    }: TandemStackProps,
  ) {
    super(scope, id, props);
    if (!explicitStage) refuseToDeploy(this, stage);
    if (PLACEHOLDER_DOMAIN.test(domain)) {
      // cdk.json's placeholder lets `cdk synth` run offline; a deploy needs `-c domain=<your domain>`.
      Annotations.of(this).addWarningV2(
        'tandem:placeholder-domain',
        `domain ${domain} is a placeholder: deploy with -c domain=<your mail domain> -c coordinatorEmail=<address>`,
      );
    }
    const removalPolicy = keepsData(stage) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    const alerts = new Alerts(this, 'Alerts', { email: coordinatorEmail });
    const data = new DataTable(this, 'Data', { retain: removalPolicy === RemovalPolicy.RETAIN });
    if (keepsData(stage)) {
      const copyTo =
        backupCopyRegion === undefined
          ? undefined
          : backup.BackupVault.fromBackupVaultArn(
              this,
              'BackupCopyVault',
              this.formatArn({
                service: 'backup',
                region: backupCopyRegion,
                resource: 'backup-vault',
                resourceName: backupCopyVaultName(stage),
                arnFormat: ArnFormat.COLON_RESOURCE_NAME,
              }),
            );
      const tableBackup = new TableBackup(this, 'Backup', { table: data.table, copyTo });
      // Where the restore drill (docs/operations.md) finds the recovery points.
      new CfnOutput(this, 'BackupVaultName', { value: tableBackup.vault.backupVaultName });
    } else if (backupCopyRegion !== undefined) {
      Annotations.of(this).addWarningV2(
        'tandem:backup-copy-ignored',
        `backupCopyRegion ${backupCopyRegion} is ignored: stage ${stage} has no backups`,
      );
    }
    const bus = new events.EventBus(this, 'Bus', { eventBusName: `tandem-${stage}` });
    // AWS services (SES among them) publish to the account's default bus, which every account has.
    const defaultBus = events.EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    const buses = { tandem: bus, default: defaultBus } satisfies Record<
      (typeof busRules)[number]['bus'],
      events.IEventBus
    >;
    const mail = new MailSending(this, 'Mail', { domain, coordinatorEmail });
    mail.publishEventsTo(defaultBus);
    const signingKeys = new RelaySigningKeys(this, 'SigningKeys', { removalPolicy });
    const queueSettings = {
      send: sendQueueFor(sesMaxSendRate ?? DEFAULT_SEND_RATE),
    } satisfies Record<keyof typeof queues, QueueSettings>;
    const workQueues = {
      send: new WorkQueue(this, 'SendQueue', { settings: queueSettings.send, alerts }),
    } satisfies Record<keyof typeof queues, WorkQueue>;

    const inbound = new InboundMail(this, 'Inbound', {
      replyDomain: `reply.${domain}`,
      removalPolicy,
      rawMailPrefix: inboundMail.rawMailPrefix,
    });

    // The links endpoint is created first: every mail that goes out carries its signed links.
    const links = new ServiceFunction(this, 'Links', {
      def: functionDefs.links,
      environment: {
        TABLE_NAME: data.table.tableName,
        EVENT_BUS_NAME: bus.eventBusName,
        SIGNING_KEYS_SECRET_ARN: signingKeys.secret.secretArn,
      },
      removalPolicy,
      alerts,
    });
    const producerEnv = { TABLE_NAME: data.table.tableName, SEND_QUEUE_URL: workQueues.send.queue.queueUrl };
    const mailingEnv = {
      TABLE_NAME: data.table.tableName,
      COORDINATOR_EMAIL: coordinatorEmail,
      MAIL_FROM: `rounds@${domain}`,
      REPLY_DOMAIN: `reply.${domain}`,
      // The programme's address, not a function's: links in mails already sent outlive any redeploy.
      LINKS_BASE_URL: `https://${webDomain}`,
      SES_CONFIGURATION_SET: mail.configurationSet.configurationSetName,
      SIGNING_KEYS_SECRET_ARN: signingKeys.secret.secretArn,
      // Each concurrent sender paces itself to its share of the account's send rate.
      SEND_CONCURRENCY: String(queueSettings.send.maxConcurrency),
      ...(sesMaxSendRate ? { SES_MAX_SEND_RATE: String(sesMaxSendRate) } : {}),
    };
    const common = { removalPolicy, alerts };
    const functions = {
      launchRound: new ServiceFunction(this, 'LaunchRound', {
        def: functionDefs.launchRound,
        environment: producerEnv,
        ...common,
      }),
      dispatchTopics: new ServiceFunction(this, 'DispatchTopics', {
        def: functionDefs.dispatchTopics,
        environment: producerEnv,
        ...common,
      }),
      sendMail: new ServiceFunction(this, 'SendMail', {
        def: functionDefs.sendMail,
        environment: {
          ...mailingEnv,
          SEND_QUEUE_URL: workQueues.send.queue.queueUrl,
          ALERTS_TOPIC_ARN: alerts.topic.topicArn,
        },
        ...common,
      }),
      receiveMail: new ServiceFunction(this, 'ReceiveMail', {
        def: functionDefs.receiveMail,
        environment: {
          ...mailingEnv,
          RAW_MAIL_BUCKET: inbound.bucket.bucketName,
          RAW_MAIL_PREFIX: inboundMail.rawMailPrefix,
          EVENT_BUS_NAME: bus.eventBusName,
          ALERTS_TOPIC_ARN: alerts.topic.topicArn,
        },
        ...common,
      }),
      links,
      lifecycle: new ServiceFunction(this, 'Lifecycle', {
        def: functionDefs.lifecycle,
        environment: {
          ...producerEnv,
          COORDINATOR_EMAIL: coordinatorEmail,
          ALERTS_TOPIC_ARN: alerts.topic.topicArn,
        },
        ...common,
      }),
      mailEvents: new ServiceFunction(this, 'MailEvents', {
        def: functionDefs.mailEvents,
        environment: { TABLE_NAME: data.table.tableName, EVENT_BUS_NAME: bus.eventBusName },
        ...common,
      }),
      web: new ServiceFunction(this, 'Web', {
        def: functionDefs.web,
        environment: {
          ...producerEnv,
          COORDINATOR_EMAIL: coordinatorEmail,
          SIGNING_KEYS_SECRET_ARN: signingKeys.secret.secretArn,
        },
        ...common,
      }),
      console: new ServiceFunction(this, 'Console', {
        def: functionDefs.console,
        environment: {
          ...producerEnv,
          EVENT_BUS_NAME: bus.eventBusName,
          COORDINATORS: coordinators.join(','),
          LINKS_BASE_URL: `https://${webDomain}`,
          MAIL_FROM: `rounds@${domain}`,
          REPLY_DOMAIN: `reply.${domain}`,
          RAW_MAIL_BUCKET: inbound.bucket.bucketName,
          RAW_MAIL_PREFIX: inboundMail.rawMailPrefix,
          SIGNING_KEYS_SECRET_ARN: signingKeys.secret.secretArn,
        },
        ...common,
      }),
    } satisfies Record<FunctionName, ServiceFunction>;

    const web = new WebFront(this, 'WebFront', {
      stage,
      webDomain,
      removalPolicy,
      functionUrls: {
        links: publicFunctionUrl(functions.links),
        web: publicFunctionUrl(functions.web),
        console: publicFunctionUrl(functions.console),
      },
    });
    // The pages with a per-client limit believe CloudFront's viewer address only beside its secret.
    for (const page of [functions.web, functions.console]) {
      page.fn.addEnvironment('ORIGIN_VERIFY_SECRET_ARN', web.originSecret.secretArn);
      web.originSecret.grantRead(page.fn);
    }
    data.grantReadWriteItems(links.fn);
    signingKeys.secret.grantRead(links.fn);

    // The lifecycle queues mails (nudges, introductions, digests) like the producers do; so do the
    // sign-up pages (confirmation mails), which keep pending sign-ups and rate counters in the table too.
    for (const producer of [
      functions.launchRound,
      functions.dispatchTopics,
      functions.lifecycle,
      functions.web,
      functions.console,
    ]) {
      data.grantReadWriteItems(producer.fn);
      workQueues.send.queue.grantSendMessages(producer.fn);
    }
    // The sign-up pages sign confirmation links and form tokens; the console sign-in links and sessions.
    signingKeys.secret.grantRead(functions.web.fn);
    signingKeys.secret.grantRead(functions.console.fn);
    // Both send mail: the sender the queued mails, the receiver relayed replies and acknowledgements.
    for (const sender of [functions.sendMail, functions.receiveMail]) {
      data.grantReadWriteItems(sender.fn);
      mail.grantSend(sender.role);
      signingKeys.secret.grantRead(sender.fn);
    }
    // The sender puts mails back on its own queue while SES is paused; it, the receiver (relays held by
    // the daily cap) and the lifecycle tell the coordinators over the alert topic.
    workQueues.send.queue.grantSendMessages(functions.sendMail.fn);
    for (const notifier of [functions.lifecycle, functions.sendMail, functions.receiveMail])
      alerts.topic.grantPublish(notifier.fn);
    data.grantReadWriteItems(functions.mailEvents.fn);
    // Member changes (by link, by mail, by the mail system) prompt the lifecycle over the Tandem bus; the
    // console puts launch requests there, as the CLI does.
    for (const producer of [
      functions.receiveMail,
      functions.links,
      functions.mailEvents,
      functions.console,
    ]) {
      bus.grantPutEventsTo(producer.fn);
    }
    inbound.receiveWith(functions[inboundMail.target]);
    // The console's People page forgets people as the CLI does: their raw mails go.
    inbound.grantErase(functions.console);
    // Not part of any schema: no handler reads it; changing it is what replaces the warm instances.
    for (const keyReader of [
      functions.links,
      functions.sendMail,
      functions.receiveMail,
      functions.web,
      functions.console,
    ]) {
      keyReader.fn.addEnvironment('SIGNING_KEYS_REVISION', signingKeysRevision);
    }

    for (const [name, settings] of Object.entries(queueSettings) as [keyof typeof queues, QueueSettings][]) {
      workQueues[name].consumeWith(functions[settings.consumer].fn);
    }
    // The default bus carries every SES event in the account and region (other applications' too); only
    // mail sent through this stack's configuration set is ours. The local stack has only Tandem's, so the
    // filter lives here rather than in wiring (and the set's name is known only at deploy).
    const detailFilters: Partial<Record<(typeof busRules)[number]['id'], events.EventPattern['detail']>> = {
      SesSendingEvents: {
        mail: { tags: { 'ses:configuration-set': [mail.configurationSet.configurationSetName] } },
      },
    };
    for (const { id, description, bus: on, pattern, target } of busRules) {
      const detail = detailFilters[id];
      functions[target].addRule(id, {
        eventBus: buses[on],
        description,
        eventPattern: { ...toEventPattern(pattern), ...(detail && { detail }) },
      });
    }
    for (const { id, description, expression, target } of schedules) {
      // Scheduled rules can only live on the default bus.
      functions[target].addRule(id, { description, schedule: events.Schedule.expression(expression) });
    }

    // What the coordinator CLI needs: it puts events on the bus and reads the table and queue.
    new CfnOutput(this, 'LinksUrl', { value: `${web.baseUrl}/` });
    new CfnOutput(this, 'BusName', { value: bus.eventBusName });
    new CfnOutput(this, 'BusArn', { value: bus.eventBusArn });
    new CfnOutput(this, 'TableName', { value: data.table.tableName });
    new CfnOutput(this, 'SendQueueUrl', { value: workQueues.send.queue.queueUrl });
    // Where raw replies are kept (for replays), and where the keys and the dashboard are.
    new CfnOutput(this, 'RawMailBucket', { value: inbound.bucket.bucketName });
    new CfnOutput(this, 'AccessLogBucket', { value: inbound.accessLogBucket.bucketName });
    new CfnOutput(this, 'SigningKeysSecretArn', { value: signingKeys.secret.secretArn });

    // Created last: the dashboard shows every function and dead-letter queue that has an alarm.
    const monitoring = new Monitoring(this, 'Monitoring', { alerts, dashboardName: `Tandem-${stage}` });
    new CfnOutput(this, 'DashboardUrl', { value: monitoring.dashboardUrl });

    // Every DNS record the coordinator publishes, one output each, written as `<name> <TYPE> <value>`
    // (the certificate's validation record is an output of the edge stack).
    new CfnOutput(this, 'DnsWebDomain', {
      description: `The programme's web address reaches CloudFront (at a zone apex: an ALIAS or ANAME record)`,
      value: `${webDomain} CNAME ${web.distribution.distributionDomainName}`,
    });
    new CfnOutput(this, 'ReplyDomainMx', {
      description: 'Relay domain: replies to relay addresses reach SES receiving',
      value: `reply.${domain} MX ${inbound.mxRecord}`,
    });
    for (const [key, { name, type, value, purpose }] of Object.entries(mail.dnsRecords)) {
      new CfnOutput(this, `Dns${key}`, {
        description: purpose,
        value: `${name} ${type} ${type === 'TXT' ? `"${value}"` : value}`,
      });
    }
  }
}

/**
 * A Function URL anyone may call: recipients open links and their mail clients POST RFC 8058 one-click
 * unsubscribes without AWS credentials, through CloudFront or (for mails sent before it) directly.
 */
const publicFunctionUrl = ({ fn }: ServiceFunction): lambda.FunctionUrl => {
  const url = fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
  const publicOnPurpose =
    'Pages and links for people without AWS credentials: every link and form carries an HMAC signature the ' +
    'function checks, and the URL invokes nothing else. See infra/constructs/web-front.ts for why not OAC.';
  acknowledgeControls(fn, {
    lambda_function_url_auth_check: publicOnPurpose,
    lambda_function_public_access_prohibited_check: publicOnPurpose,
  });
  return url;
};

/**
 * Makes the template one CloudFormation will not deploy. The CDK CLI tells the app nothing about the
 * command it runs (synth, diff and deploy all just synthesize), so the app cannot refuse `cdk deploy` by
 * itself; instead the template carries a rule that CloudFormation checks before it creates a change set,
 * as the CDK's own bootstrap-version rule does. The rule reads a parameter that can only be 'no', so no
 * `--parameters` override gets past it: the only way through is to name the stage.
 */
const refuseToDeploy = (stack: Stack, stage: string): void => {
  const stageChosen = new CfnParameter(stack, 'StageChosen', {
    type: 'String',
    default: 'no',
    allowedValues: ['no'],
    description: 'Synthesized without -c stage=<stage>: this template is for reading, not deploying',
  });
  new CfnRule(stack, 'RequireExplicitStage', {
    assertions: [
      {
        assert: Fn.conditionEquals(stageChosen.valueAsString, 'yes'),
        assertDescription:
          `Tandem refuses to deploy without an explicit stage (it would have been "${stage}", whose data is ` +
          'deleted with its stack). Deploy with -c stage=<stage>, e.g. -c stage=prod, or -c stage=dev for a ' +
          'throwaway stack.',
      },
    ],
  });
};
