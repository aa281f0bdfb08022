import type { PauseReason } from './mailer.ts';

/** Sending is held back account-wide until `until` at the earliest; then one send probes SES again. */
export interface SendingPause {
  reason: PauseReason;
  /** When the pause began (the first refusal of this episode). */
  since: Date;
  until: Date;
}

/**
 * The account-wide switch in front of SES. A pause holds every sender back until its `until`; the first
 * send after that is the probe: accepted, it ends the pause (`resumed`); refused again, it extends it.
 */
export interface SendingGate {
  /** The pause that holds sending back at `now`, if any. May be a few seconds stale: a stale answer costs one more refused send. */
  holding(now: Date): Promise<SendingPause | undefined>;
  /**
   * Records that SES refused to send for `reason`, holding sending back until `until`.
   * @returns true when this begins a pause (sending was active): the one time to tell the coordinator.
   */
  pause(reason: PauseReason, now: Date, until: Date): Promise<boolean>;
  /**
   * SES accepted a mail whose request left at `sentFrom`: ends the pause, if one is recorded and began
   * before that. A mail already on its way when the pause began (a concurrent send) proves nothing.
   */
  resumed(now: Date, sentFrom: Date): Promise<void>;
  /** What is recorded, read fresh: for status reports. */
  current(): Promise<SendingPause | undefined>;
}
