import nodemailer from 'nodemailer';
import type { Profile } from '#core/model';
import { relayAddress, type SigningKeys } from '#core/relay-address';

/**
 * How a synthetic participant behaves during a simulated round. Most reply to every topic and answer
 * check-ins; some never write; one unsubscribes with their mail client's one-click button; one has an
 * address that hard-bounces (the SES mailbox simulator's bounce address, which the local SES reports
 * as SES would).
 */
export type Behaviour = 'replies' | 'quiet' | 'unsubscribes' | 'bounces';

/** One in this many participants never writes. */
const QUIET_EVERY = 8;

export const SES_SIMULATOR_BOUNCE = (label: string) => `bounce+${label}@simulator.amazonses.com`;

/**
 * Gives each participant of the cohort a behaviour, deterministically: every eighth is quiet, and
 * (in cohorts of ten or more) one unsubscribes and one bounces. The bouncer's address is replaced by
 * the simulator's bounce address.
 */
export const assignBehaviours = (
  cohort: readonly Profile[],
): { cohort: Profile[]; behaviours: Behaviour[] } => {
  const behaviours: Behaviour[] = cohort.map((_, i) =>
    i % QUIET_EVERY === QUIET_EVERY - 1 ? 'quiet' : 'replies',
  );
  const people = [...cohort];
  if (cohort.length >= 10) {
    behaviours[1] = 'unsubscribes';
    behaviours[2] = 'bounces';
    people[2] = { ...(people[2] as Profile), email: SES_SIMULATOR_BOUNCE(`participant-2`) };
  }
  return { cohort: people, behaviours };
};

/** Something a participant does at a given time. */
export type Act =
  | { at: number; kind: 'reply'; from: string; to: string; subject: string; text: string }
  | { at: number; kind: 'one-click'; url: string };

/** Acts as the participants would: replies over SMTP to the stack's inbound port, clicks over HTTP. */
export class Participants {
  private readonly pending: Act[] = [];
  private readonly smtp;
  readonly done = { replies: 0, unsubscribeClicks: 0 };

  constructor(smtpPort: number) {
    this.smtp = nodemailer.createTransport({
      host: '127.0.0.1',
      port: smtpPort,
      secure: false,
      ignoreTLS: true,
    });
  }

  plan(act: Act): void {
    this.pending.push(act);
  }

  /** Performs every act due by `now`, in time order. */
  async actUntil(now: number): Promise<void> {
    this.pending.sort((a, b) => a.at - b.at);
    while (this.pending.length > 0 && (this.pending[0] as Act).at <= now) {
      const act = this.pending.shift() as Act;
      if (act.kind === 'reply') {
        await this.smtp.sendMail({ from: act.from, to: act.to, subject: act.subject, text: act.text });
        this.done.replies++;
      } else {
        const response = await fetch(act.url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'List-Unsubscribe=One-Click',
        });
        if (!response.ok) throw new Error(`one-click unsubscribe answered ${response.status}`);
        this.done.unsubscribeClicks++;
      }
    }
  }

  close(): void {
    this.smtp.close();
  }
}

/** The Reply-To a participant's round mail carries: where their replies go. */
export const replyAddressOf = (
  roundId: string,
  participantId: string,
  keys: SigningKeys,
  replyDomain: string,
) => relayAddress({ roundId, participantId }, keys, replyDomain);
