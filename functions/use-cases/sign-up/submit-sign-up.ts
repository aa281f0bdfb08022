import type { Round, SignUpJob } from '#core/model';
import type { SigningKeys } from '#core/relay-address';
import { checkSignUp, type FieldErrors, type SignUpSubmission } from '#core/sign-up/form';
import { addressAllowance, clientAllowance, pendingUntil } from '#core/sign-up/policy';
import type { Clock } from '#ports/clock';
import type { JobQueue } from '#ports/queue';
import type { RateLimits } from '#ports/rate-limits';
import type { SignUpStore } from '#ports/sign-ups';
import type { RoundStore } from '#ports/store';
import { roundForSignUp } from './round-for-sign-up.ts';

export interface SubmitSignUpDeps {
  rounds: Pick<RoundStore, 'getRound'>;
  signUps: Pick<SignUpStore, 'savePending'>;
  limits: RateLimits;
  /** The send queue: the confirmation mail goes out like every other mail, through the ledger. */
  queue: JobQueue;
  /** Key the rate limits' subjects, so no address or IP is stored. */
  keys: SigningKeys;
  clock: Clock;
  /** A new pending sign-up's id (`s` + 12 base32). */
  newSignUpId: () => string;
}

/** What happened to a submission; `delivery` is for logs and counts only, never for the person. */
export type SubmitOutcome =
  | { outcome: 'unknown-round' }
  | { outcome: 'closed'; round: Round }
  | { outcome: 'invalid'; round: Round; errors: FieldErrors }
  | { outcome: 'too-many'; round: Round }
  | {
      outcome: 'accepted';
      round: Round;
      /**
       * queued: a confirmation mail is on its way; limited: the address had its mails for the day (the
       * pending sign-up is updated all the same); trapped: the honeypot was filled in, nothing stored.
       */
      delivery: 'queued' | 'limited' | 'trapped';
      /** The pending sign-up, for the logs (none when trapped). */
      signUpId?: string;
    };

/**
 * Takes a submission of a round's sign-up form (double opt-in: nobody is registered until the mail's
 * link is confirmed). A round that does not take sign-ups takes nothing. The form is checked with the
 * registrations file's schema, and must agree to the privacy notice. A client that sent too many
 * sign-ups this hour is refused. Otherwise the sign-up is stored as pending (a second one of the same
 * address updates it) and, within the address's daily allowance, its confirmation mail is queued.
 * Whether the address is known, new or over its allowance, the answer is the same: `accepted`.
 * @param client the sender's IP address, hashed before it is counted.
 */
export const submitSignUp = async (
  deps: SubmitSignUpDeps,
  request: { roundId: string; form: SignUpSubmission; client: string },
): Promise<SubmitOutcome> => {
  const found = await roundForSignUp(deps.rounds, request.roundId);
  if (found.state === 'unknown') return { outcome: 'unknown-round' };
  const { round } = found;
  if (found.state === 'closed') return { outcome: 'closed', round };
  // Whatever fills in the honeypot is told what a person would be, and nothing is kept.
  if (request.form.honeypot) return { outcome: 'accepted', round, delivery: 'trapped' };

  const checked = checkSignUp(request.form);
  if (!checked.ok) return { outcome: 'invalid', round, errors: checked.errors };

  const now = deps.clock.now();
  const take = (allowance: ReturnType<typeof clientAllowance>) =>
    deps.limits.take(allowance.subject, allowance.window, allowance.limit, allowance.expiresAt);
  if (!(await take(clientAllowance(request.client, deps.keys, now)))) return { outcome: 'too-many', round };

  const { profile } = checked;
  const pending = await deps.signUps.savePending(
    { roundId: round.id, profile, now, expiresAt: pendingUntil(now) },
    deps.newSignUpId,
  );
  if (!(await take(addressAllowance(profile.email, deps.keys, now)))) {
    return { outcome: 'accepted', round, delivery: 'limited', signUpId: pending.id };
  }
  const job: SignUpJob = {
    v: 1,
    kind: 'sign-up',
    roundId: round.id,
    signUpId: pending.id,
    ref: now.toISOString(),
  };
  await deps.queue.enqueue([job]);
  return { outcome: 'accepted', round, delivery: 'queued', signUpId: pending.id };
};
