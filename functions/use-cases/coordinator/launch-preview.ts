import { type ComposeSettings, composeMail, currentPartners } from '#core/compose-mail';
import { type LaunchPlan, launchPlan } from '#core/coordinator/launch-plan';
import type { SendJob } from '#core/model';
import type { OutboundMail } from '#core/outbound-mail';
import type { LifecycleStore, ParticipantStore } from '#ports/store';
import { LAUNCH_COVER_MS } from '../launch-round.ts';
import { RoundNotFound, RoundStatusRefused } from './errors.ts';

/**
 * What a coordinator sees before launching (the console's launch page): what the launch will do, and
 * the introduction one member will get, composed as the sender composes it. Both change nothing.
 */

/** Why a round cannot be launched: the words `requestLaunch` refuses with. */
const NOT_MATCHED = 'only a matched round can be launched';

/**
 * What launching the round now would do (see launchPlan).
 * @throws {RoundNotFound}
 * @throws {RoundStatusRefused} unless the round is matched.
 */
export const planLaunch = async (
  deps: { lifecycle: Pick<LifecycleStore, 'loadRoundState'> },
  roundId: string,
  now: Date,
): Promise<LaunchPlan> => {
  const state = await deps.lifecycle.loadRoundState(roundId);
  if (!state) throw new RoundNotFound(roundId);
  if (state.round.status !== 'matched')
    throw new RoundStatusRefused(roundId, state.round.status, NOT_MATCHED);
  return launchPlan(state, new Date(now.getTime() + LAUNCH_COVER_MS));
};

/** The member gets no introduction: `why` says what keeps it from them. */
export class NoIntroduction extends Error {
  override name = 'NoIntroduction';

  constructor(
    readonly participantId: string,
    readonly why: 'not-a-member' | 'no-partner' | 'not-active',
  ) {
    super(
      why === 'not-a-member'
        ? `${participantId} is not registered for this round`
        : why === 'no-partner'
          ? `${participantId} has no partner, so gets no introduction`
          : `${participantId} is not active (paused, unsubscribed or their address stopped working), so gets no introduction`,
    );
  }
}

/**
 * The introduction the launch will send the member, exactly as the sender composes it: the job the
 * launch queues (kind `intro`, topic 0, their partners), the send context the sender reads, and
 * `composeMail` with the stage's sending settings — so the same subject, parts, relay address and signed
 * links (which are deterministic: a function of the ids, the round's end and the key).
 * @throws {RoundStatusRefused} unless the round is matched.
 * @throws {NoIntroduction} when the member would get none.
 */
export const previewIntroduction = async (
  deps: { participants: Pick<ParticipantStore, 'getMember' | 'getSendContext'> },
  request: { roundId: string; participantId: string },
  settings: ComposeSettings,
): Promise<OutboundMail> => {
  const { roundId, participantId } = request;
  const member = await deps.participants.getMember(roundId, participantId);
  if (!member) throw new NoIntroduction(participantId, 'not-a-member');
  if (!member.partnershipId) throw new NoIntroduction(participantId, 'no-partner');
  const context = await deps.participants.getSendContext(roundId, participantId, member.partnerIds);
  if (!context) throw new NoIntroduction(participantId, 'not-a-member');
  if (context.round.status !== 'matched')
    throw new RoundStatusRefused(roundId, context.round.status, NOT_MATCHED);
  if (context.member.status !== 'active') throw new NoIntroduction(participantId, 'not-active');
  if (currentPartners(context.partners).length === 0) throw new NoIntroduction(participantId, 'no-partner');
  const job: SendJob = {
    v: 1,
    roundId,
    participantId,
    kind: 'intro',
    topic: 0,
    partnerIds: context.member.partnerIds,
  };
  return composeMail(context, job, settings);
};
