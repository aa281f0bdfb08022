import { describe, expect, it } from 'vitest';
import { COORDINATOR_SOURCE, RoundLaunchRequested } from '#core/events';
import { busRules } from '#infra/wiring';
import {
  type EventPattern,
  EventRouter,
  matches,
  routeEvent,
  UnsupportedPatternError,
} from '#local/event-router';

const event = (overrides: Record<string, unknown> = {}) => ({
  version: '0',
  id: 'e-1',
  'detail-type': RoundLaunchRequested.detailType,
  source: COORDINATOR_SOURCE,
  account: '000000000000',
  time: '2026-03-02T09:00:00Z',
  region: 'eu-west-1',
  resources: ['arn:aws:events:eu-west-1:000000000000:rule/a', 'arn:aws:events:eu-west-1:000000000000:rule/b'],
  detail: { roundId: 'spring-2026', cohort: { size: 12, region: 'apac' }, flags: ['pilot', 'intl'] },
  ...overrides,
});

describe('routeEvent with the rules of infra/wiring.ts', () => {
  it('sends a coordinator launch request to launchRound', () => {
    expect(routeEvent(busRules, event())).toEqual(['launchRound']);
  });

  it('routes an event of another source or detail type nowhere', () => {
    expect(routeEvent(busRules, event({ source: 'tandem.other' }))).toEqual([]);
    expect(routeEvent(busRules, event({ 'detail-type': 'RoundClosed' }))).toEqual([]);
  });
});

describe('routing by bus', () => {
  const sesBounce = event({
    source: 'aws.ses',
    'detail-type': 'Email Bounced',
    detail: { eventType: 'Bounce', mail: { messageId: 'm-1' } },
  });

  it('routes a launch request only when it is on the Tandem bus', () => {
    expect(routeEvent(busRules, event(), 'tandem')).toEqual(['launchRound']);
    expect(routeEvent(busRules, event(), 'default')).toEqual([]);
  });

  it('routes an SES event only when it is on the default bus', () => {
    expect(routeEvent(busRules, sesBounce, 'default')).toEqual(['mailEvents']);
    expect(routeEvent(busRules, sesBounce, 'tandem')).toEqual([]);
  });

  it('puts a rule that names no bus on the default bus, as AWS does', () => {
    const router = new EventRouter([{ id: 'R', pattern: { source: [COORDINATOR_SOURCE] }, target: 'x' }]);

    expect(router.route(event(), 'default')).toEqual(['x']);
    expect(router.route(event(), 'tandem')).toEqual([]);
  });
});

describe('matches', () => {
  it.each<[string, EventPattern, boolean]>([
    ['a literal in the list', { source: ['x', COORDINATOR_SOURCE] }, true],
    ['no literal in the list', { source: ['x'] }, false],
    ['a nested literal', { detail: { cohort: { region: ['apac'] } } }, true],
    ['a number, numerically', { detail: { cohort: { size: [12.0] } } }, true],
    ['any element of an array field', { detail: { flags: ['intl'] } }, true],
    ['a prefix', { source: [{ prefix: 'tandem.' }] }, true],
    ['a prefix that does not start the value', { source: [{ prefix: 'coordinator' }] }, false],
    ['exists: true on a present field', { detail: { roundId: [{ exists: true }] } }, true],
    ['exists: true on a missing field', { detail: { partnershipId: [{ exists: true }] } }, false],
    ['exists: false on a missing field', { detail: { partnershipId: [{ exists: false }] } }, true],
    ['anything-but a list without the value', { source: [{ 'anything-but': ['aws.events'] }] }, true],
    ['anything-but a list with the value', { source: [{ 'anything-but': [COORDINATOR_SOURCE] }] }, false],
    ['anything-but a single literal', { detail: { cohort: { size: [{ 'anything-but': 12 }] } } }, false],
    ['anything-but on a missing field', { detail: { missing: [{ 'anything-but': ['x'] }] } }, false],
    ['a literal on a missing field', { detail: { missing: ['x'] } }, false],
    ['a nested pattern where the event has a string', { source: { inner: ['x'] } }, false],
    ['all keys, when one fails', { source: [COORDINATOR_SOURCE], 'detail-type': ['Other'] }, false],
    ['either alternative in one list', { detail: { roundId: [{ prefix: 'autumn' }, 'spring-2026'] } }, true],
  ])('%s → %s', (_name, pattern, expected) => {
    expect(matches(pattern, event())).toBe(expected);
  });
});

describe('unsupported patterns', () => {
  it.each<[string, unknown]>([
    ['numeric ranges', { detail: { size: [{ numeric: ['>', 10] }] } }],
    ['suffix', { source: [{ suffix: '.coordinator' }] }],
    ['wildcard', { source: [{ wildcard: 'tandem.*' }] }],
    ['$or', { $or: [{ source: ['a'] }, { source: ['b'] }] }],
    ['a bare string value', { source: 'tandem.coordinator' }],
    ['an empty list', { source: [] }],
    ['an empty object', {}],
    ['two operators in one filter', { source: [{ prefix: 'a', exists: true }] }],
    ['anything-but with a prefix', { source: [{ 'anything-but': { prefix: 'aws.' } }] }],
  ])('refuses %s when the router is built', (_name, pattern) => {
    const build = () =>
      new EventRouter([{ id: 'R', pattern: pattern as EventPattern, target: 'launchRound' }]);

    expect(build).toThrow(UnsupportedPatternError);
    expect(build).toThrow(/Rule R: Unsupported pattern/);
  });
});
