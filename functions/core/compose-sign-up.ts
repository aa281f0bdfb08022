import { signUpMail } from '#templates/compiled/index';
import type { ComposeSettings } from './compose-mail.ts';
import { signSignUpToken } from './link-token.ts';
import type { Round } from './model.ts';
import type { OutboundMail } from './outbound-mail.ts';
import { renderHtml, renderSubject, renderText } from './render.ts';

/** The pending sign-up a confirmation mail is for: whom it goes to, and until when its link works. */
export interface SignUpToConfirm {
  id: string;
  profile: { email: string; name: string };
  /** ISO instant: the link works until the sign-up stops waiting. */
  expiresAt: string;
}

const readable = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
  timeZoneName: 'short',
});
const readableDay = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/**
 * The link that confirms a sign-up: the sign-up page's confirmation address with a signed token naming
 * the round and the pending sign-up, valid as long as the sign-up waits.
 */
export const confirmationLink = (
  round: Pick<Round, 'id'>,
  signUp: Pick<SignUpToConfirm, 'id' | 'expiresAt'>,
  settings: Pick<ComposeSettings, 'keys' | 'linksBaseUrl'>,
): string => {
  const token = signSignUpToken(
    { roundId: round.id, signUpId: signUp.id, expiresAt: Math.floor(Date.parse(signUp.expiresAt) / 1000) },
    settings.keys,
  );
  return `${settings.linksBaseUrl.replace(/\/+$/, '')}/join/confirm?token=${token}`;
};

/**
 * The double opt-in mail of a sign-up: from the programme's address, to the address that was signed up,
 * with the link that confirms it. Not list mail (the person is on no list yet), so no List-Unsubscribe;
 * written by a program, so Auto-Submitted. Replies go to the round's coordinator, if it names one. Tags
 * `kind` and `round` only: there is no participant yet.
 */
export const composeSignUpMail = (input: {
  round: Pick<Round, 'id' | 'name' | 'startDate' | 'coordinatorEmail'>;
  signUp: SignUpToConfirm;
  settings: ComposeSettings;
}): OutboundMail => {
  const { round, signUp, settings } = input;
  const values = {
    recipientName: signUp.profile.name,
    roundName: round.name,
    startDate: readableDay.format(new Date(`${round.startDate}T00:00:00Z`)),
    expiryDate: readable.format(new Date(signUp.expiresAt)),
    confirmUrl: confirmationLink(round, signUp, settings),
  };
  return {
    from: `Tandem <${settings.from}>`,
    to: [signUp.profile.email],
    replyTo: round.coordinatorEmail ? [round.coordinatorEmail] : [],
    subject: renderSubject(signUpMail.subject, values),
    html: renderHtml(signUpMail.html, values),
    text: renderText(signUpMail.text, values),
    headers: [{ name: 'Auto-Submitted', value: 'auto-generated' }],
    tags: { kind: 'sign-up', round: round.id },
  };
};
