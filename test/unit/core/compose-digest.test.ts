import { describe, expect, it } from 'vitest';
import { composeDigest, type DigestInput } from '#core/compose-digest';
import type { Alert, AlertKind, Member } from '#core/model';
import { aMember, aRound, partnershipId } from './fixtures.ts';

const DAY = '2025-03-04';
const settings = { from: 'rounds@tandem.example' };
const gmailClipBytes = 102 * 1024;

const aroha = aMember({ seed: 'aroha', name: 'Aroha Ngata', email: 'aroha@example.org' });
const bashir = aMember({ seed: 'bashir', name: 'Bashir Rahimi', email: 'bashir@example.org' });
const chen = aMember({ seed: 'chen', name: 'Chen Wei', email: 'chen@example.org' });

const anAlert = (kind: AlertKind, ref: string, overrides: Partial<Alert> = {}): Alert => ({
  roundId: 'spring-2025',
  kind,
  ref,
  raisedAt: '2025-03-04T07:00:00.000Z',
  participantIds: [],
  digestDay: DAY,
  ...overrides,
});

const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
/** A distinct id seed for each number. */
const base32 = (n: number): string =>
  (n >= 32 ? base32(Math.floor(n / 32)) : '') + (alphabet[n % 32] as string);

const input = (alerts: Alert[], members: Member[] = [aroha, bashir, chen]): DigestInput => ({
  round: aRound({ coordinatorEmail: 'coordinator@library.example' }),
  alerts,
  members,
  day: DAY,
  to: 'coordinator@library.example',
  settings,
});

describe('composeDigest', () => {
  it('puts the counts first, then one line per alert grouped by kind, with names, emails and partnership', () => {
    // Prepare
    const alerts = [
      anAlert('unsubscribe', 'u1', { participantIds: [chen.id] }),
      anAlert('at-risk', 'r1', {
        participantIds: [aroha.id, bashir.id],
        partnershipId: partnershipId('pair'),
      }),
      anAlert('leftover', 'l1', { participantIds: [aroha.id] }),
      anAlert('unsubscribe', 'u2', { participantIds: [bashir.id], raisedAt: '2025-03-03T09:30:00.000Z' }),
    ];

    // Act
    const mail = composeDigest(input(alerts));

    // Assess
    expect(mail.subject).toBe(
      'Tandem digest for Spring 2025, Tuesday, 4 March 2025: 1 partnership at risk, 2 unsubscribed, 1 without a partner',
    );
    expect(mail.text).toContain('4 new alerts: 1 partnership at risk, 2 unsubscribed, 1 without a partner.');
    const atRisk = mail.text.indexOf('Partnerships at risk (1)');
    const unsubscribed = mail.text.indexOf('Unsubscribed (2)');
    const leftover = mail.text.indexOf('Left without a partner (1)');
    expect(mail.text.indexOf('4 new alerts')).toBeLessThan(atRisk);
    expect(atRisk).toBeLessThan(unsubscribed);
    expect(unsubscribed).toBeLessThan(leftover);
    expect(mail.text).toContain(
      '- Aroha Ngata (aroha@example.org); Bashir Rahimi (bashir@example.org)\n' +
        `  partnership ${partnershipId('pair')} · raised 4 Mar, 07:00 UTC`,
    );
    // Oldest first within a kind.
    expect(mail.text.indexOf('Bashir Rahimi (bashir@example.org)\n  raised 3 Mar')).toBeLessThan(
      mail.text.indexOf('Chen Wei (chen@example.org)'),
    );
    for (const text of [
      'Aroha Ngata (aroha@example.org)',
      partnershipId('pair'),
      'Partnerships at risk (1)',
    ]) {
      expect(mail.html).toContain(text);
    }
    expect(mail.html).toContain('Tuesday, 4 March 2025');
  });

  it('goes from Tandem to the coordinator, auto-generated, without List-Unsubscribe', () => {
    const mail = composeDigest(input([anAlert('bounce', 'b1', { participantIds: [chen.id] })]));

    expect(mail.from).toBe('Tandem <rounds@tandem.example>');
    expect(mail.to).toEqual(['coordinator@library.example']);
    expect(mail.headers).toEqual([{ name: 'Auto-Submitted', value: 'auto-generated' }]);
    expect(mail.tags).toEqual({ kind: 'digest', round: 'spring-2025' });
  });

  it('escapes participant names in the HTML and keeps them on one line in the text', () => {
    // Prepare
    const hostile = aMember({
      seed: 'mallory',
      name: '<script>alert("x")</script>\nBcc: victim@example.org',
    });

    // Act
    const mail = composeDigest(
      input([anAlert('complaint', 'c1', { participantIds: [hostile.id] })], [hostile]),
    );

    // Assess
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Bcc: victim@example.org');
    expect(mail.text).toContain(
      '- <script>alert("x")</script> Bcc: victim@example.org (mallory@example.org)',
    );
    expect(mail.subject).not.toMatch(/[\r\n]/);
  });

  it('renders an English HTML part and a text part', () => {
    const mail = composeDigest(input([anAlert('leftover', 'l1', { participantIds: [aroha.id] })]));

    expect(mail.html).toMatch(/^<!doctype html><html lang="en"/);
    expect(mail.text).toContain('Left without a partner (1)');
    expect(mail.text).not.toContain('{{');
    expect(mail.html).not.toContain('{{');
  });

  it('names a participant who is no longer a member by id', () => {
    const mail = composeDigest(input([anAlert('unsubscribe', 'u1', { participantIds: [aroha.id] })], []));

    expect(mail.text).toContain(`- participant ${aroha.id}`);
  });

  it('stays under the Gmail clipping size with thousands of alerts, still counting them all', () => {
    // Prepare: long names and addresses, 3,000 alerts.
    const members = Array.from({ length: 3000 }, (_, i) =>
      aMember({ seed: `m${base32(i)}`, name: `${'&'.repeat(100)} ${i}` }),
    );
    const alerts = members.map((m, i) =>
      anAlert(i % 2 ? 'at-risk' : 'leftover', `a${i}`, { participantIds: [m.id] }),
    );

    // Act
    const mail = composeDigest(input(alerts, members));

    // Assess
    expect(Buffer.byteLength(mail.html)).toBeLessThan(gmailClipBytes);
    expect(mail.text).toContain('3000 new alerts: 1500 partnerships at risk, 1500 without a partner.');
    expect(mail.text).toMatch(/…and \d+ more/);
  });
});
