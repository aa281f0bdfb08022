import { describe, expect, expectTypeOf, it } from 'vitest';
import * as z from 'zod';
import {
  detailToPublish,
  type EventContract,
  eventPattern,
  InvalidEventDetail,
  type PublishedEvent,
  parseEvent,
} from '#core/event-contract';

// A contract of the test's own, so that the helpers are tested apart from Tandem's events.
const Greeted = {
  source: 'test.greeter',
  detailType: 'Greeted',
  detail: z.object({ name: z.string().min(1), times: z.number().int().default(1) }).strict(),
} as const satisfies EventContract;

const Weather = {
  source: 'test.sky',
  detailType: ['Rain Started', 'Rain Stopped'],
  detail: z.looseObject({ place: z.string() }),
} as const satisfies EventContract;

const envelope = (overrides: Record<string, unknown> = {}) => ({
  version: '0',
  id: 'evt-1',
  source: 'test.greeter',
  'detail-type': 'Greeted',
  account: '123456789012',
  time: '2025-03-17T09:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail: { name: 'Aroha' },
  ...overrides,
});

describe('parseEvent', () => {
  it('returns the id, the time and the parsed detail of an event that keeps its contract', () => {
    // Act
    const received = parseEvent(Greeted, envelope());

    // Assess: the detail is the schema's output, default included
    expect(received).toEqual({
      ok: true,
      id: 'evt-1',
      time: '2025-03-17T09:00:00Z',
      detail: { name: 'Aroha', times: 1 },
    });
  });

  it('accepts an event without a time, which only EventBridge adds', () => {
    const { time: _time, ...untimed } = envelope();

    expect(parseEvent(Greeted, untimed)).toMatchObject({ ok: true, time: undefined });
  });

  it.each<[string, unknown]>([
    ['nothing at all', undefined],
    ['null', null],
    ['a string', 'Greeted'],
    ['an array', [envelope()]],
  ])('rejects %s as no event, without throwing', (_what, event) => {
    expect(parseEvent(Greeted, event)).toEqual({ ok: false, problem: expect.stringMatching(/^event: /) });
  });

  it.each<[string, Record<string, unknown>]>([
    ['an empty id', { id: '' }],
    ['no id', { id: undefined }],
  ])('rejects an event with %s, naming the id', (_what, overrides) => {
    expect(parseEvent(Greeted, envelope(overrides))).toEqual({
      ok: false,
      problem: expect.stringMatching(/^id: /),
    });
  });

  it("rejects an event from another source, saying which was expected, with the event's id", () => {
    expect(parseEvent(Greeted, envelope({ source: 'test.impostor' }))).toEqual({
      ok: false,
      id: 'evt-1',
      detailType: 'Greeted',
      problem: 'source: expected "test.greeter", got "test.impostor"',
    });
  });

  it('rejects an event of another detail type, saying which it is', () => {
    expect(parseEvent(Greeted, envelope({ 'detail-type': 'Waved' }))).toEqual({
      ok: false,
      id: 'evt-1',
      detailType: 'Waved',
      problem: 'detail-type: expected "Greeted", got "Waved"',
    });
  });

  it('accepts each detail type of a contract that has several, and no other', () => {
    const sky = (detailType: string) =>
      envelope({ source: 'test.sky', 'detail-type': detailType, detail: { place: 'Wellington' } });

    expect(parseEvent(Weather, sky('Rain Started')).ok).toBe(true);
    expect(parseEvent(Weather, sky('Rain Stopped')).ok).toBe(true);
    expect(parseEvent(Weather, sky('Snow Started'))).toMatchObject({
      ok: false,
      problem: 'detail-type: expected "Rain Started" or "Rain Stopped", got "Snow Started"',
    });
  });

  it.each<[string, unknown, string]>([
    ['a missing detail', undefined, 'detail: '],
    ['a missing field', {}, 'detail.name: '],
    ['a malformed field', { name: 'Aroha', times: 1.5 }, 'detail.times: '],
    [
      'an unknown field of a strict detail',
      { name: 'Aroha', mood: 'glad' },
      'detail: Unrecognized key: "mood"',
    ],
  ])('rejects %s, naming the field', (_what, detail, problem) => {
    expect(parseEvent(Greeted, envelope({ detail }))).toEqual({
      ok: false,
      id: 'evt-1',
      detailType: 'Greeted',
      problem: expect.stringContaining(problem),
    });
  });

  it('names every field that is wrong, not only the first', () => {
    const received = parseEvent(Greeted, envelope({ detail: { name: '', times: 'twice' } }));

    expect(received.ok ? undefined : received.problem.split('; ').map((line) => line.split(':')[0])).toEqual([
      'detail.name',
      'detail.times',
    ]);
  });
});

describe('detailToPublish', () => {
  it('returns the detail as the schema makes it, defaults and all', () => {
    expect(detailToPublish(Greeted, { name: 'Aroha' })).toEqual({ name: 'Aroha', times: 1 });
  });

  it('refuses a detail the contract does not allow, naming the event and the field', () => {
    // Act
    const attempt = () => detailToPublish(Greeted, { name: '' });

    // Assess
    expect(attempt).toThrow(InvalidEventDetail);
    expect(attempt).toThrow(/^Greeted not published, its detail is invalid: detail\.name: /);
  });

  it('keeps what zod said as the cause, and the detail type and problem as fields', () => {
    // Act
    let error: unknown;
    try {
      detailToPublish(Greeted, { name: 'Aroha', mood: 'glad' } as { name: string });
    } catch (thrown) {
      error = thrown;
    }

    // Assess
    expect(error).toMatchObject({
      name: 'InvalidEventDetail',
      detailType: 'Greeted',
      problem: 'detail: Unrecognized key: "mood"',
    });
    expect((error as Error).cause).toBeInstanceOf(z.ZodError);
  });
});

describe('which contracts can be published', () => {
  it('takes a contract with one detail type, and refuses at compile time one with several', () => {
    expectTypeOf(Greeted).toExtend<PublishedEvent>();
    expectTypeOf(Weather).not.toExtend<PublishedEvent>();
  });
});

describe('eventPattern', () => {
  it("matches the contract's source and its one detail type", () => {
    expect(eventPattern(Greeted)).toEqual({ source: ['test.greeter'], 'detail-type': ['Greeted'] });
  });

  it('lists every detail type of a contract that has several', () => {
    expect(eventPattern(Weather)).toEqual({
      source: ['test.sky'],
      'detail-type': ['Rain Started', 'Rain Stopped'],
    });
  });
});
