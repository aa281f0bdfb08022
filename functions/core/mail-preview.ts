import { topicsByLanguage } from '#templates/compiled/index';
import {
  type Acknowledged,
  composeCommandAck,
  composeRelay,
  composeUndeliverable,
  type UndeliverableReason,
  undeliverableReasons,
} from './compose-inbound.ts';
import { type ComposeSettings, composeMail, currentPartners } from './compose-mail.ts';
import { composeNextRoundMail } from './compose-re-enrol.ts';
import { composeSignUpMail } from './compose-sign-up.ts';
import { DEFAULT_MAIL_LANGUAGE, LANGUAGE_NAMES, type MailLanguage } from './languages.ts';
import {
  type CheckinAnswer,
  MailKind,
  type Member,
  type Round,
  type RoundTopic,
  type SendJob,
  topicRef,
} from './model.ts';
import type { OutboundMail } from './outbound-mail.ts';
import { escapeHtml } from './render.ts';
import { pendingUntil } from './sign-up/policy.ts';
import { page } from './web-page.ts';

/**
 * `tandem mail preview`: every mail a participant of a round can receive, composed by the real compose
 * functions as that participant would receive it — the round mails (MailKind) and the others that reach
 * participants (a relayed reply, the acknowledgement of a command, the "not delivered" answer, the
 * sign-up confirmation, the news that the next round is open). Pure: the caller reads the round and its
 * members, and gives the compose settings, whose keys must be thrown away (the links are then no
 * credentials: see the CLI action, cli/mail-preview.ts).
 */

/** The participants' mails that are not round mails. */
export const OTHER_PREVIEW_KINDS = [
  'relay',
  'command-ack',
  'undeliverable',
  'sign-up',
  'next-round-open',
] as const;

/** Every kind `tandem mail preview --kind` takes, in the order the previews list them. */
export const PREVIEW_KINDS = [...MailKind.options, ...OTHER_PREVIEW_KINDS] as const;
export type PreviewKind = (typeof PREVIEW_KINDS)[number];

export const isPreviewKind = (value: string): value is PreviewKind =>
  (PREVIEW_KINDS as readonly string[]).includes(value);

/** One composed mail of the preview. */
export interface MailPreview {
  kind: PreviewKind;
  /**
   * Which mail it is, unique in the preview and the stem of its files: the kind for a kind of one mail
   * (`intro`), the kind and what sets it apart otherwise (`topic-01`, `command-ack-stop`).
   */
  variant: string;
  /** What it is, for the coordinator (English): "Topic 1", "STOP acknowledged". */
  label: string;
  subject: string;
  html: string;
  text: string;
  /** The language it is written in. */
  lang: MailLanguage;
}

export interface PreviewInput {
  round: Round;
  /** The participant the mails go to. */
  member: Member;
  /** Their partners in the round (any status); none still taking part: a sample partner stands in. */
  partners: readonly Member[];
  /** Compose settings with throwaway keys: the previews' links must not work. */
  settings: ComposeSettings;
  /** When the preview is made: the sign-up's expiry and the next-round link count from it. */
  now: Date;
  /** Compose as if the participant's mail language were this one. */
  lang?: MailLanguage;
  /** Only the mails of this kind. */
  kind?: PreviewKind;
  /** The round's own topics, when it has them (`ownTopics`): its topic mails are these, never the defaults. */
  topics?: readonly RoundTopic[];
}

/** The name the sample partner goes by in every preview: nobody could take it for a real person. */
export const SAMPLE_PARTNER_NAME = 'Sample partner';

// Countries the sample partner may come from (the first that is not the participant's), with a time zone.
const SAMPLE_HOMES = [
  { country: 'BR', timezone: 'America/Sao_Paulo' },
  { country: 'KE', timezone: 'Africa/Nairobi' },
] as const;

/**
 * The partner a participant without one is shown with ("Sample partner", from another country than
 * theirs), so that a coordinator sees the mails of a round not matched yet.
 */
export const samplePartner = (member: Member): Member => {
  const home = SAMPLE_HOMES.find((h) => h.country !== member.country) ?? SAMPLE_HOMES[0];
  return {
    id: 'psamplepartnr',
    email: 'sample.partner@example.invalid',
    name: SAMPLE_PARTNER_NAME,
    country: home.country,
    languages: ['en'],
    timezone: home.timezone,
    organisation: '',
    sector: 'other',
    careerStage: 'mid',
    interests: [],
    status: 'active',
    roundId: member.roundId,
    partnerIds: [member.id],
    previousPartnerIds: [],
    checkins: {},
    softBounces: 0,
  };
};

/** Whether the previews of a participant with these partners show the sample partner. */
export const usesSamplePartner = (partners: readonly Member[]): boolean =>
  currentPartners(partners).length === 0;

/** The partners the mails name: the current ones, or the sample partner. */
export const previewPartners = (member: Member, partners: readonly Member[]): Member[] => {
  const current = currentPartners(partners);
  return current.length > 0 ? current : [samplePartner(member)];
};

/** A member's partners among the round's members (those still stored). */
export const partnersOf = (member: Member, members: readonly Member[]): Member[] => {
  const byId = new Map(members.map((m) => [m.id, m]));
  return member.partnerIds.flatMap((id) => byId.get(id) ?? []);
};

/** Registration order: when they registered, then their row; members without one last, by id. */
const byRegistration = (a: Member, b: Member): number =>
  (a.registeredAt ?? '\uffff').localeCompare(b.registeredAt ?? '\uffff') ||
  (a.registrationSeq ?? Number.MAX_SAFE_INTEGER) - (b.registrationSeq ?? Number.MAX_SAFE_INTEGER) ||
  a.id.localeCompare(b.id);

/**
 * Whose mails to preview: the member with this address (undefined when none has it), or by default the
 * first registered member with a partner still taking part, else the first registered member (undefined
 * when the round has none).
 */
export const previewParticipant = (
  members: readonly Member[],
  email?: string,
): { member: Member; partners: Member[] } | undefined => {
  const ordered = [...members].sort(byRegistration);
  const wanted = email?.trim().toLowerCase();
  const member = wanted
    ? ordered.find((m) => m.email === wanted)
    : (ordered.find((m) => currentPartners(partnersOf(m, members)).length > 0) ?? ordered[0]);
  return member ? { member, partners: partnersOf(member, members) } : undefined;
};

const DAY_MS = 86_400_000;

/** The words of the sample reply: the partner's own words are never translated, so neither are these. */
const sampleReply = (member: Member, partner: Member) =>
  `[SAMPLE REPLY: written for this preview, not by ${partner.name}. When your partner writes to you, ` +
  'their own words appear here, as they wrote them.]\n\n' +
  `Hello ${member.name},\n\nThank you for your introduction! I would love to hear more about your ` +
  'work. Shall we find a time to talk in the next two weeks?\n\nBest wishes,\n' +
  partner.name;

const commands: { variant: string; label: string; what: (now: Date) => Acknowledged }[] = [
  { variant: 'stop', label: 'STOP acknowledged', what: () => ({ command: 'STOP' }) },
  {
    variant: 'pause',
    label: 'PAUSE acknowledged',
    what: (now) => ({ command: 'PAUSE', pausedUntil: new Date(now.getTime() + 14 * DAY_MS).toISOString() }),
  },
  { variant: 'resume', label: 'RESUME acknowledged', what: () => ({ command: 'RESUME' }) },
  { variant: 'quiet', label: 'QUIET acknowledged', what: () => ({ command: 'QUIET' }) },
  ...(['yes', 'not-yet', 'not-managed'] as const satisfies CheckinAnswer[]).map((answer) => ({
    variant: `checkin-${answer}`,
    label: `Check-in answer "${answer}" acknowledged`,
    what: (): Acknowledged => ({ checkin: 1, answer }),
  })),
];

const undeliverableLabels: Record<UndeliverableReason, string> = {
  'sender-mismatch': 'Not delivered: written from another address',
  'unknown-address': 'Not delivered: an address that is not theirs',
  'round-closed': 'Not delivered: the round is closed',
  empty: 'Not delivered: nothing written',
};

const roundMailLabels: Record<MailKind, string> = {
  intro: 'Introduction',
  topic: 'Topic',
  checkin: 'Mid-round check-in',
  nudge: 'Nudge after a silence',
  'partner-left': 'Partner left',
  'partner-paused': 'Partner paused',
  'partner-quiet': 'Partner quiet',
  close: 'Closing mail with the final check-in',
};

/**
 * Every mail of the round the participant can receive (of `kind` only, when given), in their mail
 * language or `lang`. Topics: every topic of the round; the mid-round check-in when the round has one.
 */
export const previewMails = (input: PreviewInput): MailPreview[] => {
  const { round, settings, now } = input;
  const lang = input.lang ?? input.member.mailLanguage ?? DEFAULT_MAIL_LANGUAGE;
  const member: Member = { ...input.member, mailLanguage: lang };
  const partners = previewPartners(member, input.partners);
  const partner = partners[0] as Member;
  const wanted = (kind: PreviewKind) => input.kind === undefined || input.kind === kind;
  const previews: MailPreview[] = [];
  const add = (kind: PreviewKind, variant: string, label: string, mail: OutboundMail) =>
    previews.push({ kind, variant, label, subject: mail.subject, html: mail.html, text: mail.text, lang });
  const job = (kind: MailKind, extra: Partial<SendJob> = {}): SendJob => ({
    v: 1,
    roundId: round.id,
    participantId: member.id,
    kind,
    topic: 0,
    ...extra,
  });
  // A round with its own topics: the topic mail is the one stored with the round, as the sender reads it.
  const ownTopic = (kind: MailKind, topic?: number) =>
    kind === 'topic' ? input.topics?.find((t) => t.number === topic) : undefined;
  const roundMail = (
    kind: MailKind,
    extra: Partial<SendJob> = {},
    about?: Member,
    withPartners: Member[] = partners,
  ) =>
    composeMail(
      {
        round,
        member,
        partners: withPartners,
        ...(about ? { subject: about } : {}),
        ...(ownTopic(kind, extra.topic) ? { topic: ownTopic(kind, extra.topic) } : {}),
      },
      job(kind, extra),
      settings,
    );
  const single = (kind: MailKind, mail: () => OutboundMail) => {
    if (wanted(kind)) add(kind, kind, roundMailLabels[kind], mail());
  };
  // The partner as the partner-* mails tell of them: gone, paused for two weeks, quiet.
  const as = (changed: Member) => partners.map((p) => (p.id === changed.id ? changed : p));

  single('intro', () => roundMail('intro'));
  if (wanted('topic')) {
    const available =
      round.ownTopics === undefined ? (topicsByLanguage[lang]?.length ?? 0) : (input.topics?.length ?? 0);
    for (let topic = 1; topic <= Math.min(round.topicDays.length, available); topic++) {
      add('topic', `topic-${topicRef(topic)}`, `Topic ${topic}`, roundMail('topic', { topic }));
    }
  }
  if (round.checkinDays.length > 0) single('checkin', () => roundMail('checkin', { topic: 1 }));
  single('nudge', () => roundMail('nudge'));
  single('partner-left', () => {
    const left: Member = { ...partner, status: 'unsubscribed' };
    return roundMail('partner-left', { subjectId: partner.id }, left, as(left));
  });
  single('partner-paused', () => {
    const paused: Member = {
      ...partner,
      status: 'paused',
      pausedUntil: new Date(now.getTime() + 14 * DAY_MS).toISOString(),
    };
    return roundMail('partner-paused', { subjectId: partner.id }, paused, as(paused));
  });
  single('partner-quiet', () => roundMail('partner-quiet', { subjectId: partner.id }, partner));
  single('close', () => roundMail('close'));

  // A reply or the answer to one is about the introduction: its subject is what a reply would carry.
  const replySubject = () => `Re: ${roundMail('intro').subject}`;
  if (wanted('relay')) {
    add(
      'relay',
      'relay',
      `Relayed reply from ${partner.name} (a sample)`,
      composeRelay(
        {
          round,
          sender: partner,
          recipient: member,
          subject: replySubject(),
          text: sampleReply(member, partner),
          attachments: [],
        },
        settings,
      ),
    );
  }
  if (wanted('command-ack')) {
    for (const command of commands) {
      add(
        'command-ack',
        `command-ack-${command.variant}`,
        command.label,
        composeCommandAck(round, member, command.what(now), 'changed', settings),
      );
    }
  }
  if (wanted('undeliverable')) {
    const subject = replySubject();
    for (const reason of Object.keys(undeliverableReasons) as UndeliverableReason[]) {
      add(
        'undeliverable',
        `undeliverable-${reason}`,
        undeliverableLabels[reason],
        composeUndeliverable(member.email, subject, reason, settings, lang, round.programme),
      );
    }
  }
  if (wanted('sign-up')) {
    add(
      'sign-up',
      'sign-up',
      'Sign-up confirmation',
      composeSignUpMail({
        round,
        signUp: {
          id: 'spreviewsampl',
          profile: { email: member.email, name: member.name, mailLanguage: lang },
          expiresAt: pendingUntil(now).toISOString(),
        },
        settings,
      }),
    );
  }
  if (wanted('next-round-open')) {
    add(
      'next-round-open',
      'next-round-open',
      'Next round open (to someone on the waiting list)',
      composeNextRoundMail({ round, participant: member, now, settings }),
    );
  }
  return previews;
};

/** What the index page of a preview says besides the mails. */
export interface PreviewIndex {
  round: Pick<Round, 'id' | 'name' | 'status'>;
  member: Pick<Member, 'name' | 'email'>;
  /** The partners the mails name, and whether that is the sample partner. */
  partners: readonly Pick<Member, 'name' | 'country'>[];
  samplePartner: boolean;
  lang: MailLanguage;
  /** Where the previews' links point. */
  linksBaseUrl: string;
  mails: readonly Pick<MailPreview, 'kind' | 'variant' | 'label' | 'subject' | 'lang'>[];
}

const groups = [
  { heading: 'Round mails', kinds: new Set<string>(MailKind.options) },
  { heading: 'Answers, sign-up and the next round', kinds: new Set<string>(OTHER_PREVIEW_KINDS) },
];

/**
 * The page that lists the previews (`index.html`), for the coordinator: each mail's subject, language,
 * and links to its HTML and text files (`<variant>.html`, `<variant>.txt` beside it). Works without
 * scripts, readable at 375 px.
 */
export const previewIndexPage = (index: PreviewIndex): string => {
  const e = escapeHtml;
  const language = `${LANGUAGE_NAMES[index.lang]} (${index.lang})`;
  const details = [
    ['Round', `${index.round.name} (${index.round.id}, ${index.round.status})`],
    ['Participant', `${index.member.name} <${index.member.email}>`],
    [
      index.partners.length === 1 ? 'Partner' : 'Partners',
      index.partners.map((p) => `${p.name} (${p.country})`).join(', '),
    ],
    ['Language', language],
    ['Links to', index.linksBaseUrl],
  ]
    .map(([term, value]) => `<div><dt>${term}</dt><dd>${e(value ?? '')}</dd></div>`)
    .join('');
  const notices = [
    `<p class="notice">Every link in these mails is signed with a throwaway key made for this preview and ` +
      `kept nowhere: they lead to the address above, but do not work there, ` +
      `so nobody can unsubscribe, pause or answer for ${e(index.member.name)} with them.</p>`,
    ...(index.samplePartner
      ? [
          `<p class="notice">${e(index.member.name)} has no partner yet, so the mails name a sample partner, ` +
            `“${e(SAMPLE_PARTNER_NAME)}”, from another country.</p>`,
        ]
      : []),
    '<p class="notice">The relayed reply is a sample: its words were written for this preview.</p>',
  ];
  const entry = (mail: PreviewIndex['mails'][number]) => {
    const label = e(mail.label);
    const file = encodeURIComponent(mail.variant);
    return [
      '<div>',
      `<dt>${label}</dt>`,
      `<dd><span class="hidden-text">Subject: </span><span lang="${mail.lang}">${e(mail.subject)}</span></dd>`,
      `<dd>${e(LANGUAGE_NAMES[mail.lang])} · `,
      `<a href="${file}.html">HTML<span class="hidden-text"> of ${label}</span></a> · `,
      `<a href="${file}.txt">Text<span class="hidden-text"> of ${label}</span></a></dd>`,
      '</div>',
    ].join('');
  };
  const lists = groups
    .map((group) => ({ ...group, mails: index.mails.filter((m) => group.kinds.has(m.kind)) }))
    .filter((group) => group.mails.length > 0)
    .map((group) => `<h2>${e(group.heading)}</h2>\n<dl>${group.mails.map(entry).join('')}</dl>`);
  const title = `Mail preview: ${index.round.name}`;
  return page(
    { title, lang: 'en', noIndex: true },
    [
      `<h1>${e(title)}</h1>`,
      `<p>${index.mails.length} ${index.mails.length === 1 ? 'mail' : 'mails'}, as this participant would receive them.</p>`,
      `<dl>${details}</dl>`,
      ...notices,
      ...lists,
    ].join('\n'),
  );
};
