import { nextRoundOpenMail } from '#templates/compiled/index';
import type { ComposeSettings } from './compose-mail.ts';
import { programmeValues, senderNameOf, translatorFor } from './i18n.ts';
import { signReEnrolToken } from './link-token.ts';
import { senderAddress } from './mail-address.ts';
import type { Participant, Round } from './model.ts';
import type { OutboundMail } from './outbound-mail.ts';
import { renderHtml, renderSubject, renderText } from './render.ts';
import { AGAIN_PATH } from './sign-up/paths.ts';

/**
 * The re-enrolment link of a participant: the web function's `/join/again` with a signed token naming
 * them and when it was issued (it works for a year from then). It names no round: opened, it signs the
 * person up for the round open for registration then, or puts them on the waiting list for the next.
 */
export const reEnrolLink = (
  participantId: string,
  issuedAt: Date,
  settings: Pick<ComposeSettings, 'keys' | 'linksBaseUrl'>,
): string => {
  const token = signReEnrolToken(
    { participantId, issuedAt: Math.floor(issuedAt.getTime() / 1000) },
    settings.keys,
  );
  return `${settings.linksBaseUrl.replace(/\/+$/, '')}${AGAIN_PATH}?token=${token}`;
};

/**
 * The one mail to someone on the waiting list that `round` takes sign-ups, with their re-enrolment
 * link (issued `now`). They asked for it, once: not list mail, so no List-Unsubscribe; written by a
 * program, so Auto-Submitted. They are no member of the round yet, so there is no relay address:
 * replies go to the round's coordinator, if it names one. Tags `kind`, `round` and `participant`.
 * Written in the person's mail language.
 */
export const composeNextRoundMail = (input: {
  round: Pick<Round, 'id' | 'name' | 'startDate' | 'weeks' | 'coordinatorEmail' | 'programme'>;
  participant: Pick<Participant, 'id' | 'email' | 'name' | 'mailLanguage'>;
  now: Date;
  settings: ComposeSettings;
}): OutboundMail => {
  const { round, participant, settings } = input;
  const t = translatorFor(participant.mailLanguage, round.programme);
  const values = {
    ...programmeValues(t),
    recipientName: participant.name,
    roundName: round.name,
    startDate: t.date(`${round.startDate}T00:00:00Z`, 'UTC', 'long'),
    weeks: round.weeks,
    joinAgainUrl: reEnrolLink(participant.id, input.now, settings),
  };
  return {
    from: senderAddress(senderNameOf(t), settings.from),
    to: [participant.email],
    replyTo: round.coordinatorEmail ? [round.coordinatorEmail] : [],
    subject: renderSubject(nextRoundOpenMail.subject, values, t),
    html: renderHtml(nextRoundOpenMail.html, values, t),
    text: renderText(nextRoundOpenMail.text, values, t),
    headers: [{ name: 'Auto-Submitted', value: 'auto-generated' }],
    tags: { kind: 'next-round-open', round: round.id, participant: participant.id },
  };
};
