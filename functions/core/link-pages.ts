import { type MessageValues, type Translator, translatorFor } from './i18n.ts';
import { type MailLanguage, mailLanguageOf } from './languages.ts';
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

/** The value a message's `{answer, select, yes {…} notYet {…} other {…}}` takes for each answer. */
const ANSWER_CHOICE: Record<CheckinAnswer, string> = {
  yes: 'yes',
  'not-yet': 'notYet',
  'not-managed': 'notManaged',
};

/**
 * The choice among `yes`, `notYet` and `other` (not managed) that a message's
 * `{answer, select, …}` makes for an answer: for sentences that say the answer back.
 */
export const checkinAnswerChoice = (answer: CheckinAnswer): string => ANSWER_CHOICE[answer];

/** How an answer reads back to the participant ("yes, you have been in touch with your partner"). */
export const checkinAnswerText = (t: Translator, answer: CheckinAnswer): string =>
  t.text('link-pages.checkinAnswer', { answer: checkinAnswerChoice(answer) });

/** The question every check-in asks. */
export const checkinQuestionText = (t: Translator): string => t.text('link-pages.checkinQuestion');

/**
 * The English of checkinAnswerText, for the acknowledgement by mail until it is translated.
 * @deprecated Use checkinAnswerText(translatorFor(member.mailLanguage), answer).
 */
export const checkinAnswerWords: Readonly<Record<CheckinAnswer, string>> = {
  yes: checkinAnswerText(translatorFor('en'), 'yes'),
  'not-yet': checkinAnswerText(translatorFor('en'), 'not-yet'),
  'not-managed': checkinAnswerText(translatorFor('en'), 'not-managed'),
};

/**
 * The English of checkinQuestionText.
 * @deprecated Use checkinQuestionText(translatorFor(member.mailLanguage)).
 */
export const CHECKIN_QUESTION = checkinQuestionText(translatorFor('en'));

/**
 * The first of our languages an Accept-Language header asks for, most preferred first (a `q=0` range
 * is refused, not asked for); undefined when it names none of them. For the pages of links no member
 * can be found for.
 */
export const acceptedMailLanguage = (header: string | undefined): MailLanguage | undefined => {
  if (!header) return undefined;
  const ranges = header
    .slice(0, 1000)
    .split(',')
    .map((range, index) => {
      const [tag = '', ...parameters] = range.split(';');
      const q = parameters.map((p) => /^\s*q\s*=\s*([\d.]+)\s*$/i.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((range) => range.tag && range.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranges) {
    const lang = mailLanguageOf(tag);
    if (lang) return lang;
  }
  return undefined;
};

/** The headers of the link pages: they load no script, so none is allowed at all. */
export const LINK_PAGE_HEADERS = pageHeaders({ script: false });

// The shared page shell, with no script: nothing is fetched from anywhere, and the pages work on any
// phone. noindex (and, by the headers, no referrer) because the URL holds a credential.
const linkPage = (t: Translator, title: string, body: string): string =>
  page(
    { title, lang: t.lang, noIndex: true, programme: t.text('programme.name') },
    `<h1>${escapeHtml(title)}</h1>\n${body}`,
  );

/** Everything a page says about one action: keys of messages, each given the round and the pause's days. */
interface Wording {
  ask: string;
  explain: readonly string[];
  button: string;
  doneTitle: string;
  done: readonly string[];
  /** Why nothing changed, when the member's place in the round did not allow the action. */
  refused: readonly string[];
}

const REFUSED_DEFAULT = ['link-pages.refused', 'link-pages.refusedHelp'];

const statusWording: Record<'unsubscribe' | 'pause' | 'resume' | 'quiet', Wording> = {
  unsubscribe: {
    ask: 'link-pages.unsubscribeAsk',
    explain: ['link-pages.unsubscribeExplain'],
    button: 'link-pages.unsubscribeButton',
    doneTitle: 'link-pages.done',
    done: ['link-pages.unsubscribeDone'],
    refused: REFUSED_DEFAULT,
  },
  pause: {
    ask: 'link-pages.pauseAsk',
    explain: ['link-pages.pauseExplain'],
    button: 'common.pauseLink',
    doneTitle: 'link-pages.done',
    done: ['link-pages.pauseDone'],
    refused: REFUSED_DEFAULT,
  },
  resume: {
    ask: 'link-pages.resumeAsk',
    explain: ['link-pages.resumeExplain'],
    button: 'link-pages.resumeButton',
    doneTitle: 'link-pages.done',
    done: ['link-pages.resumeDone'],
    refused: REFUSED_DEFAULT,
  },
  quiet: {
    ask: 'link-pages.quietAsk',
    explain: ['link-pages.quietExplain', 'link-pages.quietFollowUp'],
    button: 'common.quietLink',
    doneTitle: 'link-pages.quietDoneTitle',
    done: ['link-pages.quietDone', 'link-pages.quietByEmail'],
    refused: ['link-pages.quietRefused', 'link-pages.quietRefusedHelp'],
  },
};

const checkinWording: Wording = {
  ask: 'link-pages.checkinAsk',
  explain: ['link-pages.checkinQuestionOfRound', 'link-pages.checkinYourAnswer'],
  button: 'link-pages.checkinButton',
  doneTitle: 'link-pages.checkinDoneTitle',
  done: ['link-pages.checkinDone', 'link-pages.checkinChangeMind'],
  refused: ['link-pages.checkinRefused'],
};

/** The wording of an action's pages, and the values its messages take. */
const wordingOf = (action: LinkAction, round: string): { text: Wording; values: MessageValues } => {
  const checkin = checkinOf(action);
  const values = { round, days: PAUSE_DEFAULT_DAYS };
  return checkin
    ? { text: checkinWording, values: { ...values, answer: checkinAnswerChoice(checkin.answer) } }
    : { text: statusWording[action as keyof typeof statusWording], values };
};

const paragraphs = (t: Translator, keys: readonly string[], values: MessageValues): string =>
  keys.map((key) => `<p>${t.html(key, values)}</p>`).join('\n');

/** What the pages of one link need: the action, the round as the participant knows it, their language. */
interface PageInput {
  action: LinkAction;
  /** The round's name, or its id when the name was not read. */
  round: string;
  /** The participant's language (translatorFor(member.mailLanguage, round.programme) when the round was read). */
  t: Translator;
}

/**
 * The page a GET of a link shows: it explains the action and asks for a click that POSTs it. A GET
 * never acts, because mail scanners and link previews fetch every URL in a message.
 */
export const confirmationPage = ({
  action,
  round,
  t,
  formAction,
}: PageInput & { formAction: string }): string => {
  const { text, values } = wordingOf(action, round);
  return linkPage(
    t,
    t.text(text.ask, values),
    paragraphs(t, text.explain, values) +
      `\n<form method="post" action="${escapeHtml(formAction)}">` +
      `<button type="submit">${t.html(text.button, values)}</button></form>`,
  );
};

/** The page after a POST; a repeated click reads the same as the first. */
export const donePage = ({ action, round, t, outcome }: PageInput & { outcome: LinkOutcome }): string => {
  const { text, values } = wordingOf(action, round);
  if (outcome === 'refused') {
    return linkPage(t, t.text('link-pages.nothingChanged'), paragraphs(t, text.refused, values));
  }
  return linkPage(t, t.text(text.doneTitle, values), paragraphs(t, text.done, values));
};

/**
 * The one page for every link that cannot be used — malformed, forged, signed with a retired key or
 * expired. It says the same whatever the reason, so the page is no oracle for someone probing tokens;
 * in the language the browser asks for, as no member is known.
 */
export const invalidLinkPage = (t: Translator): string =>
  linkPage(
    t,
    t.text('link-pages.invalidTitle'),
    paragraphs(t, ['link-pages.invalidWhy', 'link-pages.invalidHelp'], {
      programme: t.text('programme.name'),
    }),
  );
