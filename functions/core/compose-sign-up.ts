import { signUpMail } from '#templates/compiled/index';
import type { ComposeSettings } from './compose-mail.ts';
import { programmeValues, senderNameOf, type Translator, translatorFor } from './i18n.ts';
import type { MailLanguage } from './languages.ts';
import { signSignUpToken } from './link-token.ts';
import { senderAddress } from './mail-address.ts';
import type { Round } from './model.ts';
import type { OutboundMail } from './outbound-mail.ts';
import { renderHtml, renderSubject, renderText } from './render.ts';

/** The pending sign-up a confirmation mail is for: whom it goes to, and until when its link works. */
export interface SignUpToConfirm {
  id: string;
  /** `mailLanguage`: the language chosen on the form, which the mail is written in (absent: English). */
  profile: { email: string; name: string; mailLanguage?: MailLanguage | undefined };
  /** ISO instant: the link works until the sign-up stops waiting. */
  expiresAt: string;
}

// One per language: constructing a format costs far more than using one.
const expiryFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * When the link stops working, to the minute and in UTC (named, so nobody misreads it), as the
 * reader's language writes it: "8 March 2027 at 09:00 UTC", "8 de marzo de 2027 a las 09:00 UTC".
 */
const expiryOf = (instant: string, t: Translator): string => {
  let format = expiryFormats.get(t.lang);
  if (!format) {
    // English as the rest of our mail writes it (day before month), as Translator.date does.
    format = new Intl.DateTimeFormat(t.lang === 'en' ? 'en-GB' : t.lang, {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZone: 'UTC',
      timeZoneName: 'short',
    });
    expiryFormats.set(t.lang, format);
  }
  return format.format(new Date(instant));
};

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
 * `kind` and `round` only: there is no participant yet. Written in the language chosen on the form.
 */
export const composeSignUpMail = (input: {
  round: Pick<Round, 'id' | 'name' | 'startDate' | 'coordinatorEmail' | 'programme'>;
  signUp: SignUpToConfirm;
  settings: ComposeSettings;
}): OutboundMail => {
  const { round, signUp, settings } = input;
  const t = translatorFor(signUp.profile.mailLanguage, round.programme);
  const values = {
    ...programmeValues(t),
    recipientName: signUp.profile.name,
    roundName: round.name,
    startDate: t.date(`${round.startDate}T00:00:00Z`, 'UTC', 'long'),
    expiryDate: expiryOf(signUp.expiresAt, t),
    confirmUrl: confirmationLink(round, signUp, settings),
  };
  return {
    from: senderAddress(senderNameOf(t), settings.from),
    to: [signUp.profile.email],
    replyTo: round.coordinatorEmail ? [round.coordinatorEmail] : [],
    subject: renderSubject(signUpMail.subject, values, t),
    html: renderHtml(signUpMail.html, values, t),
    text: renderText(signUpMail.text, values, t),
    headers: [{ name: 'Auto-Submitted', value: 'auto-generated' }],
    tags: { kind: 'sign-up', round: round.id },
  };
};
