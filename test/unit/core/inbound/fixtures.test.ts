import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Classification, classifyMail, type OurAddresses } from '#core/inbound/classify-mail';
import { parseMail } from '#core/inbound/parse-mail';

interface Expectation {
  behaviour: string;
  language: string;
  client: string;
  envelope?: { mailFrom: string };
  classification: Classification;
}

const dir = fileURLToPath(new URL('../../../fixtures/inbound/', import.meta.url));
const expected = JSON.parse(readFileSync(`${dir}expected.json`, 'utf8')) as {
  ours: OurAddresses;
  fixtures: Record<string, Expectation>;
};

describe('inbound fixture library', () => {
  it.each(Object.entries(expected.fixtures))('classifies %s %s', async (name, expectation) => {
    // Prepare
    const raw = readFileSync(`${dir}${name}`);
    const mail = await parseMail(raw);
    const envelope = {
      mailFrom: expectation.envelope?.mailFrom ?? mail.from?.address ?? '',
      recipients: mail.to.map((to) => to.address),
    };

    // Act
    const classification = classifyMail(mail, envelope, expected.ours);

    // Assess
    expect(classification).toEqual(expectation.classification);
  });

  it('has an expectation for every fixture file and a file for every expectation', () => {
    // Prepare
    const files = readdirSync(dir).filter((name) => name.endsWith('.eml'));

    // Assess
    expect(
      files.filter((name) => !(name in expected.fixtures)),
      'fixtures without expectation',
    ).toEqual([]);
    expect(
      Object.keys(expected.fixtures).filter((name) => !files.includes(name)),
      'expectations without fixture',
    ).toEqual([]);
  });

  it('covers at least 150 mails in 20 languages from 12 clients', () => {
    const expectations = Object.values(expected.fixtures);

    expect(expectations.length).toBeGreaterThanOrEqual(150);
    expect(new Set(expectations.map((expectation) => expectation.language)).size).toBeGreaterThanOrEqual(20);
    expect(new Set(expectations.map((expectation) => expectation.client)).size).toBeGreaterThanOrEqual(12);
  });

  it('writes every fixture with CRLF line endings only', () => {
    for (const name of Object.keys(expected.fixtures)) {
      const text = readFileSync(`${dir}${name}`, 'latin1');
      expect(text.replace(/\r\n/g, ''), name).not.toMatch(/[\r\n]/);
    }
  });
});
