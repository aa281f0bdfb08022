import { describe, expect, it } from 'vitest';
import {
  checkReviewRows,
  matchesCsv,
  type ProposalState,
  parseMatchesCsv,
  readMatchesCsv,
} from '#core/coordinator/matches-file';
import { EditRefused, editedRows, type ProposalEdit } from '#core/coordinator/proposal-edits';
import { aMember, aPartnership, partnershipId } from '../fixtures.ts';

const ROUND_ID = 'spring-2025';
const noPast = new Map<string, Set<string>>();
const pairId = partnershipId('pair');
const trioId = partnershipId('trio');

// Everyone speaks English; each is in a country of their own but Tama (NZ, like Aroha).
const aroha = aMember({ seed: 'aroha', partnershipId: pairId });
const priya = aMember({ seed: 'priya', country: 'IN', timezone: 'Asia/Kolkata', partnershipId: pairId });
const carla = aMember({ seed: 'carla', country: 'BR', timezone: 'America/Sao_Paulo', partnershipId: trioId });
const dana = aMember({ seed: 'dana', country: 'US', timezone: 'America/Chicago', partnershipId: trioId });
const eli = aMember({ seed: 'eli', country: 'FR', timezone: 'Europe/Paris', partnershipId: trioId });
const tama = aMember({ seed: 'tama', country: 'NZ' });
const sam = aMember({ seed: 'sam', country: 'GB', status: 'suppressed' });

const state: ProposalState = {
  roundId: ROUND_ID,
  members: [aroha, priya, carla, dana, eli, tama, sam],
  partnerships: [
    aPartnership('trio', [eli, dana, carla], { score: 190 }),
    aPartnership('pair', [priya, aroha], { locked: true, score: 80 }),
  ],
};

/** The rows as `email_1…email_3,locked` lines, to read them at a glance. */
const lines = (edit: ProposalEdit) =>
  editedRows(state, edit).map(({ line, cells }) =>
    [line, cells.email_1, cells.email_2, cells.email_3, cells.locked].join(','),
  );

const refusal = (edit: ProposalEdit) => {
  try {
    editedRows(state, edit);
  } catch (error) {
    if (error instanceof EditRefused) return { subject: error.subject, message: error.message };
    throw error;
  }
  throw new Error('the edit was not refused');
};

describe('editedRows', () => {
  it('gives the exported file’s rows, edited: the partnerships a move changes unlocked-blank, the others as exported', () => {
    // Act
    const rows = lines({ kind: 'move', participantId: carla.id, partnershipId: pairId });

    // Assess: Aroha's pair (locked, yes) is changed so blank; the trio (unlocked, blank) loses Carla.
    expect(rows).toEqual([
      '2,aroha@example.org,priya@example.org,carla@example.org,',
      '3,dana@example.org,eli@example.org,,',
    ]);
  });

  it('leaves the partner of someone moved out of a pair on a row of their own, which the import leaves alone', () => {
    // Prepare: two pairs.
    const twoPairs: ProposalState = {
      roundId: ROUND_ID,
      members: [aroha, priya, { ...carla, partnershipId: trioId }, { ...dana, partnershipId: trioId }],
      partnerships: [aPartnership('pair', [priya, aroha]), aPartnership('trio', [carla, dana])],
    };

    // Act
    const parsed = checkReviewRows(
      editedRows(twoPairs, { kind: 'move', participantId: priya.id, partnershipId: trioId }),
      twoPairs,
      noPast,
    );

    // Assess
    expect(parsed.issues).toEqual([]);
    expect(parsed.groups.map((g) => g.members)).toEqual([[carla.id, dana.id, priya.id]]);
    expect(parsed.alone).toEqual(['aroha@example.org']);
  });

  it('refuses a move into a full partnership, or into one’s own, naming the partnership', () => {
    expect(refusal({ kind: 'move', participantId: tama.id, partnershipId: trioId })).toEqual({
      subject: 'partnership',
      message: 'That partnership has 3 members already: a partnership has at most 3',
    });
    expect(refusal({ kind: 'move', participantId: aroha.id, partnershipId: pairId })).toMatchObject({
      subject: 'partnership',
    });
  });

  it('moves someone without a partnership into a pair, making it three', () => {
    expect(lines({ kind: 'move', participantId: tama.id, partnershipId: pairId })).toEqual([
      '2,aroha@example.org,priya@example.org,tama@example.org,',
      '3,carla@example.org,dana@example.org,eli@example.org,',
    ]);
  });

  it('swaps two people in place, and someone without a partnership with someone in one', () => {
    expect(lines({ kind: 'swap', participantIds: [priya.id, eli.id] })).toEqual([
      '2,aroha@example.org,eli@example.org,,',
      '3,carla@example.org,dana@example.org,priya@example.org,',
    ]);
    expect(lines({ kind: 'swap', participantIds: [tama.id, aroha.id] })).toEqual([
      '2,tama@example.org,priya@example.org,,',
      '3,carla@example.org,dana@example.org,eli@example.org,',
    ]);
  });

  it('refuses swapping partners, one person with themselves, or two people without a partnership', () => {
    expect(refusal({ kind: 'swap', participantIds: [carla.id, eli.id] }).subject).toBe('second');
    expect(refusal({ kind: 'swap', participantIds: [carla.id, carla.id] }).subject).toBe('second');
    expect(refusal({ kind: 'swap', participantIds: [tama.id, sam.id] }).subject).toBe('first');
  });

  it('locks and unlocks one partnership, changing no other row', () => {
    expect(lines({ kind: 'lock', partnershipId: trioId, locked: true })).toEqual([
      '2,aroha@example.org,priya@example.org,,yes',
      '3,carla@example.org,dana@example.org,eli@example.org,yes',
    ]);
    expect(lines({ kind: 'lock', partnershipId: pairId, locked: false })[0]).toBe(
      '2,aroha@example.org,priya@example.org,,no',
    );
  });

  it('refuses someone or a partnership the round does not have', () => {
    expect(refusal({ kind: 'move', participantId: 'pnobodyaaaaaa', partnershipId: pairId }).subject).toBe(
      'participant',
    );
    expect(refusal({ kind: 'lock', partnershipId: 'tgoneaaaaaaaa', locked: true }).subject).toBe(
      'partnership',
    );
  });

  it('gives the problems and messages of `matches import` on the same edit made in the exported file', () => {
    // Prepare: Tama (NZ) takes Priya's place beside Aroha (NZ).
    const swap: ProposalEdit = { kind: 'swap', participantIds: [tama.id, priya.id] };
    // In the file: Priya's address replaced by Tama's, and the rows of those without a partnership dropped.
    const csv = matchesCsv(state)
      .replace('priya@example.org', 'tama@example.org')
      .replace(',yes,', ',,')
      .split('\r\n')
      .filter((line) => !line.startsWith(',,'))
      .join('\r\n');

    // Act
    const edited = checkReviewRows(editedRows(state, swap), state, noPast);
    const imported = parseMatchesCsv(csv, state, noPast);

    // Assess
    expect(edited.issues).toEqual(imported.issues);
    expect(edited.issues).toEqual([
      {
        line: 2,
        field: 'email_1/email_2',
        message: 'aroha@example.org and tama@example.org cannot be partners: both are in NZ',
      },
    ]);
  });
});

describe('readMatchesCsv', () => {
  it('reads the columns the import uses, by name, leaving out those a file does not have', () => {
    expect(readMatchesCsv('EMAIL_2,name_1,email_1\r\nb@x.org,Ann,a@x.org\r\n')).toEqual([
      { line: 2, cells: { email_1: 'a@x.org', email_2: 'b@x.org' } },
    ]);
  });
});
