import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import type { SigningKeys } from '#core/relay-address';
import type { AwsClients } from './aws-clients.ts';

const KeyVersion = z.string().regex(/^[0-9a-z]$/, 'key version: one character 0-9 or a-z');

/**
 * The stored document is flat — `{"current": "1", "1": "<key>", "2": "<key>"}` — because that is the
 * shape Secrets Manager can generate (see infra/constructs/relay-signing-keys.ts).
 */
const SigningKeysDocument = z
  .object({ current: KeyVersion })
  .catchall(z.string().min(32, 'signing key: at least 32 characters'))
  .transform(({ current, ...keys }) => ({ current, keys: keys as Record<string, string> }))
  .refine((doc) => Object.keys(doc.keys).every((v) => KeyVersion.safeParse(v).success), {
    message: 'key versions: one character 0-9 or a-z each',
  })
  .refine((doc) => doc.keys[doc.current] !== undefined, { message: 'the current key version has no key' });

const parseKeys = (json: string, source: string): SigningKeys => {
  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch {
    throw new Error(`${source}: not JSON`);
  }
  const result = SigningKeysDocument.safeParse(document);
  if (!result.success) throw new Error(`${source}: ${result.error.issues.map((i) => i.message).join('; ')}`);
  return result.data;
};

/**
 * Reads the HMAC signing keys from Secrets Manager on AWS, or from the environment on the local stack
 * (where the Secrets Manager client is then never made).
 */
export const loadSigningKeys = async (
  source: {
    SIGNING_KEYS_SECRET_ARN?: string | undefined;
    SIGNING_KEYS?: string | undefined;
  },
  clients: Pick<AwsClients, 'secrets'>,
): Promise<SigningKeys> => {
  if (source.SIGNING_KEYS) return parseKeys(source.SIGNING_KEYS, 'SIGNING_KEYS');
  const secret = await clients.secrets.send(
    new GetSecretValueCommand({ SecretId: source.SIGNING_KEYS_SECRET_ARN }),
  );
  if (!secret.SecretString) throw new Error('signing keys secret has no string value');
  return parseKeys(secret.SecretString, 'signing keys secret');
};

/**
 * Reads the value CloudFront puts in every origin request (see `ORIGIN_VERIFY_HEADER`); undefined where
 * there is no CloudFront (the local stack, or a stage read from a test).
 */
export const loadOriginSecret = async (
  source: { ORIGIN_VERIFY_SECRET_ARN?: string | undefined },
  clients: Pick<AwsClients, 'secrets'>,
): Promise<string | undefined> => {
  if (!source.ORIGIN_VERIFY_SECRET_ARN) return undefined;
  const secret = await clients.secrets.send(
    new GetSecretValueCommand({ SecretId: source.ORIGIN_VERIFY_SECRET_ARN }),
  );
  if (!secret.SecretString) throw new Error('origin verify secret has no string value');
  return secret.SecretString;
};
