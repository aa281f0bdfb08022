import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import type { SigningKeys } from '#core/relay-address';
import { secretsClient } from './aws-clients.ts';

const KeyVersion = z.string().regex(/^[0-9a-z]$/, 'key version: one character 0-9 or a-z');

const SigningKeysDocument = z
  .object({
    current: KeyVersion,
    keys: z.record(KeyVersion, z.string().min(32, 'signing key: at least 32 characters')),
  })
  .refine((doc) => doc.keys[doc.current] !== undefined, { message: 'the current key version has no key' });

const parseKeys = (json: string, source: string): SigningKeys => {
  const result = SigningKeysDocument.safeParse(JSON.parse(json));
  if (!result.success) throw new Error(`${source}: ${result.error.issues.map((i) => i.message).join('; ')}`);
  return result.data;
};

/** Reads the HMAC signing keys from Secrets Manager on AWS, or from the environment on the local stack. */
export const loadSigningKeys = async (source: {
  SIGNING_KEYS_SECRET_ARN?: string | undefined;
  SIGNING_KEYS?: string | undefined;
}): Promise<SigningKeys> => {
  if (source.SIGNING_KEYS) return parseKeys(source.SIGNING_KEYS, 'SIGNING_KEYS');
  const secret = await secretsClient().send(
    new GetSecretValueCommand({ SecretId: source.SIGNING_KEYS_SECRET_ARN }),
  );
  if (!secret.SecretString) throw new Error('signing keys secret has no string value');
  return parseKeys(secret.SecretString, 'signing keys secret');
};
