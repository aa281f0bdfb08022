import { mailTemplates } from '#templates/compiled/index';
import type { ComposeSettings } from './compose-mail.ts';
import { type Alert, AlertKind, type Member, type Round } from './model.ts';
import { encodedHtmlBytes, type OutboundMail } from './outbound-mail.ts';
import { plural } from './plural.ts';
import { renderHtml, renderSubject, renderText } from './render.ts';

export interface DigestInput {
  round: Round;
  /** The alerts this digest carries: those whose `digestDay` is `day`. */
  alerts: readonly Alert[];
  /** The round's members, to name the participants of each alert. */
  members: readonly Member[];
  /** The digest's day, YYYY-MM-DD. */
  day: string;
  /** The coordinator's address. */
  to: string;
  settings: Pick<ComposeSettings, 'from'>;
}

const kinds: Record<AlertKind, { title: string; explanation: string; count: (n: number) => string }> = {
  'at-risk': {
    title: 'Partnerships at risk',
    explanation: 'A partner went quiet or was flagged as quiet by their partner.',
    count: (n) => `${plural(n, 'partnership')} at risk`,
  },
  unsubscribe: {
    title: 'Unsubscribed',
    explanation: 'They left the round and get no more mail from it.',
    count: (n) => `${n} unsubscribed`,
  },
  bounce: {
    title: 'Addresses that stopped working',
    explanation: 'Mail to them bounced, so Tandem no longer writes to them.',
    count: (n) => `${plural(n, 'address', 'addresses')} stopped working`,
  },
  complaint: {
    title: 'Marked as spam',
    explanation: 'They reported Tandem mail as spam, so Tandem no longer writes to them.',
    count: (n) => `${n} marked as spam`,
  },
  leftover: {
    title: 'Left without a partner',
    explanation: 'No new partner could be found for them; they may welcome a word from you.',
    count: (n) => `${n} without a partner`,
  },
};

/**
 * The listed alerts stop growing the HTML at about this size, measured as the part travels (encoded:
 * quoted-printable triples each byte of a name in Cyrillic or Chinese), far below the 102 KB at which
 * Gmail clips a message; the counts at the top always cover every alert.
 */
const LISTED_HTML_BUDGET_BYTES = 60 * 1024;

// Names are free text: a line break in one must not start a new line of the digest.
const oneLine = (text: string) => text.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').trim();

const dayFormat = new Intl.DateTimeFormat('en-GB', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
const timeFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
  timeZoneName: 'short',
});

const itemValues = (alert: Alert, members: ReadonlyMap<string, Member>) => {
  const people = alert.participantIds.map((id) => {
    const member = members.get(id);
    return member ? `${oneLine(member.name)} (${member.email})` : `participant ${id}`;
  });
  const detail = [
    ...(alert.partnershipId ? [`partnership ${alert.partnershipId}`] : []),
    `raised ${timeFormat.format(new Date(alert.raisedAt))}`,
  ].join(' · ');
  return { people: people.length > 0 ? people.join('; ') : alert.ref, detail };
};

/**
 * The coordinator's daily digest of a round's alerts: the counts first, then one line per alert grouped
 * by kind, naming the participants (name and email) and the partnership. From Tandem, marked
 * auto-generated, without List-Unsubscribe (the coordinator is not on a list). Participant text is
 * escaped by the renderer; only our own rendered fragments are inserted raw.
 */
export const composeDigest = (input: DigestInput): OutboundMail => {
  const { round, day } = input;
  const members = new Map(input.members.map((m) => [m.id, m]));
  const byKind = AlertKind.options
    .map((kind) => ({
      kind,
      alerts: input.alerts
        .filter((a) => a.kind === kind)
        .sort((a, b) => a.raisedAt.localeCompare(b.raisedAt) || a.ref.localeCompare(b.ref)),
    }))
    .filter((group) => group.alerts.length > 0);

  let budget = LISTED_HTML_BUDGET_BYTES;
  const groups = byKind.map(({ kind, alerts }) => {
    const html: string[] = [];
    const text: string[] = [];
    for (const alert of alerts) {
      const values = itemValues(alert, members);
      const itemHtml = renderHtml(mailTemplates.digestItem.html, values);
      budget -= encodedHtmlBytes(itemHtml);
      if (budget < 0) break;
      html.push(itemHtml);
      text.push(renderText(mailTemplates.digestItem.text, values));
    }
    const left = alerts.length - html.length;
    if (left > 0) {
      const more = { people: `…and ${left} more`, detail: 'not listed, to keep this email small' };
      html.push(renderHtml(mailTemplates.digestItem.html, more));
      text.push(renderText(mailTemplates.digestItem.text, more));
    }
    const group = { title: kinds[kind].title, explanation: kinds[kind].explanation, count: alerts.length };
    return {
      html: renderHtml(mailTemplates.digestGroup.html, { ...group, items: html.join('') }),
      text: renderText(mailTemplates.digestGroup.text, { ...group, items: text.join('\n') }),
    };
  });

  const values = {
    roundName: round.name,
    day: dayFormat.format(new Date(`${day}T00:00:00Z`)),
    total: plural(input.alerts.length, 'new alert'),
    summary:
      byKind.map(({ kind, alerts }) => kinds[kind].count(alerts.length)).join(', ') || 'nothing to report',
  };
  const template = mailTemplates.digest;
  return {
    from: `Tandem <${input.settings.from}>`,
    to: [input.to],
    replyTo: [],
    subject: renderSubject(template.subject, values),
    html: renderHtml(template.html, { ...values, alertGroups: groups.map((g) => g.html).join('') }),
    text: renderText(template.text, { ...values, alertGroups: groups.map((g) => g.text).join('\n\n') }),
    headers: [{ name: 'Auto-Submitted', value: 'auto-generated' }],
    tags: { kind: 'digest', round: round.id },
  };
};
