import type { ParsedMail } from './parse-mail.ts';

// Challenge-response spam filters answer a mail with "prove you are human" instead of
// delivering it. The challenge is addressed to the sender (our relay), is written by a
// machine, and must never reach a partner: relaying it would expose the partner's address to
// the filter and invite them to click a verification link meant for us. Most send none of the
// RFC 3834 headers, so they are known by their sender domain, a header of their own, or the
// subject they write.

/** Services whose challenges come from their own domain. */
const SYSTEM_DOMAINS: Readonly<Record<string, string>> = {
  'boxbe.com': 'boxbe',
  'spamarrest.com': 'spam arrest',
  'mailblocks.com': 'mailblocks',
  'bluebottle.com': 'bluebottle',
  'sendio.com': 'sendio',
  'digiportal.com': 'choicemail',
  'qurb.com': 'qurb',
};

/** Headers challenge systems put on their challenges. */
const SYSTEM_HEADERS: readonly { name: string; value?: RegExp; system: string }[] = [
  { name: 'x-delivery-agent', value: /\btmda\b/i, system: 'tmda' },
  { name: 'x-tmda-confirm-done', system: 'tmda' },
  { name: 'x-askversion', system: 'ask' },
  { name: 'x-boxbe-status', system: 'boxbe' },
  { name: 'x-spamarrest-noauth', system: 'spam arrest' },
  { name: 'x-choicemail-registration-request', system: 'choicemail' },
];

/** Subjects of challenges from systems that send from the user's own address (UOL, EarthLink, TMDA). */
const CHALLENGE_SUBJECT =
  /\b(?:sender verification|verify your (?:e-?mail|address|message)|please (?:confirm|verify) (?:your|that you sent the) (?:message|e-?mail)|confirm (?:your|the) message|message (?:is )?pending (?:your )?(?:verification|approval)|spam ?blocker|anti-?spam (?:uol|verification|confirmation)|uol anti-?spam|challenge[- ]response|registration request)\b/i;

const domainOf = (address: string): string => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

/**
 * The challenge-response system that wrote a mail, or undefined: known by its sender domain
 * (Boxbe, Spam Arrest, Mailblocks, …), its own header (TMDA, ASK, ChoiceMail) or a
 * verification subject ("Please verify your email", "UOL AntiSpam", "Sender verification").
 */
export const challengeResponseSystem = (mail: ParsedMail): string | undefined => {
  const domain = mail.from ? domainOf(mail.from.address) : '';
  const byDomain = Object.entries(SYSTEM_DOMAINS).find(
    ([known]) => domain === known || domain.endsWith(`.${known}`),
  );
  if (byDomain) return byDomain[1];
  for (const { name, value, system } of SYSTEM_HEADERS) {
    const values = mail.headers.get(name);
    if (values && (!value || values.some((candidate) => value.test(candidate)))) return system;
  }
  return CHALLENGE_SUBJECT.test(mail.subject) ? 'verification request' : undefined;
};
