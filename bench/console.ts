// How long a coordinator waits for a round's registrations page in the console (issue 15: "a 2,000-person
// registrations page answers in ≤ 1 s locally"). A local stack on free ports, a draft round of 2,000
// people registered through the import use case (`participants import`, the console's upload), a session
// opened the way a coordinator opens one (the sign-in form, the mailed link, its button), then three
// screens of the list over the stack's HTTP front, with the session's cookie: the first screen (one
// query, in the table's order), a search and a sorted screen (both read the whole round). The requests
// alternate, so that other work on the machine slows all three alike.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DynamoStore } from '#adapters/dynamo-store';
import { newRound } from '#core/coordinator/new-round';
import { newId } from '#core/ids';
import { VirtualClock } from '#local/clock';
import { syntheticCohort } from '#local/cohort';
import { localNames } from '#local/config';
import { freePorts } from '#local/free-port';
import { startLocalStack } from '#local/stack';
import { createRound } from '../functions/use-cases/coordinator/create-round.ts';
import { importRegistrations } from '../functions/use-cases/coordinator/import-registrations.ts';

const RUNS = 15;
const PEOPLE = 2_000;
const GOAL_MS = 1_000;
const ROUND = 'bench-console';
/** Registrations written at once, as the console's upload writes them. */
const CONCURRENCY = 32;
const SUBJECT = 'Your sign-in link to the Tandem console';

const stack = await startLocalStack({
  ports: await freePorts(),
  clock: new VirtualClock(new Date('2027-03-01T00:00:00Z')),
  // The stack's functions log every request; the bench prints its figures alone.
  logLevel: 'SILENT',
});
const origin = stack.env.LINKS_BASE_URL;

/** A browser's cookie jar over fetch: keeps what it is given, sends it back, follows no redirect. */
const jar = new Map<string, string>();
const request = async (path: string, form?: Record<string, string>) => {
  const response = await fetch(path.startsWith('http') ? path : `${origin}${path}`, {
    method: form ? 'POST' : 'GET',
    redirect: 'manual',
    headers: { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') },
    ...(form ? { body: new URLSearchParams(form) } : {}),
  });
  for (const cookie of response.headers.getSetCookie()) {
    const [pair = ''] = cookie.split(';');
    const at = pair.indexOf('=');
    jar.set(pair.slice(0, at), pair.slice(at + 1));
  }
  return { status: response.status, html: await response.text() };
};
const hidden = (html: string, name: string) =>
  (new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1] ?? '').replace(/&amp;/g, '&');

/** Signs the stack's demo coordinator in as a person does: the form, the link from the outbox, its button. */
const signIn = async () => {
  const form = await request('/console/sign-in');
  await request('/console/sign-in', {
    email: localNames.coordinatorEmail,
    form_token: hidden(form.html, 'form_token'),
  });
  await stack.settle();
  const outbox = (await (await fetch(stack.urls.sentMail)).json()) as {
    emails: { subject: string; body: { text?: string } }[];
  };
  const mail = outbox.emails.filter((m) => m.subject === SUBJECT).at(-1);
  const link = /https?:\/\/\S+\/console\/sign-in\/[\w.-]+/.exec(mail?.body.text ?? '')?.[0];
  if (!link) throw new Error('no sign-in link in the outbox');
  const button = await request(link);
  const pressed = await request(link, { form_token: hidden(button.html, 'form_token') });
  if (pressed.status !== 303) throw new Error(`the sign-in button answered ${pressed.status}`);
};

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

try {
  // A draft round of 2,000 people, registered as `tandem participants import` and the upload do.
  const store = new DynamoStore(localNames.tableName, stack.clients.document);
  await createRound(
    { rounds: store },
    newRound({ id: ROUND, name: 'Console bench round', startDate: '2027-04-01', weeks: 16 }),
  );
  const cohort = syntheticCohort(PEOPLE, 1);
  const importStarted = performance.now();
  const imported = await importRegistrations(
    { rounds: store, participants: store, newParticipantId: () => newId('p', randomBytes) },
    {
      roundId: ROUND,
      registrations: cohort.map((profile, index) => ({ ref: { index }, profile })),
      at: stack.clock.now(),
    },
    { concurrency: CONCURRENCY },
  );
  const importMs = performance.now() - importStarted;
  if (imported.imported !== PEOPLE) throw new Error(`imported ${imported.imported} people`);

  await signIn();

  // The last person's family name: a search that finds a screen and more (its names repeat, numbered).
  const wanted = cohort.at(-1)?.name.split(' ')[1] ?? '';
  const list = `/console/rounds/${ROUND}/registrations`;
  const screens = {
    'first screen': { path: list, shows: /50 people on this page\./ },
    search: {
      path: `${list}?q=${encodeURIComponent(wanted)}`,
      shows: new RegExp(`${PEOPLE} people registered; \\d+ match`),
    },
    'sorted screen': { path: `${list}?sort=name&page=20`, shows: /page 20 of 40\./ },
  } as const;
  type Screen = keyof typeof screens;
  const names = Object.keys(screens) as Screen[];

  /** One request's wall time, from sending it to the end of the page; a wrong page stops the bench. */
  const timed = async (screen: Screen) => {
    const began = performance.now();
    const { status, html } = await request(screens[screen].path);
    const ms = performance.now() - began;
    if (status !== 200 || !screens[screen].shows.test(html)) {
      throw new Error(`${screen}: ${status}, not the page expected:\n${html.slice(0, 2_000)}`);
    }
    return ms;
  };

  // The first request of each warms its code path (the handler itself loaded for the sign-in): reported,
  // not counted.
  const first: Partial<Record<Screen, number>> = {};
  for (const name of names) first[name] = await timed(name);
  const found = /(\d+) match/.exec((await request(screens.search.path)).html)?.[1];
  const times: Record<Screen, number[]> = { 'first screen': [], search: [], 'sorted screen': [] };
  for (let i = 0; i < RUNS; i++) for (const name of names) times[name].push(await timed(name));

  const ms = (value: number) => `${Math.round(value)} ms`;
  console.log(
    `node ${process.version}; round ${ROUND}: ${PEOPLE} people, a draft, registered through importRegistrations ` +
      `in ${(importMs / 1000).toFixed(1)} s (concurrency ${CONCURRENCY})`,
  );
  console.log(
    `${RUNS} requests of each screen, alternating, over the stack's HTTP front with a session cookie; ` +
      'wall time from sending the request to the end of the page',
  );
  console.log(
    `first request of each (not counted): ${names.map((n) => `${n} ${ms(first[n] ?? 0)}`).join(', ')}; ` +
      `the search finds ${found} of ${PEOPLE}, the sorted screen is the 20th of 40`,
  );
  for (const name of names) {
    console.log(
      `${name} (${screens[name].path.replace(list, '…/registrations')}): median ${ms(median(times[name]))}, ` +
        `min ${ms(Math.min(...times[name]))}, max ${ms(Math.max(...times[name]))}`,
    );
  }
  const slowest = Math.max(...names.map((name) => median(times[name])));
  console.log(
    `registrations page, ${PEOPLE.toLocaleString('en')} people (slowest median): ${ms(slowest)} (goal <= ${GOAL_MS} ms)`,
  );
} finally {
  await stack.stop();
}
