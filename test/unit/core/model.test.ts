import { describe, expect, it } from 'vitest';
import { Profile, SendJob } from '#core/model';

const validProfile = {
  email: 'Aroha.Ngata@Library.Example.NZ',
  name: '  Aroha Ngata ',
  country: 'NZ',
  languages: ['en', 'mi'],
  timezone: 'Pacific/Auckland',
  sector: 'public',
  careerStage: 'mid',
};

const issueFor = (input: unknown) => {
  const result = Profile.safeParse(input);
  if (result.success) throw new Error('expected the profile to be rejected');
  return result.error.issues[0];
};

describe('Profile', () => {
  it('lower-cases the email address and trims the name', () => {
    // Act
    const profile = Profile.parse(validProfile);

    // Assess
    expect(profile.email).toBe('aroha.ngata@library.example.nz');
    expect(profile.name).toBe('Aroha Ngata');
    expect(profile.organisation).toBe('');
    expect(profile.interests).toEqual([]);
  });

  it('rejects a lowercase country code with a message naming the country', () => {
    const issue = issueFor({ ...validProfile, country: 'nz' });

    expect(issue?.path).toEqual(['country']);
    expect(issue?.message).toMatch(/^country:/);
  });

  it('rejects a time zone that is not in the IANA database with a message naming the timezone', () => {
    const issue = issueFor({ ...validProfile, timezone: 'Mars/Olympus_Mons' });

    expect(issue?.path).toEqual(['timezone']);
    expect(issue?.message).toMatch(/^timezone:/);
  });

  it('rejects a language written out in words with a message naming the language', () => {
    const issue = issueFor({ ...validProfile, languages: ['English'] });

    expect(issue?.path).toEqual(['languages', 0]);
    expect(issue?.message).toMatch(/^language:/);
  });

  it('rejects a profile without any language', () => {
    const issue = issueFor({ ...validProfile, languages: [] });

    expect(issue?.path).toEqual(['languages']);
  });
});

describe('SendJob', () => {
  it('accepts a topic job with ids only', () => {
    const job = { v: 1, roundId: 'spring-2025', participantId: 'paaaaaaaaaaaa', kind: 'topic', topic: 3 };

    expect(SendJob.parse(job)).toEqual(job);
  });

  it('rejects a job of an unknown version', () => {
    const job = { v: 2, roundId: 'spring-2025', participantId: 'paaaaaaaaaaaa', kind: 'topic', topic: 3 };

    expect(SendJob.safeParse(job).success).toBe(false);
  });
});
