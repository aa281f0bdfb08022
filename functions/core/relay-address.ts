import { createHmac, timingSafeEqual } from 'node:crypto';
import { base32 } from './ids.ts';

/** HMAC keys by version; `current` signs, every listed version verifies, so keys can rotate. */
export interface SigningKeys {
  current: string;
  keys: Record<string, string>;
}

export interface RelayIdentity {
  roundId: string;
  participantId: string;
}

const MAC_LENGTH = 16; // 80 bits of HMAC-SHA256, base32

const mac = (secret: string, id: RelayIdentity): string =>
  base32(createHmac('sha256', secret).update(`relay|${id.roundId}|${id.participantId}`).digest()).slice(
    0,
    MAC_LENGTH,
  );

/**
 * The per-participant relay address used as Reply-To: `r-<round>.<participant>.<key version><mac>@domain`.
 * The ids alone are not enough to write to a partner: the MAC proves we issued the address.
 */
export const relayAddress = (id: RelayIdentity, keys: SigningKeys, domain: string): string => {
  const secret = keys.keys[keys.current];
  if (!secret) throw new Error(`signing key version ${keys.current} is not among the keys`);
  return `r-${id.roundId}.${id.participantId}.${keys.current}${mac(secret, id)}@${domain}`;
};

const LOCAL_PART = /^r-([a-z0-9][a-z0-9-]{0,23})\.(p[a-z2-7]{12})\.([0-9a-z])([a-z2-7]{16})$/;

/** The identity behind a relay address, or undefined if it is malformed, of an unknown key, or forged. */
export const verifyRelayAddress = (address: string, keys: SigningKeys): RelayIdentity | undefined => {
  const localPart = address.split('@')[0]?.toLowerCase() ?? '';
  const match = LOCAL_PART.exec(localPart);
  if (!match) return undefined;
  const [, roundId, participantId, version, given] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
  ];
  const secret = keys.keys[version];
  if (!secret) return undefined;
  const id = { roundId, participantId };
  const expected = Buffer.from(mac(secret, id));
  return timingSafeEqual(expected, Buffer.from(given)) ? id : undefined;
};

/** `r-<round>.<participant>.…`: the ids alone, whatever follows them. */
const OWNER_PREFIX = /^r-[a-z0-9][a-z0-9-]{0,23}\.(p[a-z2-7]{12})\./;

/**
 * The participant a relay address names, without checking its MAC (a forged one still names whom it
 * was sent for); undefined for any other address.
 */
export const relayAddressOwner = (recipient: string): string | undefined =>
  OWNER_PREFIX.exec(recipient.toLowerCase())?.[1];
