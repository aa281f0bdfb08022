import { Aws, Stack, Validations } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { sesEventTypes } from '#infra/wiring';

/**
 * The configuration set's event type behind each EventBridge detail type the wiring routes: a detail
 * type added to `sesEventTypes` without its event type here is a type error, not a rule that never fires.
 */
const sendingEventOf = {
  'Email Bounced': ses.EmailSendingEvent.BOUNCE,
  'Email Complaint Received': ses.EmailSendingEvent.COMPLAINT,
  'Email Delivered': ses.EmailSendingEvent.DELIVERY,
  'Email Rejected': ses.EmailSendingEvent.REJECT,
  'Email Rendering Failed': ses.EmailSendingEvent.RENDERING_FAILURE,
  'Email Delivery Delayed': ses.EmailSendingEvent.DELIVERY_DELAY,
} as const satisfies Record<(typeof sesEventTypes)[number], ses.EmailSendingEvent>;

/**
 * The custom MAIL FROM (envelope sender, Return-Path) subdomain. Bounces come back to SES through its MX
 * record, and its SPF record lets receivers align SPF with the From domain for DMARC. It must differ from
 * the relay domain (`reply.`), whose MX points at SES receiving instead.
 */
export const MAIL_FROM_SUBDOMAIN = 'bounce';

/** One DNS record, written the way a zone file (and most DNS consoles) would take it. */
export interface DnsRecord {
  name: string;
  type: 'CNAME' | 'MX' | 'TXT';
  /** For MX: `<priority> <host>`; for TXT: the text, without the quotes. */
  value: string;
  /** What the record is for, in a few words. */
  purpose: string;
}

export interface MailSendingProps {
  /** The domain round mail is sent from; its DKIM records must be published in its DNS. */
  domain: string;
  /** Receives the DMARC aggregate reports the advised DMARC record asks for. */
  coordinatorEmail: string;
}

/**
 * The SES side of sending: the verified domain (Easy DKIM, custom MAIL FROM) and the configuration set
 * every mail uses, which keeps bounced and complaining addresses suppressed.
 */
export class MailSending extends Construct {
  readonly identity: ses.EmailIdentity;
  readonly configurationSet: ses.ConfigurationSet;
  readonly configurationSetArn: string;
  /** Every record the domain's DNS needs for sending (the relay domain's MX is InboundMail's). */
  readonly dnsRecords: Record<
    'Dkim1' | 'Dkim2' | 'Dkim3' | 'MailFromMx' | 'MailFromSpf' | 'Dmarc',
    DnsRecord
  >;

  constructor(scope: Construct, id: string, { domain, coordinatorEmail }: MailSendingProps) {
    super(scope, id);
    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      // Whatever the account-level setting, SES drops mail to an address that bounced or complained.
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
    });
    const mailFromDomain = `${MAIL_FROM_SUBDOMAIN}.${domain}`;
    this.identity = new ses.EmailIdentity(this, 'Identity', {
      identity: ses.Identity.domain(domain),
      configurationSet: this.configurationSet,
      dkimIdentity: ses.DkimIdentity.easyDkim(ses.EasyDkimSigningKeyLength.RSA_2048_BIT),
      mailFromDomain,
      // Until its MX record is published (or if it is ever removed), mail still goes out, with SES's own
      // MAIL FROM: SPF then no longer aligns, but DKIM alone still passes DMARC.
      mailFromBehaviorOnMxFailure: ses.MailFromBehaviorOnMxFailure.USE_DEFAULT_VALUE,
    });
    const { identity } = this;
    const dkim = (name: string, value: string, n: number): DnsRecord => ({
      name,
      type: 'CNAME',
      value,
      purpose: `Easy DKIM, key ${n} of 3: SES signs every mail with the domain's key`,
    });
    this.dnsRecords = {
      Dkim1: dkim(identity.dkimDnsTokenName1, identity.dkimDnsTokenValue1, 1),
      Dkim2: dkim(identity.dkimDnsTokenName2, identity.dkimDnsTokenValue2, 2),
      Dkim3: dkim(identity.dkimDnsTokenName3, identity.dkimDnsTokenValue3, 3),
      MailFromMx: {
        name: mailFromDomain,
        type: 'MX',
        value: `10 feedback-smtp.${Aws.REGION}.amazonses.com`,
        purpose: 'Custom MAIL FROM: bounces go back to SES',
      },
      MailFromSpf: {
        name: mailFromDomain,
        type: 'TXT',
        value: 'v=spf1 include:amazonses.com ~all',
        purpose: 'Custom MAIL FROM: SPF lets SES send for it',
      },
      Dmarc: {
        name: `_dmarc.${domain}`,
        type: 'TXT',
        value: `v=DMARC1; p=none; rua=mailto:${coordinatorEmail}`,
        purpose: 'DMARC, advised starting point: monitor only, aggregate reports to the coordinator',
      },
    };
    // ConfigurationSet exposes no ARN attribute.
    this.configurationSetArn = Stack.of(this).formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
    });
  }

  /**
   * Publishes the sending events Tandem acts on (bounces, complaints, deliveries, …) to `defaultBus`,
   * where they arrive with source `aws.ses`. SES delivers to the account's default bus only.
   */
  publishEventsTo(defaultBus: events.IEventBusRef): ses.ConfigurationSetEventDestination {
    return this.configurationSet.addEventDestination('ToEventBridge', {
      destination: ses.EventDestination.eventBus(defaultBus),
      events: sesEventTypes.map((detailType) => sendingEventOf[detailType]),
    });
  }

  /**
   * Lets `role` send as the domain through the configuration set, and nothing else. SESv2 SendEmail is
   * authorized against both the identity and the configuration set, so those two ARNs suffice.
   */
  grantSend(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [this.identity.emailIdentityArn, this.configurationSetArn],
      }),
    );
    // The sender paces itself by the account's send rate, which only GetAccount reports.
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ses:GetAccount'], resources: ['*'] }));
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ses:GetAccount has no resource-level permissions (it reads account-wide quotas), so IAM accepts only "*"; ' +
        'the only other statement with a resource list is scoped to the identity and configuration set ARNs.',
    });
  }
}
