import { type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface RelaySigningKeysProps {
  /** Losing the keys orphans every relay address handed out, so real stages retain them. */
  removalPolicy: RemovalPolicy;
}

/** Key version the stack generates; rotation adds versions by hand (see below). */
const FIRST_VERSION = '1';

/**
 * The HMAC keys that sign relay (Reply-To) addresses and the links in mails. The secret is a JSON object:
 *
 *     {"current": "1", "1": "<64 random letters and digits>"}
 *
 * `current` names the version that signs; every other property is a key version that still verifies
 * (versions are one character, 0-9 or a-z; keys at least 32 characters). Secrets Manager can generate a
 * value only into a top-level property of a template, hence this flat shape rather than a nested `keys`
 * object. Functions read the keys once per cold start, so a rotation goes in two deploys (README, "Rotating
 * the signing keys"): add the new version and redeploy with a new `signingKeysRevision`; then make it
 * `current` and redeploy again; retire the old version only when no live mail carries it.
 */
export class RelaySigningKeys extends Construct {
  readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, { removalPolicy }: RelaySigningKeysProps) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description: 'Tandem relay-address signing keys: {"current": version, "<version>": key, ...}',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ current: FIRST_VERSION }),
        generateStringKey: FIRST_VERSION,
        passwordLength: 64,
        excludePunctuation: true,
      },
      removalPolicy,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotation must keep older key versions verifying relay addresses already handed out, which a ' +
        'rotation Lambda replacing the value cannot do; keys are rotated by adding versions as documented.',
    });
  }
}
