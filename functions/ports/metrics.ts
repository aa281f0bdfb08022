/**
 * The metrics Tandem publishes, each a count (unit Count) in the CloudWatch namespace `Tandem` with the
 * dimension `service`. The alarms and the dashboard name them, so they are part of the contract.
 */
export const METRIC = {
  /** A mail the sender function handed to SES (participants' mails and digests). */
  mailsSent: 'MailsSent',
  /** A participant's reply relayed to their partners. */
  repliesRelayed: 'RepliesRelayed',
  /** An inbound mail delivered to nobody; dimension `reason`. */
  inboundRejected: 'InboundRejected',
  /** An SES bounce event; dimension `bounceType` (Permanent, Transient, Undetermined). */
  bounces: 'Bounces',
  complaints: 'Complaints',
  /** A partnership put at risk; dimension `reason` (silent, flagged). */
  escalations: 'Escalations',
  /**
   * A claim that took over a SENDING ledger row whose lease had run out: its holder stopped between
   * claiming and recording, so SES may have sent that mail already and this send may repeat it.
   */
  expiredSendingLeases: 'ExpiredSendingLeases',
  /** A mail that will never go out (SES refused it for good, or it cannot be composed); dimension `reason`. */
  mailsFailed: 'MailsFailed',
  /** A mail put back for later because sending is paused account-wide (daily quota, paused account). */
  mailsDeferred: 'MailsDeferred',
  /** Sending paused account-wide; dimension `reason` (daily-quota, sending-paused). */
  sendingPaused: 'SendingPaused',
  /** A scheduled run (dispatch, lifecycle) that failed for one round; dimension `run`. The other rounds go on. */
  scheduledRunFailures: 'ScheduledRunFailures',
  /**
   * A request of the sign-up pages that did something, or was refused; dimension `outcome` (queued,
   * limited, trapped, invalid, too-many, refused-form, confirmed, unusable-link, and for re-enrolment
   * links re-enrolled and wait-listed).
   */
  signUps: 'SignUps',
  /**
   * A sign-in request of the console, or what became of a link or session; dimension `outcome` (queued,
   * limited, unlisted, invalid, too-many, refused-form, signed-in, unusable-link, signed-out,
   * refused-csrf, no-session).
   */
  consoleSignIns: 'ConsoleSignIns',
} as const;
export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/** Dimensions of one count besides `service`, e.g. `{ reason: 'spam' }`. */
export type MetricDimensions = Readonly<Record<string, string>>;

/**
 * Counts, published once per invocation. Neither method throws: a metric must never fail the work
 * it describes.
 */
export interface Metrics {
  /** Adds `n` (default 1) to a count; a count with extra dimensions is also counted without them. */
  count(name: MetricName, n?: number, dimensions?: MetricDimensions): void;
  /** Publishes everything counted since the last flush, then forgets it. */
  flush(): void;
}
