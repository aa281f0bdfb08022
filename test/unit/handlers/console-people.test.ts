import { describe, expect, it } from 'vitest';
import type { Member, Partnership } from '#core/model';
import type { Coordinator } from '#handlers/console/context';
import { type PeopleRouteDeps, peopleRoutes } from '#handlers/console/people';
import { VirtualClock } from '#local/clock';
import type { RawMailEraser } from '#ports/personal-data';
import { exportPersonalData } from '../../../functions/use-cases/coordinator/export-participant.ts';
import { aMember, aRound, partnered } from '../core/fixtures.ts';
import { InMemoryActionWrites, partnershipOf } from '../use-cases/fake-actions.ts';
import { InMemoryAuditTrail } from '../use-cases/fake-console.ts';
import { InMemoryPersonalData, RecordingEraser } from '../use-cases/fake-personal-data.ts';
import { InMemoryStore, RecordingBus } from '../use-cases/fakes.ts';
import { consoleRoutes, ROUND_COORDINATOR, STAGE, silenceLogs } from './console-harness.ts';

silenceLogs();

const NOW = '2027-05-01T10:00:00.000Z';

/** Ana, partnered with Ben in a running round (Ana wrote once), and in a closed round before. */
const consoleOn = (options: { coordinator?: Coordinator; failOnce?: boolean } = {}) => {
  const spring = aRound({ id: 'spring', status: 'closed', coordinatorEmail: ROUND_COORDINATOR.email });
  const autumn = aRound({ id: 'autumn', status: 'running', startDate: '2027-04-05' });
  const [ana, ben] = partnered('pair', [
    aMember({
      seed: 'ana',
      roundId: 'autumn',
      name: 'Ana <script>alert(1)</script>',
      notes: { pronouns: 'she/her' },
    }),
    aMember({ seed: 'ben', roundId: 'autumn', country: 'DE' }),
  ]) as [Member, Member];
  const anaBefore = aMember({ seed: 'ana', roundId: 'spring' });
  const store = new InMemoryStore([spring, autumn], [anaBefore, ana, ben]);
  const {
    roundId: _r,
    partnerIds: _p,
    previousPartnerIds: _pp,
    checkins: _c,
    softBounces: _s,
    ...profile
  } = ana;
  store.participants.set(ana.email, { ...profile });
  const data = new InMemoryPersonalData(store);
  data.emails.set(ana.email, ana.id);
  data.profiles.set(ana.id, { v: 1, ...profile });
  const pair: Partnership = { ...partnershipOf([ana, ben]), explanation: 'shared interests: makerspaces' };
  data.partnershipItems.push({ v: 1, ...pair });
  data.arrivalItems.push({
    mailId: 'mail-1',
    receivedAt: '2027-04-10T08:00:00.000Z',
    envelope: { mailFrom: ana.email, recipients: ['r-autumn.x@reply.tandem.example'] },
    verdicts: { spam: 'PASS', virus: 'PASS', dmarc: 'PASS' },
  });
  const eraser = new RecordingEraser('s3://raw-mail/inbound/');
  let failures = options.failOnce ? 1 : 0;
  const rawMailEraser: RawMailEraser = {
    locate: eraser.locate,
    erase: async (mailId) => {
      if (failures-- > 0) throw new Error('S3: SlowDown');
      await eraser.erase(mailId);
    },
  };
  const bus = new RecordingBus();
  const trail = new InMemoryAuditTrail();
  const deps: PeopleRouteDeps = {
    personalData: data,
    membership: store,
    participants: store,
    lifecycle: new InMemoryActionWrites([pair], [ana, ben]),
    bus,
    rawMailEraser,
    clock: new VirtualClock(NOW),
    audit: trail,
  };
  const { get, post } = consoleRoutes('/people', peopleRoutes(deps), options.coordinator);
  return { ana, ben, store, data, bus, eraser, trail, deps, get, post };
};

describe('finding a person', () => {
  it('finds them by address in any case, and says what is stored and where they take part', async () => {
    // Prepare
    const site = consoleOn();

    const reads: string[] = [];
    const arrivals = site.data.arrivals.bind(site.data);
    site.data.arrivals = async (...args) => {
      reads.push('arrivals');
      return arrivals(...args);
    };

    // Act
    const page = await site.get('/console/people?email=%20ANA@Example.org%20');

    // Assess
    expect(page.status).toBe(200);
    expect(page.body).toContain('<h2 id="person">ana@example.org</h2>');
    expect(page.body).toContain(`<dt>Participant id</dt><dd>${site.ana.id}</dd>`);
    expect(page.body).toContain('<dt>Rounds</dt><dd>2 rounds</dd>');
    expect(page.body).toContain('<td>running</td><td>active</td><td>Unsubscribes them first</td>');
    expect(page.body).toContain('<td>closed</td><td>active</td><td>Removes their details</td>');
    // The search reads no arrivals: a Scan waits until the export or the erasure is asked for.
    expect(reads).not.toContain('arrivals');
    expect(page.body).toContain(`href="/console/people/${site.ana.id}/export.json" download`);
    expect(page.body).toContain(`href="/console/people/${site.ana.id}/forget"`);
  });

  it('says nobody is registered with an unknown address (404), and what is wrong with a malformed one (400)', async () => {
    // Prepare
    const site = consoleOn();

    // Act
    const unknown = await site.get('/console/people?email=nobody@example.org');
    const malformed = await site.get('/console/people?email=%3Cscript%3E');

    // Assess
    expect(unknown.status).toBe(404);
    expect(unknown.body).toContain(
      '<li><a href="#email">Nobody is registered with nobody@example.org</a></li>',
    );
    expect(malformed.status).toBe(400);
    expect(malformed.body).toContain('value="&lt;script&gt;"');
    expect(malformed.body).toContain('aria-describedby="email-hint email-error" aria-invalid="true"');
  });

  it("refuses a round's own coordinator every people page (403), changing nothing", async () => {
    // Prepare
    const site = consoleOn({ coordinator: ROUND_COORDINATOR });

    // Act
    const statuses = [
      (await site.get('/console/people')).status,
      (await site.get('/console/people?email=ana@example.org')).status,
      (await site.get(`/console/people/${site.ana.id}/export.json`)).status,
      (await site.get(`/console/people/${site.ana.id}/forget`)).status,
      (await site.post(`/console/people/${site.ana.id}/forget`, { confirm_email: site.ana.email })).status,
    ];

    // Assess
    expect(statuses).toEqual([403, 403, 403, 403, 403]);
    expect(site.data.emails.has(site.ana.email)).toBe(true);
    expect(site.trail.entries).toEqual([]);
  });
});

describe('exporting a person’s data', () => {
  it('downloads the JSON of `tandem participants export`, and records it with their id only', async () => {
    // Prepare
    const site = consoleOn();
    const cli = `${JSON.stringify(await exportPersonalData(site.deps, site.ana.email, new Date(NOW)), null, 2)}\n`;

    // Act
    const file = await site.get(`/console/people/${site.ana.id}/export.json`);

    // Assess
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(file.headers.get('content-disposition')).toBe(`attachment; filename="tandem-${site.ana.id}.json"`);
    expect(file.headers.get('cache-control')).toBe('no-store');
    expect(file.body).toBe(cli);
    expect(site.trail.entries).toEqual([
      { actor: STAGE.email, action: 'participant-export', detail: site.ana.id, at: new Date(NOW) },
    ]);
  });

  it('answers 404 for an id nobody has', async () => {
    // Act
    const file = await consoleOn().get('/console/people/pzzzzzzzzzzzz/export.json');
    const malformed = await consoleOn().get('/console/people/..%2F/export.json');

    // Assess
    expect(file.status).toBe(404);
    expect(malformed.status).toBe(404);
  });
});

describe('forgetting a person', () => {
  it('shows what will be erased and kept first, and asks for the address', async () => {
    // Prepare
    const site = consoleOn();

    // Act
    const page = await site.get(`/console/people/${site.ana.id}/forget`);

    // Assess
    expect(page.status).toBe(200);
    expect(page.body).toContain('<h1>Forget ana@example.org?</h1>');
    expect(page.body).toContain(
      '<li>Unsubscribes them from running round autumn (their partner is told and re-paired',
    );
    expect(page.body).toContain('from their profile and 2 round memberships.</li>');
    expect(page.body).toContain('<li>Removes the matcher’s explanation from 1 partnership.</li>');
    expect(page.body).toContain('<li>Deletes 1 raw mail they sent (s3://raw-mail/inbound/mail-1)');
    expect(page.body).toContain('<li>Keeps, by participant id only:');
    expect(page.body).toContain('<input id="confirm_email" name="confirm_email" type="email" value=""');
    expect(site.data.writes).toEqual([]);
  });

  it('refuses an address that is not theirs, forgetting nobody (400)', async () => {
    // Prepare
    const site = consoleOn();

    // Act
    const wrong = await site.post(`/console/people/${site.ana.id}/forget`, { confirm_email: site.ben.email });
    const empty = await site.post(`/console/people/${site.ana.id}/forget`, { confirm_email: '' });

    // Assess
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain(
      '<li><a href="#confirm_email">That is not their address: type ana@example.org. Nobody was forgotten</a></li>',
    );
    expect(wrong.body).toContain('value="ben@example.org"');
    expect(empty.status).toBe(400);
    expect(site.data.writes).toEqual([]);
    expect(site.eraser.erased).toEqual([]);
    expect(site.bus.events).toEqual([]);
    expect(site.trail.entries).toEqual([]);
  });

  it('forgets them as `tandem participants forget` does once the address is typed again', async () => {
    // Prepare
    const site = consoleOn();

    // Act
    const done = await site.post(`/console/people/${site.ana.id}/forget`, {
      confirm_email: ' Ana@Example.org ',
    });
    const after = await site.get(done.location ?? '');
    const again = await site.get('/console/people?email=ana@example.org');

    // Assess
    expect(done.status).toBe(303);
    expect(done.location).toBe(`/console/people?forgotten=${site.ana.id}&left=1&refused=0`);
    expect(site.eraser.erased).toEqual(['mail-1']);
    expect(site.bus.events).toEqual([
      {
        detailType: 'MemberChanged',
        detail: expect.objectContaining({ roundId: 'autumn', participantId: site.ana.id }),
      },
    ]);
    expect(site.data.profiles.get(site.ana.id)).toMatchObject({
      name: 'your partner',
      email: `${site.ana.id}@forgotten.invalid`,
    });
    expect(site.data.emails.has(site.ana.email)).toBe(false);
    expect(site.trail.entries).toEqual([
      { actor: STAGE.email, action: 'participant-forget', detail: site.ana.id, at: new Date(NOW) },
    ]);
    expect(after.body).toContain(
      `Participant ${site.ana.id} was forgotten: their address is unknown now. They were unsubscribed from 1 round first.`,
    );
    expect(again.status).toBe(404);
  });

  it('says when forgetting stopped part-way, and pressing again finishes it', async () => {
    // Prepare
    const site = consoleOn({ failOnce: true });

    // Act
    const stopped = await site.post(`/console/people/${site.ana.id}/forget`, {
      confirm_email: site.ana.email,
    });
    const finished = await site.post(`/console/people/${site.ana.id}/forget`, {
      confirm_email: site.ana.email,
    });

    // Assess
    expect(stopped.status).toBe(503);
    expect(stopped.body).toContain('Forgetting stopped part-way');
    expect(stopped.body).toContain('value="ana@example.org"');
    expect(finished.status).toBe(303);
    expect(site.data.emails.has(site.ana.email)).toBe(false);
    expect(site.trail.entries.map((e) => [e.action, e.detail])).toEqual([
      ['participant-forget-incomplete', site.ana.id],
      ['participant-forget', site.ana.id],
    ]);
  });
});
