import { Stack, Validations } from 'aws-cdk-lib';
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

export interface MailSendingProps {
  /** The domain round mail is sent from; its DKIM records must be published in its DNS. */
  domain: string;
}

/** The SES side of sending: the verified domain (Easy DKIM) and the configuration set every mail uses. */
export class MailSending extends Construct {
  readonly identity: ses.EmailIdentity;
  readonly configurationSet: ses.ConfigurationSet;
  readonly configurationSetArn: string;

  constructor(scope: Construct, id: string, { domain }: MailSendingProps) {
    super(scope, id);
    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
    });
    this.identity = new ses.EmailIdentity(this, 'Identity', {
      identity: ses.Identity.domain(domain),
      configurationSet: this.configurationSet,
    });
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
