import { describe, expect, it } from 'vitest';
import { relayAddress, relayAddressOwner, type SigningKeys, verifyRelayAddress } from '#core/relay-address';
import { participantId } from './fixtures.ts';

const KEY_1 = 'first-key-0123456789abcdef0123456789';
const KEY_2 = 'second-key-0123456789abcdef012345678';
const v1: SigningKeys = { current: '1', keys: { '1': KEY_1 } };
const aroha = { roundId: 'spring-2025', participantId: participantId('aroha') };
const bashir = { roundId: 'spring-2025', participantId: participantId('bashir') };
const DOMAIN = 'reply.tandem.example';

/** Splits an address into its round, participant, key version and MAC. */
const parts = (address: string) => {
  const match = /^r-([^.]+)\.([^.]+)\.(.)(.{16})@(.+)$/.exec(address);
  if (!match) throw new Error(`not a relay address: ${address}`);
  const [, round, participant, version, mac, domain] = match as unknown as string[];
  return { round, participant, version, mac, domain } as Record<string, string>;
};

describe('relayAddress', () => {
  it('builds r-<round>.<participant>.<version><mac>@<domain>', () => {
    // Act
    const address = relayAddress(aroha, v1, DOMAIN);

    // Assess
    expect(parts(address)).toMatchObject({
      round: aroha.roundId,
      participant: aroha.participantId,
      version: '1',
      domain: DOMAIN,
    });
    expect(parts(address).mac).toMatch(/^[a-z2-7]{16}$/);
  });

  it('signs different participants with different MACs', () => {
    expect(parts(relayAddress(aroha, v1, DOMAIN)).mac).not.toBe(parts(relayAddress(bashir, v1, DOMAIN)).mac);
  });

  it('refuses to sign when the current key version has no key', () => {
    expect(() => relayAddress(aroha, { current: '2', keys: { '1': KEY_1 } }, DOMAIN)).toThrow(/version 2/);
  });
});

describe('verifyRelayAddress', () => {
  it('returns the identity behind an address it issued', () => {
    expect(verifyRelayAddress(relayAddress(aroha, v1, DOMAIN), v1)).toEqual(aroha);
  });

  it('rejects an address whose MAC was altered', () => {
    // Prepare
    const address = relayAddress(aroha, v1, DOMAIN);
    const { mac } = parts(address);
    const forged = address.replace(mac as string, `${mac?.[0] === 'a' ? 'b' : 'a'}${mac?.slice(1)}`);

    // Act
    const identity = verifyRelayAddress(forged, v1);

    // Assess
    expect(forged).not.toBe(address);
    expect(identity).toBeUndefined();
  });

  it("rejects one participant's MAC carried over to another participant", () => {
    // Prepare
    const address = relayAddress(aroha, v1, DOMAIN);
    const stolen = address.replace(aroha.participantId, bashir.participantId);

    // Act & Assess
    expect(verifyRelayAddress(stolen, v1)).toBeUndefined();
  });

  it('rejects an address signed with a key version it does not know', () => {
    // Prepare
    const address = relayAddress(aroha, { current: '2', keys: { '2': KEY_2 } }, DOMAIN);

    // Act & Assess
    expect(verifyRelayAddress(address, v1)).toBeUndefined();
  });

  it.each([
    ['an empty string', ''],
    ['an ordinary address', 'aroha@example.org'],
    ['a truncated MAC', `r-spring-2025.${participantId('aroha')}.1abcdefgh@${DOMAIN}`],
    ['a participant id of the wrong shape', `r-spring-2025.aroha.1abcdefghijklmnop@${DOMAIN}`],
    [
      'a MAC with characters outside base32',
      `r-spring-2025.${participantId('aroha')}.10189abcdefghijkl@${DOMAIN}`,
    ],
  ])('rejects %s', (_what, address) => {
    expect(verifyRelayAddress(address, v1)).toBeUndefined();
  });

  it('still verifies an address signed with the old key while that key is listed after a rotation', () => {
    // Prepare
    const address = relayAddress(aroha, v1, DOMAIN);
    const rotated: SigningKeys = { current: '2', keys: { '1': KEY_1, '2': KEY_2 } };

    // Act
    const identity = verifyRelayAddress(address, rotated);

    // Assess
    expect(identity).toEqual(aroha);
    expect(parts(relayAddress(aroha, rotated, DOMAIN)).version).toBe('2');
  });

  it('stops verifying the old address once the old key is retired', () => {
    // Prepare
    const address = relayAddress(aroha, v1, DOMAIN);
    const retired: SigningKeys = { current: '2', keys: { '2': KEY_2 } };

    // Act & Assess
    expect(verifyRelayAddress(address, retired)).toBeUndefined();
  });

  it('verifies an address whose local part an MTA upper-cased', () => {
    // Prepare
    const address = relayAddress(aroha, v1, DOMAIN).toUpperCase();

    // Act & Assess
    expect(verifyRelayAddress(address, v1)).toEqual(aroha);
  });

  it('rejects an address verified against a different secret under the same version', () => {
    const address = relayAddress(aroha, v1, DOMAIN);

    expect(verifyRelayAddress(address, { current: '1', keys: { '1': KEY_2 } })).toBeUndefined();
  });
});

describe('relayAddressOwner', () => {
  it('names whom a relay address was issued for, in any case, without checking its MAC', () => {
    const address = relayAddress(aroha, v1, DOMAIN);
    const forged = `r-spring-2025.${bashir.participantId}.1aaaaaaaaaaaaaaaa@${DOMAIN}`;

    expect(relayAddressOwner(address.toUpperCase())).toBe(aroha.participantId);
    expect(relayAddressOwner(forged)).toBe(bashir.participantId);
  });

  it('names nobody for any other address', () => {
    expect(relayAddressOwner('aroha@example.org')).toBeUndefined();
    expect(relayAddressOwner(`coordinator@${DOMAIN}`)).toBeUndefined();
  });
});
