import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoProposals } from '#adapters/dynamo-proposals';
import { pairProblems } from '#core/coordinator/matching/index';
import { matchParticipantsOf } from '#core/coordinator/proposal';
import { localNames } from '#local/config';
import { assertChromium, launchChromium, tabTo } from './browser.ts';
import {
  COHORT,
  createRound,
  pageChecks,
  press,
  rowsOf,
  signIn,
  textOf,
  uploadCohort,
} from './console-browser.ts';
import { clients, clockNow, DAY, roundState, settle } from './support.ts';

/**
 * The console's "done when" walk (issue 15) on the local stack, in Chromium at 1280 px: a coordinator
 * signs in by the mailed link, creates a round, uploads `examples/cohort.csv`, matches it, swaps two
 * people, is refused a move that breaks a hard constraint, locks a partnership, re-matches around the
 * locked ones, previews an introduction, launches, and sees the introductions sent on the status page.
 * Forms are filled in by keyboard, but for the selects of people and partnerships, set with
 * `selectOption`: their options are long labels ("Name (address), partnership 7") that type-ahead would
 * reach only by many key presses, and which one to pick is read from the page. axe-core checks every page
 * (console-journey.test.ts walks the pages before matching at 375 px too).
 */

const ROUND = 'it-console-walk';
const VIEWPORT = { width: 1280, height: 900 };

/** One row of the proposal's table, as the page shows it. */
interface RowOnPage {
  id: string;
  locked: boolean;
  members: { email: string; country: string }[];
}

/** The proposal's rows, in the page's order (partnership 1 first). */
const proposalOnPage = (page: Page): Promise<RowOnPage[]> =>
  page.$$eval('table:has(caption#proposal-caption) tbody tr', (rows) =>
    rows.map((row) => ({
      id: row.querySelector('input[name=partnership]')?.getAttribute('value') ?? '',
      locked: row.querySelectorAll('td')[3]?.textContent === 'Locked',
      members: [...row.querySelectorAll('td:first-of-type .hint')].map((hint) => {
        const [email = '', country = ''] = (hint.textContent ?? '').split(', ');
        return { email, country };
      }),
    })),
  );

/** The value of the option of a person select that names `email`. */
const personOption = async (page: Page, select: string, email: string) =>
  (await page.locator(`${select} option`, { hasText: `(${email})` }).getAttribute('value')) ?? '';

/** The stored partnerships, by their members' addresses, sorted: what a refused change must leave alone. */
const proposalOf = async () => {
  const { members, partnerships } = await roundState(ROUND);
  const emailOf = new Map(members.map((m) => [m.id, m.email] as const));
  return partnerships
    .map((p) => ({ id: p.id, members: p.members.map((id) => emailOf.get(id)).sort(), locked: !!p.locked }))
    .sort((a, b) => a.id.localeCompare(b.id));
};

/**
 * Two people of two pairs who can change places: each then fits the other's partner under the hard
 * constraints (countries, languages, past partners, not-with), as the matcher and the import judge them.
 */
const swappable = async () => {
  const { members, partnerships } = await roundState(ROUND);
  const past = await new DynamoProposals(localNames.tableName, clients.document).pastPartners(ROUND);
  const participants = new Map(
    matchParticipantsOf(members, past).map((p, i) => [members[i]?.id as string, p] as const),
  );
  const fits = (a: string, b: string) =>
    pairProblems(participants.get(a) as never, participants.get(b) as never).length === 0;
  const emailOf = (id: string) => members.find((m) => m.id === id)?.email as string;
  const pairs = partnerships.filter((p) => p.members.length === 2);
  for (const [i, first] of pairs.entries()) {
    for (const second of pairs.slice(i + 1)) {
      const [a, b] = first.members as [string, string];
      const [c, d] = second.members as [string, string];
      if (fits(a, d) && fits(c, b)) {
        return { first: emailOf(a), second: emailOf(c), newPartners: [emailOf(d), emailOf(b)] };
      }
    }
  }
  throw new Error('no two people of the proposal can change places');
};

describe('the console’s whole walk in a browser on the local stack', () => {
  let browser: Browser;

  beforeAll(async () => {
    assertChromium();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('signs in, creates a round, uploads its people, matches, swaps, is refused a bad move, locks, re-matches, previews, launches and sees the introductions sent, every page accessible', async () => {
    // Prepare
    const start = new Date((await clockNow()).getTime() + 30 * DAY).toISOString().slice(0, 10);
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    const { visited, check, clean } = pageChecks(page, VIEWPORT.width);
    const text = (selector: string) => textOf(page, selector);
    const matching = `/console/rounds/${ROUND}/matching`;
    const crumb = `nav[aria-label=Breadcrumb] a[href="/console/rounds/${ROUND}"]`;

    // Act: signed in by the mailed link, a round created, the example cohort uploaded
    await signIn(page, check);
    await createRound(page, { id: ROUND, name: 'Console walk', start, weeks: 16 }, check);
    await uploadCohort(page, ROUND, check);

    // Act: matched
    expect((await press(page, crumb))?.status()).toBe(200);
    expect((await press(page, `main a[href="${matching}"]`))?.status()).toBe(200);
    expect(await text('h2#run-heading')).toBe('Match the round');
    await check('matching, not matched yet');
    expect((await press(page, '#run'))?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe(matching);
    expect(await text('.notice')).toMatch(/^Matched in \d+ ms: /);
    const matched = await proposalOnPage(page);
    expect(matched.length).toBeGreaterThan(0);
    await check('matching, matched');

    // Act: two people swapped
    const swap = await swappable();
    await page.selectOption('#swap_first', await personOption(page, '#swap_first', swap.first));
    await page.selectOption('#swap_second', await personOption(page, '#swap_second', swap.second));
    expect((await press(page, `form[action="${matching}/swap"] button[type=submit]`))?.status()).toBe(200);
    expect(await text('.notice')).toContain('The two people were swapped.');
    const swapped = await proposalOnPage(page);
    await check('matching, swapped');

    // Act: a move into a pair with a compatriot, refused
    const pairs = swapped.filter((row) => row.members.length === 2);
    const [target, mover] = pairs
      .flatMap((pair) =>
        swapped
          .filter((row) => row !== pair)
          .flatMap((row) => row.members)
          .filter((person) => person.country === pair.members[0]?.country)
          .map((person) => [pair, person] as const),
      )
      .at(0) ?? [undefined, undefined];
    if (!target || !mover) throw new Error('no pair with a compatriot elsewhere in the proposal');
    const compatriot = target.members[0]?.email as string;
    const beforeMove = await proposalOf();
    await page.selectOption('#move_person', await personOption(page, '#move_person', mover.email));
    await page.selectOption('#move_to', target.id);
    const refused = await press(page, `form[action="${matching}/move"] button[type=submit]`);
    expect(refused?.status()).toBe(400);
    expect(await text('.summary-box h2')).toBe('There is a problem');
    const messages = await page.locator('.summary-box li').allTextContents();
    const refusal = messages.find((m) => m.endsWith(`cannot be partners: both are in ${mover.country}`));
    expect([...(refusal?.split(' cannot be partners')[0]?.split(' and ') ?? [])].sort()).toEqual(
      [mover.email, compatriot].sort(),
    );
    expect(await proposalOf()).toEqual(beforeMove);
    await check('matching, move refused');

    // Act: one more partnership locked, then re-matched around the locked ones
    const unlocked = swapped.find((row) => !row.locked);
    if (!unlocked) throw new Error('every partnership is locked already');
    const lockButton = `form[action="${matching}/lock"]:has(input[value="${unlocked.id}"]) button`;
    expect((await press(page, lockButton))?.status()).toBe(200);
    expect(await text('.notice')).toContain('The partnership is locked');
    const locked = (await proposalOnPage(page)).filter((row) => row.locked);
    await check('matching, locked');
    expect((await press(page, '#run'))?.status()).toBe(200);
    expect(await text('.notice')).toContain(`${locked.length} locked kept`);
    const rematched = await proposalOnPage(page);
    await check('matching, re-matched');

    // Act: the launch page, and one member's introduction previewed, in HTML and in text
    expect((await press(page, crumb))?.status()).toBe(200);
    expect((await press(page, `main a[href="/console/rounds/${ROUND}/launch"]`))?.status()).toBe(200);
    const introductions = Number(/^(\d+) /.exec(await text('dt:text-is("Introductions") + dd'))?.[1]);
    await check('launch');
    // The select starts on the first person introduced: the preview's own button shows theirs.
    expect((await press(page, 'form[method=get] button[type=submit]'))?.status()).toBe(200);
    const previewed = (await text('#preview ~ h3')).replace('The introduction to ', '');
    const subject = await text('dt:text-is("Subject") + dd');
    await check('launch, preview chosen');
    const state = await roundState(ROUND);
    const member = state.members.find((m) => m.email === previewed);
    if (!member) throw new Error(`${previewed} is not a member of the round`);
    const partners = state.members.filter(
      (m) => m.partnershipId === member.partnershipId && m.id !== member.id,
    );
    const html = await press(page, 'a:text("Open the HTML version")');
    expect(html?.headers()['content-security-policy']).toContain('sandbox');
    const htmlText = (await page.locator('body').textContent()) ?? '';
    // The preview's policy (`sandbox`, no script) stops axe-core running in it, even from the DevTools:
    // its markup is checked in a blank page of its own instead, where nothing else changes.
    const markup = await context.newPage();
    await markup.setContent((await html?.text()) ?? '');
    await check('preview, HTML', markup);
    await markup.close();
    await page.goBack();
    const plain = await press(page, 'a:text("Open the plain-text version")');
    const plainText = (await plain?.text()) ?? '';
    await page.goBack();

    // Act: the box ticked, the round launched, the launch and its sends run
    await tabTo(page, '#confirm');
    await page.keyboard.press('Space');
    const launched = await press(page, 'button.warning');
    expect(launched?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe(`/console/rounds/${ROUND}/status`);
    expect(await text('.notice')).toContain('Launch requested');
    await check('status, launch requested');
    await settle();
    await page.reload();
    const sent = Number(
      await text('table:has(caption#mails-caption) tr:has(th:text-is("Sent")) td:first-of-type'),
    );
    const members = Number(await text('dt:text-is("Members") + dd'));
    await check('status, introductions sent');
    await context.close();

    // Assess: the swap and the lock kept by the re-match
    const partnersOf = (rows: RowOnPage[], email: string) =>
      rows
        .find((row) => row.members.some((m) => m.email === email))
        ?.members.map((m) => m.email)
        .filter((e) => e !== email);
    expect(partnersOf(swapped, swap.first)).toEqual([swap.newPartners[0]]);
    expect(partnersOf(swapped, swap.second)).toEqual([swap.newPartners[1]]);
    // The two partnerships the swap made, and the one locked by its button.
    expect(locked.length).toBe(3);
    for (const row of locked) expect(rematched).toContainEqual(row);
    // Assess: the preview is the member's introduction, naming their partners
    expect(subject).toMatch(/^Your Tandem introduction/);
    expect(html?.headers()['content-type']).toContain('text/html');
    expect(plain?.headers()['content-type']).toContain('text/plain');
    for (const part of [htmlText, plainText]) {
      expect(part).toContain(`Dear ${member.name},`);
      for (const partner of partners) expect(part).toContain(partner.name);
    }
    expect(partners.length).toBeGreaterThan(0);
    // Assess: one introduction sent to everyone the launch page named: the whole cohort, all partnered
    const partnered = state.members.filter((m) => m.partnershipId && m.status === 'active').length;
    expect(introductions).toBe(partnered);
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBe(introductions);
    expect(members).toBe(await rowsOf(COHORT));
    expect(sent).toBe(members);
    expect(visited).toEqual(clean());
  });
});
