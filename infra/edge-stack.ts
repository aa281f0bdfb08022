import { CfnOutput, type RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import { AwsCalls } from '#infra/constructs/aws-calls';
import { edgeRateLimit } from '#infra/wiring';

/** CloudFront takes certificates and web ACLs from this region only. */
export const EDGE_REGION = 'us-east-1';

/**
 * Where the edge stack leaves what the stage's distribution needs, in `EDGE_REGION`. The web domain is
 * part of the name, so a stage given another domain reads the new certificate rather than the old one.
 */
export const edgeParameterName = (
  stage: string,
  webDomain: string,
  what: 'certificate-arn' | 'web-acl-arn',
) => `/tandem/${stage}/edge/${webDomain}/${what}`;

export interface EdgeStackProps extends StackProps {
  stage: string;
  /** The programme's web address, e.g. `mentoring.example.org`. */
  webDomain: string;
  removalPolicy: RemovalPolicy;
}

/**
 * What CloudFront needs from `us-east-1` for a stage: the web domain's certificate (DNS-validated) and
 * the web ACL with the rate-based rule. A stack of its own, because a CloudFormation stack lives in one
 * region; the stage depends on it, and reads the two ARNs from parameters named by `edgeParameterName`.
 *
 * The first deploy waits at the certificate until its validation record is published: CloudFormation
 * shows the record in the certificate's event, and once issued it is an output here (keep it published,
 * ACM renews with it).
 */
export class EdgeStack extends Stack {
  readonly certificate: acm.Certificate;
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, { stage, webDomain, removalPolicy, ...props }: EdgeStackProps) {
    super(scope, id, props);
    this.certificate = new acm.Certificate(this, 'Certificate', {
      domainName: webDomain,
      validation: acm.CertificateValidation.fromDns(),
    });
    this.webAcl = rateLimitedWebAcl(this, stage);

    for (const [what, value] of [
      ['certificate-arn', this.certificate.certificateArn],
      ['web-acl-arn', this.webAcl.attrArn],
    ] as const) {
      new ssm.StringParameter(this, `${what}-parameter`, {
        parameterName: edgeParameterName(stage, webDomain, what),
        stringValue: value,
        description: `Tandem ${stage}: the ${what.replace(/-/g, ' ')} of the stage's CloudFront distribution`,
      });
    }

    // Read back once the certificate exists, which is once it is issued.
    const validation = AwsCalls.of(this, removalPolicy).add(this, 'CertificateValidationRecord', {
      call: {
        service: 'ACM',
        action: 'describeCertificate',
        parameters: { CertificateArn: this.certificate.certificateArn },
        physicalResourceId: cr.PhysicalResourceId.of(`${webDomain}-validation`),
        outputPaths: [
          'Certificate.DomainValidationOptions.0.ResourceRecord.Name',
          'Certificate.DomainValidationOptions.0.ResourceRecord.Value',
        ],
      },
      statements: [
        new iam.PolicyStatement({
          actions: ['acm:DescribeCertificate'],
          resources: [this.certificate.certificateArn],
        }),
      ],
    });
    const record = (field: string) =>
      validation.getResponseField(`Certificate.DomainValidationOptions.0.ResourceRecord.${field}`);
    new CfnOutput(this, 'DnsCertificateValidation', {
      description: `Validates (and renews) the certificate of ${webDomain}: keep it published`,
      value: `${record('Name')} CNAME ${record('Value')}`,
    });
  }
}

/** Blocks a client address over `edgeRateLimit` on the form paths; everything else passes to the functions. */
const rateLimitedWebAcl = (scope: Construct, stage: string): wafv2.CfnWebACL => {
  const visibility = (metricName: string) => ({
    cloudWatchMetricsEnabled: true,
    sampledRequestsEnabled: true,
    metricName,
  });
  const onFormPaths = edgeRateLimit.pathPrefixes.map((prefix) => ({
    byteMatchStatement: {
      fieldToMatch: { uriPath: {} },
      positionalConstraint: 'STARTS_WITH',
      searchString: prefix,
      textTransformations: [{ priority: 0, type: 'NONE' }],
    },
  }));
  const [onlyPath] = onFormPaths;
  return new wafv2.CfnWebACL(scope, 'WebAcl', {
    name: `tandem-${stage}`,
    scope: 'CLOUDFRONT',
    defaultAction: { allow: {} },
    visibilityConfig: visibility(`tandem-${stage}`),
    rules: [
      {
        name: 'form-requests-per-client',
        priority: 0,
        action: { block: {} },
        statement: {
          rateBasedStatement: {
            aggregateKeyType: 'IP',
            evaluationWindowSec: 300,
            limit: edgeRateLimit.requestsPerFiveMinutes,
            scopeDownStatement:
              onFormPaths.length === 1 && onlyPath ? onlyPath : { orStatement: { statements: onFormPaths } },
          },
        },
        visibilityConfig: visibility(`tandem-${stage}-form-rate`),
      },
    ],
  });
};
