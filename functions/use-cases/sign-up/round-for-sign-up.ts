import type { Round } from '#core/model';
import { takesSignUps } from '#core/sign-up/policy';
import type { RoundStore } from '#ports/store';

/** A round as its sign-up page sees it: taking sign-ups, closed to them, or not there at all. */
export type RoundForSignUp =
  | { state: 'open'; round: Round }
  | { state: 'closed'; round: Round }
  | { state: 'unknown' };

/** Whether the round named by a sign-up page's address exists and takes sign-ups now. */
export const roundForSignUp = async (
  rounds: Pick<RoundStore, 'getRound'>,
  roundId: string,
): Promise<RoundForSignUp> => {
  const round = await rounds.getRound(roundId);
  if (!round) return { state: 'unknown' };
  return { state: takesSignUps(round) ? 'open' : 'closed', round };
};
