import { consoleSignInMail } from '#templates/compiled/index';
import type { ComposeSettings } from './compose-mail.ts';
import { SESSION_HOURS, SIGN_IN_LINK_MINUTES } from './console/sign-in.ts';
import type { OutboundMail } from './outbound-mail.ts';
import { renderHtml, renderSubject, renderText } from './render.ts';

/** Where a sign-in link's page is: the console's `/console/sign-in/<token>`, on the links origin. */
export const consoleSignInUrl = (token: string, settings: Pick<ComposeSettings, 'linksBaseUrl'>): string =>
  `${settings.linksBaseUrl.replace(/\/+$/, '')}/console/sign-in/${token}`;

const clockTime = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
  timeZoneName: 'short',
});

/**
 * A coordinator's sign-in link to the console: from the programme's address, to the address that asked,
 * with the link (`token` made by the sender from the send job: see core/console/sign-in.ts). Not list
 * mail, written by a program (Auto-Submitted), no Reply-To: nobody reads answers to it. Tagged with its
 * kind only: it belongs to no round and names no participant.
 */
export const composeConsoleSignInMail = (input: {
  to: string;
  token: string;
  expiresAt: Date;
  settings: ComposeSettings;
}): OutboundMail => {
  const values = {
    signInUrl: consoleSignInUrl(input.token, input.settings),
    minutes: SIGN_IN_LINK_MINUTES,
    expiryTime: clockTime.format(input.expiresAt),
    sessionHours: SESSION_HOURS,
  };
  return {
    from: `Tandem <${input.settings.from}>`,
    to: [input.to],
    replyTo: [],
    subject: renderSubject(consoleSignInMail.subject, values),
    html: renderHtml(consoleSignInMail.html, values),
    text: renderText(consoleSignInMail.text, values),
    headers: [{ name: 'Auto-Submitted', value: 'auto-generated' }],
    tags: { kind: 'console-sign-in' },
  };
};
