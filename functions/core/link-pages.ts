import { LinkAction } from './link-token.ts';
import { type CheckinAnswer, CheckinNumber } from './model.ts';
import { escapeHtml } from './render.ts';
import { PAUSE_DEFAULT_DAYS } from './schedule.ts';
import { page, pageHeaders } from './web-page.ts';

/**
 * What a participant's action (a link, or a command by mail) did: 'unchanged' when it had already
 * been done (a repeated click), 'refused' when their place in the round does not allow it.
 */
export type LinkOutcome = 'changed' | 'unchanged' | 'refused';

/** A check-in answer carried by a link action `checkin<N>-<answer>`. */
export interface CheckinLink {
  checkin: number;
  answer: CheckinAnswer;
}

const CHECKIN_ACTION = /^checkin(\d+)-(yes|not-yet|not-managed)$/;

/** The check-in and answer of a `checkin<N>-<answer>` action; undefined for any other action. */
export const checkinOf = (action: LinkAction): CheckinLink | undefined => {
  const match = CHECKIN_ACTION.exec(action);
  return match ? { checkin: Number(match[1]), answer: match[2] as CheckinAnswer } : undefined;
};

/**
 * The link action that answers check-in `checkin` with `answer` (for the composers that put the
 * answer links in a check-in or closing mail).
 * @throws {RangeError} for a check-in number links cannot carry.
 */
export const checkinAction = (checkin: number, answer: CheckinAnswer): LinkAction => {
  const action = LinkAction.safeParse(`checkin${checkin}-${answer}`);
  if (!CheckinNumber.safeParse(checkin).success || !action.success) {
    throw new RangeError(`no link action answers check-in ${checkin} with ${answer}`);
  }
  return action.data;
};

/** How an answer reads back to the participant, in the pages and in the acknowledgement by mail. */
export const checkinAnswerWords: Record<CheckinAnswer, string> = {
  yes: 'yes, you have been in touch with your partner',
  'not-yet': 'not yet, you have not been in touch with your partner yet',
  'not-managed': 'you have not managed to get in touch with your partner',
};

/** The question every check-in asks. */
export const CHECKIN_QUESTION = 'Have you been in touch with your partner in the last two weeks?';

/** The headers of the link pages: they load no script, so none is allowed at all. */
export const LINK_PAGE_HEADERS = pageHeaders({ script: false });

// The shared page shell, with no script: nothing is fetched from anywhere, and the pages work on any
// phone. noindex (and, by the headers, no referrer) because the URL holds a credential.
const linkPage = (title: string, body: string): string =>
  page({ title, noIndex: true }, `<h1>${escapeHtml(title)}</h1>\n${body}`);

const paragraph = (text: string): string => `<p>${escapeHtml(text)}</p>`;

/** Everything a page says about one action; `{round}` stands for the round. */
interface Wording {
  ask: string;
  explain: string[];
  button: string;
  doneTitle: string;
  done: string[];
  /** Why nothing changed, when the member's place in the round did not allow the action. */
  refused: string[];
}

const REFUSED_DEFAULT = [
  'This link cannot change your place in the round “{round}” as it stands now.',
  'You may have unsubscribed already. Reply to any round mail if you need help.',
];

const statusWording: Record<'unsubscribe' | 'pause' | 'resume' | 'quiet', Wording> = {
  unsubscribe: {
    ask: 'Unsubscribe from this round?',
    explain: ['You will get no more mail from the round “{round}”.'],
    button: 'Unsubscribe',
    doneTitle: 'Done',
    done: ['You are unsubscribed from the round “{round}”. You will get no more mail from it.'],
    refused: REFUSED_DEFAULT,
  },
  pause: {
    ask: 'Pause your mail?',
    explain: [`Mail from the round “{round}” stops for ${PAUSE_DEFAULT_DAYS} days, or until you resume it.`],
    button: 'Pause my mail',
    doneTitle: 'Done',
    done: [
      `Your mail from the round “{round}” is paused for ${PAUSE_DEFAULT_DAYS} days. Use the resume link in any round mail to start it again sooner.`,
    ],
    refused: REFUSED_DEFAULT,
  },
  resume: {
    ask: 'Resume your mail?',
    explain: ['Mail from the round “{round}” starts again.'],
    button: 'Resume my mail',
    doneTitle: 'Done',
    done: ['Your mail from the round “{round}” is on again.'],
    refused: REFUSED_DEFAULT,
  },
  quiet: {
    ask: 'Has your partner gone quiet?',
    explain: [
      'Tell us if your partner in the round “{round}” has stopped answering.',
      'We will follow up, and find you a new partner if they do not come back.',
    ],
    button: 'My partner has gone quiet',
    doneTitle: 'Thanks for telling us',
    done: [
      'We have noted that your partner in the round “{round}” has gone quiet, and we will follow up.',
      'You will hear from us by email.',
    ],
    refused: [
      'You have no partner in the round “{round}” to tell us about right now, so nothing changed.',
      'Reply to any round mail if you need help.',
    ],
  },
};

const checkinWording = ({ answer }: CheckinLink): Wording => ({
  ask: 'Your check-in answer',
  explain: [`${CHECKIN_QUESTION} (round “{round}”)`, `Your answer: ${checkinAnswerWords[answer]}.`],
  button: 'Send my answer',
  doneTitle: 'Thanks',
  done: [
    `Thanks — we noted: ${checkinAnswerWords[answer]}.`,
    'Changed your mind? Use another answer in the same mail: the latest one counts.',
  ],
  refused: ['This check-in for the round “{round}” is closed, so nothing was noted.'],
});

const wordingOf = (action: LinkAction): Wording => {
  const checkin = checkinOf(action);
  return checkin ? checkinWording(checkin) : statusWording[action as keyof typeof statusWording];
};

const paragraphs = (texts: readonly string[], round: string): string =>
  texts.map((text) => paragraph(text.replace('{round}', () => round))).join('\n');

/**
 * The page a GET of a link shows: it explains the action and asks for a click that POSTs it. A GET
 * never acts, because mail scanners and link previews fetch every URL in a message.
 */
export const confirmationPage = (input: {
  action: LinkAction;
  round: string;
  formAction: string;
}): string => {
  const text = wordingOf(input.action);
  return linkPage(
    text.ask,
    paragraphs(text.explain, input.round) +
      `\n<form method="post" action="${escapeHtml(input.formAction)}">` +
      `<button type="submit">${escapeHtml(text.button)}</button></form>`,
  );
};

/** The page after a POST; a repeated click reads the same as the first. */
export const donePage = (input: { action: LinkAction; round: string; outcome: LinkOutcome }): string => {
  const text = wordingOf(input.action);
  if (input.outcome === 'refused') return linkPage('Nothing changed', paragraphs(text.refused, input.round));
  return linkPage(text.doneTitle, paragraphs(text.done, input.round));
};

/**
 * The one page for every link that cannot be used — malformed, forged, signed with a retired key or
 * expired. It says the same whatever the reason, so the page is no oracle for someone probing tokens.
 */
export const invalidLinkPage = (): string =>
  linkPage(
    'This link does not work',
    paragraph('The link may be incomplete or too old. Nothing was changed.') +
      paragraph('Use the link in your most recent Tandem mail, or reply to that mail to ask for help.'),
  );
