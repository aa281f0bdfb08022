import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadOriginSecret, loadSigningKeys } from '#adapters/signing-keys';
import { clients } from '../aws-clients.ts';

const secrets = mockClient(SecretsManagerClient);
const KEY_1 = 'k1-0123456789abcdef0123456789abcdef';
const KEY_2 = 'k2-0123456789abcdef0123456789abcdef';
const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:tandem-signing-keys';

describe('loadSigningKeys', () => {
  beforeEach(() => {
    secrets.reset();
  });

  it('parses the keys from the environment without calling Secrets Manager', async () => {
    // Act
    const keys = await loadSigningKeys(
      {
        SIGNING_KEYS: JSON.stringify({ current: '2', '1': KEY_1, '2': KEY_2 }),
      },
      clients,
    );

    // Assess
    expect(keys).toEqual({ current: '2', keys: { '1': KEY_1, '2': KEY_2 } });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it('reads the keys from the secret named in the environment', async () => {
    // Prepare
    secrets
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ current: '1', '1': KEY_1 }) });

    // Act
    const keys = await loadSigningKeys({ SIGNING_KEYS_SECRET_ARN: ARN }, clients);

    // Assess
    expect(keys).toEqual({ current: '1', keys: { '1': KEY_1 } });
    expect(secrets.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({ SecretId: ARN });
  });

  it('rejects a current version that has no key', async () => {
    const attempt = loadSigningKeys({ SIGNING_KEYS: JSON.stringify({ current: '2', '1': KEY_1 }) }, clients);

    await expect(attempt).rejects.toThrow('SIGNING_KEYS: the current key version has no key');
  });

  it('rejects a key too short to be a secret', async () => {
    secrets
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ current: '1', '1': 'short' }) });

    await expect(loadSigningKeys({ SIGNING_KEYS_SECRET_ARN: ARN }, clients)).rejects.toThrow(
      'signing keys secret: signing key: at least 32 characters',
    );
  });

  it('rejects a key version that is not one character 0-9 or a-z', async () => {
    const attempt = loadSigningKeys(
      {
        SIGNING_KEYS: JSON.stringify({ current: '1', '1': KEY_1, v2: KEY_2 }),
      },
      clients,
    );

    await expect(attempt).rejects.toThrow('SIGNING_KEYS: key versions: one character 0-9 or a-z each');
  });

  it('rejects a value that is not JSON, naming where it came from', async () => {
    await expect(loadSigningKeys({ SIGNING_KEYS: 'current=1' }, clients)).rejects.toThrow(
      'SIGNING_KEYS: not JSON',
    );
  });

  it('rejects a secret without a string value', async () => {
    secrets.on(GetSecretValueCommand).resolves({});

    await expect(loadSigningKeys({ SIGNING_KEYS_SECRET_ARN: ARN }, clients)).rejects.toThrow(
      'has no string value',
    );
  });
});

describe('loadOriginSecret', () => {
  beforeEach(() => {
    secrets.reset();
  });

  it('has none without a secret named, and asks Secrets Manager nothing', async () => {
    await expect(loadOriginSecret({}, clients)).resolves.toBeUndefined();
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it('reads the value CloudFront sends from the secret named', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'cloudfront-says-this' });

    const secret = await loadOriginSecret({ ORIGIN_VERIFY_SECRET_ARN: ARN }, clients);

    expect(secret).toBe('cloudfront-says-this');
    expect(secrets.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({ SecretId: ARN });
  });

  it('refuses a secret without a string value', async () => {
    secrets.on(GetSecretValueCommand).resolves({});

    await expect(loadOriginSecret({ ORIGIN_VERIFY_SECRET_ARN: ARN }, clients)).rejects.toThrow(
      'origin verify secret has no string value',
    );
  });
});
