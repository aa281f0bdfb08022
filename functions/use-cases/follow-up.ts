import pMap from 'p-map';
import type { Alert, Member, Partnership, SendJob } from '#core/model';
import type { Clock } from '#ports/clock';
import type { JobQueue } from '#ports/queue';
import type { LifecycleStore, RoundState } from '#ports/store';
import { WRITE_CONCURRENCY } from './write-concurrency.ts';

export interface FollowUpDeps {
  lifecycle: LifecycleStore;
  queue: JobQueue;
  clock: Clock;
}

/** What one follow-up pass did, for logs and the simulation's report. */
export interface FollowUpResult {
  partnersTold: number;
  alertsRaised: number;
  partnershipsEnded: number;
  introductions: number;
}

const isGone = (member: Member) => member.status === 'unsubscribed' || member.status === 'suppressed';
const isReachable = (member: Member) => member.status === 'active' || member.status === 'paused';

const mailAbout = (
  roundId: string,
  kind: SendJob['kind'],
  recipient: Member,
  ref: string,
  subjectId?: string,
): SendJob => ({
  v: 1,
  roundId,
  participantId: recipient.id,
  kind,
  topic: 0,
  ref,
  partnerIds: recipient.partnerIds.slice(0, 2),
  ...(subjectId ? { subjectId } : {}),
});

const departureAlert = (roundId: string, member: Member, at: string, partnershipId?: string): Alert => ({
  roundId,
  kind: member.status === 'unsubscribed' ? 'unsubscribe' : (member.suppressedReason ?? 'bounce'),
  ref: member.id,
  raisedAt: at,
  participantIds: [member.id],
  ...(partnershipId ? { partnershipId } : {}),
});

/**
 * Everything a change in a round calls for, derived from the stored state and done once: partners of
 * someone who left are told (and a partnership left with one member ends, so the daily run can re-pair
 * them), partners of someone who paused are told, an at-risk partnership's coordinator is alerted and
 * its active members are told a new partner is coming, owed introductions are queued. Each step is
 * recorded on the partnership after its mails are queued, so a retry repeats at most the queueing,
 * which the send ledger absorbs.
 */
export const followUpRound = async (deps: FollowUpDeps, state: RoundState): Promise<FollowUpResult> => {
  const result: FollowUpResult = { partnersTold: 0, alertsRaised: 0, partnershipsEnded: 0, introductions: 0 };
  const at = deps.clock.now().toISOString();
  const { round } = state;
  const members = new Map(state.members.map((m) => [m.id, m]));
  const membersOf = (p: Partnership) => p.members.flatMap((id) => members.get(id) ?? []);

  // Alerts already stored are not written again: every follow-up sees every departure.
  const raised = new Set(state.alerts.map((a) => `${a.kind}#${a.ref}`));
  const raise = async (alert: Alert) => {
    if (raised.has(`${alert.kind}#${alert.ref}`)) return;
    if (await deps.lifecycle.raiseAlert(alert)) result.alertsRaised++;
  };
  // A follow-up with nobody to tell needs no record: there is nothing to repeat.
  const notice = async (p: Partnership, key: string, jobs: SendJob[]) => {
    if (p.notices[key] || jobs.length === 0) return false;
    await deps.queue.enqueue(jobs);
    await deps.lifecycle.markNotice(round.id, p.id, key, at);
    return true;
  };

  for (const member of state.members.filter(isGone)) {
    if (member.partnershipId || member.previousPartnerIds.length > 0)
      await raise(departureAlert(round.id, member, at, member.partnershipId));
  }

  // Partnerships are independent: several are followed up at once.
  const followUp = async (partnership: Partnership) => {
    const group = membersOf(partnership);
    const stayed = group.filter(isReachable);
    for (const gone of group.filter(isGone)) {
      const told = stayed.map((m) => mailAbout(round.id, 'partner-left', m, gone.id, gone.id));
      if (await notice(partnership, `left:${gone.id}`, told)) result.partnersTold += told.length;
    }
    if (stayed.length < 2 && stayed.length < group.length) {
      const ids = stayed.map((m) => m.id);
      if (await deps.lifecycle.endPartnership(round.id, partnership.id, 'partner-left', at, ids))
        result.partnershipsEnded++;
      return;
    }

    for (const paused of group.filter((m) => m.status === 'paused' && m.statusChangedAt)) {
      const others = stayed.filter((m) => m.id !== paused.id && m.status === 'active');
      const ref = `${paused.id}.${paused.statusChangedAt}`;
      const told = others.map((m) => mailAbout(round.id, 'partner-paused', m, ref, paused.id));
      if (await notice(partnership, `paused:${ref}`, told)) result.partnersTold += told.length;
    }

    if (partnership.status === 'at-risk' && !partnership.notices['at-risk']) {
      await raise({
        roundId: round.id,
        kind: 'at-risk',
        ref: partnership.id,
        raisedAt: at,
        participantIds: partnership.quietIds,
        partnershipId: partnership.id,
      });
      const active = group.filter((m) => m.status === 'active' && !partnership.quietIds.includes(m.id));
      const told = active.map((m) =>
        mailAbout(round.id, 'partner-quiet', m, partnership.id, partnership.quietIds[0]),
      );
      if (await notice(partnership, 'at-risk', told)) result.partnersTold += told.length;
    }

    const { introRef } = partnership;
    if (partnership.status === 'active' && introRef && !partnership.notices[`intro:${introRef}`]) {
      const intros = stayed.map((m) => mailAbout(round.id, 'intro', m, introRef));
      await deps.queue.enqueue(intros);
      await deps.lifecycle.markIntroduced(round.id, partnership.id, introRef, at);
      result.introductions += intros.length;
    }
  };
  await pMap(
    state.partnerships.filter((p) => p.status !== 'ended'),
    followUp,
    { concurrency: WRITE_CONCURRENCY },
  );
  return result;
};
