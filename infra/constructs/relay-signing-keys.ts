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
 * The HMAC keys that sign relay (Reply-To) addresses. The secret is a JSON object:
 *
 *     {"current": "1", "1": "<64 random letters and digits>"}
 *
 * `current` names the version that signs; every other property is a key version that still verifies.
 * Secrets Manager can generate a value only into a top-level property of a template, hence this flat
 * shape rather than a nested `keys` object. To rotate: add `"2": "<new key>"`, set `current` to `"2"`,
 * and delete `"1"` once replies to mail signed with it are no longer expected.
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
