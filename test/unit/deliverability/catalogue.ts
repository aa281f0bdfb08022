import { composeConsoleSignInMail } from '#core/compose-console-sign-in';
import { composeDigest } from '#core/compose-digest';
import {
  composeCommandAck,
  composeRelay,
  composeUndeliverable,
  type UndeliverableReason,
  undeliverableReasons,
} from '#core/compose-inbound';
import { type ComposeSettings, composeMail, type Recipient } from '#core/compose-mail';
import { composeNextRoundMail } from '#core/compose-re-enrol';
import { composeSignUpMail } from '#core/compose-sign-up';
import { signInLinkToken } from '#core/console/sign-in';
import type { CommandWord } from '#core/inbound/classify-mail';
import type { MailLanguage } from '#core/languages';
import {
  type Alert,
  AlertKind,
  type CheckinAnswer,
  MailKind,
  type Member,
  type Round,
  type SendJob,
} from '#core/model';
import type { OutboundMail } from '#core/outbound-mail';
import type { ProgrammeSettings } from '#core/programme';
import { topics } from '#templates/compiled/index';
import { aMember, aRound, partnered, partnershipId, signUpId, testKeys } from '../core/fixtures.ts';

/**
 * Every kind of mail Tandem sends: the participants' round mails (`MailKind`, sent from the send
 * queue) and the rest — a relayed reply, the acknowledgement of a command or check-in answer by mail
 * and the "not delivered" answer (all from the receive function), the coordinator's digest, the
 * confirmation mail of a sign-up (from the send queue, to an address not yet registered), the news
 * that the next round is open (from the send queue, to someone on the waiting list), and a coordinator's
 * sign-in link to the console (from the send queue).
 */
export const otherKinds = [
  'relay',
  'command-ack',
  'undeliverable',
  'digest',
  'sign-up',
  'next-round-open',
  'console-sign-in',
] as const;
export type Kind = MailKind | (typeof otherKinds)[number];
export const allKinds: readonly Kind[] = [...MailKind.options, ...otherKinds];

/** The settings of a deployed stage: the verified sending domain and an HTTPS links endpoint. */
export const settings: ComposeSettings = {
  from: 'rounds@mail.tandem.example',
  replyDomain: 'reply.mail.tandem.example',
  linksBaseUrl: 'https://links.tandem.example/',
  keys: testKeys,
};
export const COORDINATOR = 'coordinator@library.example';

/** One composed mail, and what it was composed for. */
export interface Sample {
  kind: Kind;
  /** What makes this sample different from others of its kind ("topic 3", "STOP acknowledged"). */
  variant: string;
  mail: OutboundMail;
  round: Round;
  /** The participant it goes to, for participants' mail. */
  recipient?: Member;
  /** The partnership whose thread it belongs to, when it has one. */
  partnershipId?: string;
  /** The topic of a topic mail. */
  topic?: number;
  /** The language it is written in. */
  lang?: MailLanguage;
}

/** Participant-provided text, by field: what the fixtures put in each value people or coordinators type. */
export interface Values {
  /** Member names by person (`aroha`, `bashir`, `chen`, `dana`). */
  name: (person: string) => string;
  organisation: (person: string) => string;
  interest: (person: string, n: number) => string;
  roundName: string;
  /** A relayed reply's text and subject. */
  replyText: string;
  replySubject: string;
  /** The subject of a stranger's mail we answer as undeliverable. */
  strangerSubject: string;
  /** The round's programme settings, as `tandem programme set` and `round create --programme` give them. */
  programme?: ProgrammeSettings;
}

const realistic: Values = {
  name: (person) =>
    ({ aroha: 'Aroha Ngata', bashir: 'Bashir Rahimi', chen: 'Chen Wei', dana: 'Dana Oyelaran' })[person] ??
    person,
  organisation: (person) =>
    ({
      aroha: 'Auckland Libraries',
      bashir: 'Kabul University Library',
      chen: 'National Library Board',
      dana: 'Lagos State Library',
    })[person] ?? '',
  interest: (_person, n) =>
    ['outreach', 'digital archives', 'reading programmes for children'][n] ?? 'oral history',
  roundName: 'Spring 2025',
  replyText:
    'Kia ora Bashir,\n\nThursday at 18:00 NZT works for me. I will send you the link to our reading ' +
    'programme — I think your students would love the oral history part.\n\nNgā mihi,\nAroha',
  replySubject: 'Re: Your Tandem introduction: meet Bashir Rahimi',
  strangerSubject: 'Question about the programme',
};

/** What a hostile participant could type: markup, an attribute break-out, an entity, a placeholder. */
export const HOSTILE = '<script>alert(1)</script> "><img src=x onerror=alert(1)> &amp; {{unsubscribeUrl}}';
/** HOSTILE as it must appear in HTML: escaped once, the placeholder left as text. */
export const HOSTILE_ESCAPED =
  '&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(1)&gt; &amp;amp; {{unsubscribeUrl}}';

/** A marker naming the field, so a test can find every place a value went. */
export const marker = (field: string) => `VALUE-${field.toUpperCase().replace(/[^A-Z0-9]/g, '')}`;

/** Every participant-provided value hostile, each behind the marker of its field. */
export const hostile: Values = {
  name: (person) => `${marker(`name ${person}`)} ${HOSTILE}`,
  organisation: (person) => `${marker(`org ${person}`)} ${HOSTILE}`,
  interest: (person, n) => `${marker(`interest ${person} ${n}`)} ${HOSTILE}`,
  roundName: `${marker('round')} ${HOSTILE}`,
  replyText: `${marker('reply')} ${HOSTILE}`,
  replySubject: `${marker('subject')} ${HOSTILE}`,
  strangerSubject: `${marker('stranger')} ${HOSTILE}`,
};

/** Values that try to break a header: CR, LF, a Unicode line separator, tabs and NUL. */
const BREAK = '\r\nBcc: victim@example.org\n\u2028X-Injected: yes\t\0';
export const lineBreaks: Values = {
  name: (person) => `${realistic.name(person)}${BREAK}`,
  organisation: (person) => `${realistic.organisation(person)}${BREAK}`,
  interest: (person, n) => `${realistic.interest(person, n)}${BREAK}`,
  roundName: `Spring 2025${BREAK}`,
  replyText: realistic.replyText,
  replySubject: `Re: hello${BREAK}`,
  strangerSubject: `Hello${BREAK}`,
};

/** Long, non-Latin values at the limits of what registration accepts: the largest mails there are. */
const greek = 'Βιβλιοθήκη και κοινότητα, ανάγνωση για όλους ';
export const large: Values = {
  name: (person) => `${greek}${person}`.slice(0, 120),
  organisation: () => greek.repeat(5).slice(0, 200),
  interest: (_person, n) => `${n} ${greek}`.slice(0, 60),
  roundName: greek.repeat(3).slice(0, 120),
  // A long reply in Russian: a real letter of some ten pages' worth would be rare, but it happens.
  replyText: 'Дорогая коллега, спасибо за ваше письмо о библиотеке и читателях. '.repeat(150),
  replySubject: `Re: ${greek}`,
  strangerSubject: greek,
};

/**
 * A programme of its own: every field set, by language where it matters (French and Portuguese take
 * the English audience, Portuguese the English reply help), names with characters HTML and headers
 * give meaning to, and senders' names outside ASCII, which the From header must carry encoded.
 */
export const PROGRAMME: ProgrammeSettings = {
  name: {
    en: 'Nurses & Midwives <Connect>',
    es: 'Enfermería & Partería <Conecta>',
    fr: 'Infirmières & Sages-femmes',
    pt: 'Enfermagem & Obstetrícia',
  },
  audience: { en: 'nurses and midwives', es: 'profesionales de enfermería y partería' },
  senderName: {
    en: 'Nurses & Midwives Connect',
    es: 'Enfermería Conecta “Sur”',
    fr: 'Infirmières — l’équipe',
    pt: 'Equipe de Enfermagem',
  },
  signOff: 'Ana Pérez, for the programme team',
  replyHelp: {
    en: 'Questions about the programme? Write to nurses@example.org.',
    es: '¿Preguntas sobre el programa? Escribe a nurses@example.org.',
    fr: 'Des questions sur le programme ? Écrivez à nurses@example.org.',
  },
};

/** Realistic people in a round of a programme with its own words. */
export const programme: Values = {
  ...realistic,
  replySubject: 'Re: Your Nurses & Midwives <Connect> introduction: meet Bashir Rahimi',
  programme: PROGRAMME,
};

export const fixtureSets = { realistic, hostile, lineBreaks, large, programme } as const;
export type FixtureSet = keyof typeof fixtureSets;

const people = ['aroha', 'bashir', 'chen', 'dana'] as const;

const member = (values: Values, person: (typeof people)[number], overrides: Partial<Member> = {}) =>
  aMember({
    seed: person,
    name: values.name(person),
    email: `${person}@example.org`,
    organisation: values.organisation(person),
    interests: Array.from({ length: values === large ? 20 : 3 }, (_, n) => values.interest(person, n)),
    country: { aroha: 'NZ', bashir: 'AF', chen: 'SG', dana: 'NG' }[person],
    timezone: {
      aroha: 'Pacific/Auckland',
      bashir: 'Asia/Kabul',
      chen: 'Asia/Singapore',
      dana: 'Africa/Lagos',
    }[person],
    ...overrides,
  });

/** Two partnerships of one round: Aroha with Bashir, and Chen with Dana. */
export const cohort = (values: Values, mailLanguage: MailLanguage = 'en') => {
  const round = aRound({
    name: values.roundName,
    coordinatorEmail: COORDINATOR,
    ...(values.programme ? { programme: values.programme } : {}),
  });
  const reader = (person: (typeof people)[number]) => member(values, person, { mailLanguage });
  const [aroha, bashir] = partnered('pair', [reader('aroha'), reader('bashir')]) as [Member, Member];
  const [chen, dana] = partnered('other', [reader('chen'), reader('dana')]) as [Member, Member];
  return { round, aroha, bashir, chen, dana };
};

const job = (kind: MailKind, participantId: string, extra: Partial<SendJob> = {}): SendJob => ({
  v: 1,
  roundId: 'spring-2025',
  participantId,
  kind,
  topic: 0,
  ...extra,
});

const commands: CommandWord[] = ['STOP', 'PAUSE', 'RESUME', 'QUIET'];
const answers: CheckinAnswer[] = ['yes', 'not-yet', 'not-managed'];

/** Kinds that go to coordinators, who run the programme in English whatever its participants read. */
export const coordinatorKinds: ReadonlySet<Kind> = new Set(['digest', 'console-sign-in']);

/**
 * Composes every kind of mail, with the real compose functions, from one fixture set, for readers of
 * one language (coordinators' mail stays English). Round mails go both ways in the first partnership
 * (and to the second, to tell threads apart); every topic is there.
 */
export const catalogue = (set: FixtureSet, mailLanguage: MailLanguage = 'en'): Sample[] => {
  const values = fixtureSets[set];
  const { round, aroha, bashir, chen, dana } = cohort(values, mailLanguage);
  const samples: Sample[] = [];
  const roundMail = (
    kind: MailKind,
    to: Member,
    partners: Member[],
    extra: Partial<SendJob> = {},
    subject?: Member,
  ) => {
    const recipient: Recipient = { round, member: to, partners, ...(subject ? { subject } : {}) };
    const topic = kind === 'topic' ? extra.topic : undefined;
    samples.push({
      kind,
      variant: `${kind}${topic ? ` ${topic}` : ''}${extra.ref ? ' (new partner)' : ''} to ${to.id}`,
      mail: composeMail(recipient, job(kind, to.id, extra), settings),
      round,
      recipient: to,
      ...(to.partnershipId ? { partnershipId: to.partnershipId } : {}),
      ...(topic ? { topic } : {}),
    });
  };

  for (const [to, partner] of [
    [aroha, bashir],
    [bashir, aroha],
  ] as const) {
    roundMail('intro', to, [partner]);
    for (const topic of topics) roundMail('topic', to, [partner], { topic: topic.number });
    roundMail('checkin', to, [partner]);
    roundMail('nudge', to, [partner]);
    roundMail('close', to, [partner]);
  }
  roundMail('intro', chen, [dana], { ref: 'repair-1' });
  roundMail('topic', dana, [chen], { topic: 2 });
  roundMail('partner-left', aroha, [], { subjectId: bashir.id }, { ...bashir, status: 'unsubscribed' });
  roundMail(
    'partner-paused',
    aroha,
    [{ ...bashir, status: 'paused', pausedUntil: '2025-04-14T06:00:00.000Z' }],
    { subjectId: bashir.id },
    { ...bashir, status: 'paused', pausedUntil: '2025-04-14T06:00:00.000Z' },
  );
  roundMail('partner-quiet', aroha, [bashir], { subjectId: bashir.id }, bashir);

  for (const [sender, recipient] of [
    [aroha, bashir],
    [bashir, aroha],
  ] as const) {
    samples.push({
      kind: 'relay',
      variant: `relay from ${sender.id} to ${recipient.id}`,
      mail: composeRelay(
        {
          round,
          sender,
          recipient,
          subject: values.replySubject,
          text: values.replyText,
          attachments: [],
        },
        settings,
      ),
      round,
      recipient,
      ...(recipient.partnershipId ? { partnershipId: recipient.partnershipId } : {}),
    });
  }

  for (const command of commands) {
    samples.push({
      kind: 'command-ack',
      variant: `${command} acknowledged`,
      mail: composeCommandAck(
        round,
        aroha,
        command === 'PAUSE' ? { command, pausedUntil: '2025-04-14T06:00:00.000Z' } : command,
        'changed',
        settings,
      ),
      round,
      recipient: aroha,
    });
  }
  for (const answer of answers) {
    samples.push({
      kind: 'command-ack',
      variant: `check-in answer ${answer} acknowledged`,
      mail: composeCommandAck(round, aroha, { checkin: 1, answer }, 'changed', settings),
      round,
      recipient: aroha,
    });
  }

  for (const reason of Object.keys(undeliverableReasons) as UndeliverableReason[]) {
    samples.push({
      kind: 'undeliverable',
      variant: `undeliverable: ${reason}`,
      mail: composeUndeliverable(
        'stranger@example.net',
        values.strangerSubject,
        reason,
        settings,
        mailLanguage,
        // The round is known from the address written to (all but an unknown address).
        reason === 'unknown-address' ? undefined : round.programme,
      ),
      round,
    });
  }

  const members = [aroha, bashir, chen, dana];
  const alerts: Alert[] = AlertKind.options.map((kind, i) => ({
    roundId: round.id,
    kind,
    ref: `${kind}-${i}`,
    raisedAt: '2025-03-04T07:00:00.000Z',
    participantIds: kind === 'at-risk' ? [aroha.id, bashir.id] : [members[i % 4]?.id ?? aroha.id],
    ...(kind === 'at-risk' ? { partnershipId: partnershipId('pair') } : {}),
    digestDay: '2025-03-04',
  }));
  samples.push({
    kind: 'digest',
    variant: 'digest with every kind of alert',
    mail: composeDigest({ round, alerts, members, day: '2025-03-04', to: COORDINATOR, settings }),
    round,
  });
  if (set === 'large' && mailLanguage === 'en') samples.push(bigDigest(round));

  for (const [signUp, to] of [
    ['new', aroha],
    ['known', bashir],
  ] as const) {
    samples.push({
      kind: 'sign-up',
      variant: `sign-up confirmation to a ${signUp} address`,
      mail: composeSignUpMail({
        round,
        signUp: {
          id: signUpId(signUp),
          profile: { email: to.email, name: to.name, mailLanguage },
          expiresAt: '2025-02-08T10:30:00.000Z',
        },
        settings,
      }),
      round,
    });
  }
  for (const to of [aroha, bashir]) {
    samples.push({
      kind: 'next-round-open',
      variant: `next round open, to ${to.id} on the waiting list`,
      mail: composeNextRoundMail({
        round,
        participant: to,
        now: new Date('2025-02-01T10:30:00.000Z'),
        settings,
      }),
      round,
      recipient: to,
    });
  }
  // Nothing anyone typed is in it (the address is only its recipient): every set composes the same mail.
  const expiresAt = new Date('2025-02-01T10:45:00.000Z');
  samples.push({
    kind: 'console-sign-in',
    variant: 'console sign-in link to a coordinator',
    mail: composeConsoleSignInMail({
      to: COORDINATOR,
      token: signInLinkToken({ id: 'AAAAAAAAAAAAAAAAAAAAAA', expiresAt }, testKeys),
      expiresAt,
      settings,
    }),
    round,
  });
  return samples.map((sample) => ({
    ...sample,
    lang: coordinatorKinds.has(sample.kind) ? 'en' : mailLanguage,
  }));
};

const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
const base32 = (n: number): string => (n >= 32 ? base32(Math.floor(n / 32)) : '') + (alphabet[n % 32] ?? 'a');

/**
 * The largest digest: 3,000 alerts naming people whose names are in Chinese, which quoted-printable
 * triples in size as the mail travels.
 */
const bigDigest = (round: Round): Sample => {
  const members = Array.from({ length: 3000 }, (_, i) =>
    aMember({ seed: `m${base32(i)}`, name: `图书馆员${'书'.repeat(40)}${i}` }),
  );
  const alerts: Alert[] = members.map((m, i) => ({
    roundId: round.id,
    kind: AlertKind.options[i % AlertKind.options.length] ?? 'at-risk',
    ref: `a${i}`,
    raisedAt: '2025-03-04T07:00:00.000Z',
    participantIds: [m.id],
    digestDay: '2025-03-04',
  }));
  return {
    kind: 'digest',
    variant: 'digest of 3,000 alerts naming people in Chinese',
    mail: composeDigest({ round, alerts, members, day: '2025-03-04', to: COORDINATOR, settings }),
    round,
  };
};
