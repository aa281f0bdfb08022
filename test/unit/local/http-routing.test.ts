import { describe, expect, it } from 'vitest';
import { httpTargetFor } from '#infra/wiring';

describe('the one HTTP origin routes by path, as CloudFront does', () => {
  it.each([
    ['/l/abc.def', 'links'],
    ['/join/spring-2027', 'web'],
    ['/join/confirm', 'web'],
    ['/join/assets/sign-up-0123.js', 'web'],
  ])('sends %s to %s', (path, target) => {
    expect(httpTargetFor(path)).toBe(target);
  });

  it.each(['/', '/join', '/l', '/joinus/x', '/favicon.ico'])('serves %s by no function', (path) => {
    expect(httpTargetFor(path)).toBeUndefined();
  });
});
