import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * The AWS Control Tower proactive controls (cfn-guard rules, run over the template by
 * `test/infra/cfn-guard.test.ts`) that Tandem knowingly does not meet. Each is acknowledged on the
 * construct it is about, with the reason; a name missing here is a type error, not a silent no-op.
 */
export type ControlRule =
  | 'cloudfront_access_logs_enabled_check'
  | 'cloudfront_custom_ssl_certificate_check'
  | 'cloudfront_default_root_object_configured_check'
  | 'cloudfront_origin_failover_enabled_check'
  | 'cloudfront_sni_enabled_check'
  | 'cloudwatch_log_group_encrypted_check'
  | 'cloudwatch_log_group_retention_period_check'
  | 'lambda_function_public_access_prohibited_check'
  | 'lambda_function_url_auth_check'
  | 'lambda_inside_vpc_check'
  | 's3_bucket_default_encryption_kms_check'
  | 's3_bucket_logging_enabled_check'
  | 's3_bucket_object_lock_enabled_check'
  | 's3_bucket_versioning_enabled_check'
  | 's3_event_notifications_enabled_check'
  | 'sqs_dlq_check';

/** The namespace CDK gives the plugin's findings (its name), which an acknowledgment must carry. */
export const CFN_GUARD_PLUGIN = 'cdk-validator-cfnguard';

export const acknowledgeControls = (
  scope: IConstruct,
  reasons: Partial<Record<ControlRule, string>>,
): void => {
  for (const [rule, reason] of Object.entries(reasons)) {
    Validations.of(scope).acknowledge({ id: `${CFN_GUARD_PLUGIN}::${rule}`, reason });
  }
};

/** What every Tandem function (and the custom-resource provider) does not do, and why. */
export const FUNCTION_CONTROLS = {
  lambda_inside_vpc_check:
    'Tandem calls only AWS public endpoints (DynamoDB, SQS, SES, EventBridge, S3, Secrets Manager, SNS) and ' +
    'no private network; a VPC would add NAT or seven interface endpoints (their cost, their failure modes) ' +
    'without a boundary IAM does not already draw.',
  cloudwatch_log_group_retention_period_check:
    'Function logs carry ids only (never an address or a name) and serve debugging; 90 days is the ' +
    'documented retention (README, what is kept), a year would only keep more for longer.',
  cloudwatch_log_group_encrypted_check:
    'CloudWatch Logs encrypts every log group at rest with its own keys; a customer-managed KMS key would ' +
    'add a key policy and a monthly cost to protect lines that hold ids only.',
} as const satisfies Partial<Record<ControlRule, string>>;
