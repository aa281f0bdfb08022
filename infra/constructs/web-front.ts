import { Aws, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { ORIGIN_VERIFY_HEADER } from '#handlers/http-request';
import { EDGE_REGION, edgeParameterName } from '#infra/edge-stack';
import { httpFunctions } from '#infra/wiring';
import { AwsCalls } from './aws-calls.ts';
import { acknowledgeControls } from './control-tower.ts';

type HttpTarget = (typeof httpFunctions)[keyof typeof httpFunctions]['target'];

export interface WebFrontProps {
  stage: string;
  /** The programme's web address; its certificate and web ACL come from the stage's edge stack. */
  webDomain: string;
  /** The Function URL of each function reached over HTTP (`httpFunctions`). */
  functionUrls: Record<HttpTarget, lambda.IFunctionUrl>;
  removalPolicy: RemovalPolicy;
}

/** The headers a page or a link needs at its function; nothing is cached, so nothing else matters. */
const FORWARDED_HEADERS = ['Content-Type', 'Accept-Language', 'CloudFront-Viewer-Address'];

/**
 * The programme's web address: one CloudFront distribution on `webDomain`, with the certificate and the
 * WAF rule of the edge stack, routing each path to its function by `httpFunctions` (the table the local
 * stack's HTTP front routes by too). Every mail link is built on `https://<webDomain>`, so links outlive
 * any function's replacement.
 *
 * The functions stay public Function URLs: CloudFront's origin access control would sign a POST only if
 * it carried its body's SHA-256, which neither a form posted without JavaScript nor a mail provider's
 * one-click unsubscribe sends. Instead CloudFront adds a secret header (`ORIGIN_VERIFY_HEADER`), and only
 * a request carrying it has its `CloudFront-Viewer-Address` believed (`#handlers/http-request`).
 */
export class WebFront extends Construct {
  readonly distribution: cloudfront.Distribution;
  /** The value CloudFront sends in `ORIGIN_VERIFY_HEADER`. */
  readonly originSecret: secretsmanager.Secret;
  /** What every link in every mail is built on. */
  readonly baseUrl: string;

  constructor(
    scope: Construct,
    id: string,
    { stage, webDomain, functionUrls, removalPolicy }: WebFrontProps,
  ) {
    super(scope, id);
    this.baseUrl = `https://${webDomain}`;
    const calls = AwsCalls.of(this, removalPolicy);
    const fromEdge = (what: 'certificate-arn' | 'web-acl-arn'): string => {
      const name = edgeParameterName(stage, webDomain, what);
      return calls
        .add(this, `Read-${what}`, {
          call: {
            service: 'SSM',
            action: 'getParameter',
            region: EDGE_REGION,
            parameters: { Name: name },
            physicalResourceId: cr.PhysicalResourceId.of(name),
            outputPaths: ['Parameter.Value'],
          },
          statements: [
            new iam.PolicyStatement({
              actions: ['ssm:GetParameter'],
              resources: [`arn:${Aws.PARTITION}:ssm:${EDGE_REGION}:${Aws.ACCOUNT_ID}:parameter${name}`],
            }),
          ],
        })
        .getResponseField('Parameter.Value');
    };

    this.originSecret = new secretsmanager.Secret(this, 'OriginSecret', {
      description: `Tandem ${stage}: the header value by which the functions know CloudFront's requests`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy,
    });
    Validations.of(this.originSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'CloudFront reads the value when the stack deploys and the web function at cold start, so a rotation ' +
        'Lambda changing it alone would make CloudFront and the function disagree; it changes with a deploy.',
    });

    const originRequests = new cloudfront.OriginRequestPolicy(this, 'OriginRequests', {
      comment: `Tandem ${stage}: what the pages and links read`,
      headerBehavior: cloudfront.OriginRequestHeaderBehavior.allowList(...FORWARDED_HEADERS),
      cookieBehavior: cloudfront.OriginRequestCookieBehavior.all(),
      queryStringBehavior: cloudfront.OriginRequestQueryStringBehavior.all(),
    });
    const customHeaders = { [ORIGIN_VERIFY_HEADER]: this.originSecret.secretValue.unsafeUnwrap() };
    const behaviour = (url: lambda.IFunctionUrl): cloudfront.BehaviorOptions => ({
      origin: new origins.FunctionUrlOrigin(url, { customHeaders }),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      // POST: sign-up forms and RFC 8058 one-click unsubscribes.
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: originRequests,
    });
    // One origin per function, shared by its path behaviour and (for web) the default one.
    const behaviours: Record<HttpTarget, cloudfront.BehaviorOptions> = {
      links: behaviour(functionUrls.links),
      web: behaviour(functionUrls.web),
      console: behaviour(functionUrls.console),
    };

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `Tandem ${stage}: sign-up pages and mail links on ${webDomain}`,
      domainNames: [webDomain],
      certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', fromEdge('certificate-arn')),
      webAclId: fromEdge('web-acl-arn'),
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      // Any other path: the web function, which answers 404 for what it does not serve.
      defaultBehavior: behaviours.web,
      additionalBehaviors: Object.fromEntries(
        Object.values(httpFunctions).map(({ target, pathPrefix }) => [`${pathPrefix}*`, behaviours[target]]),
      ),
    });
    const noAccessLogs =
      "Access logs would keep every visitor's address and the signed tokens in link URLs, personal data the " +
      "privacy notice does not list; CloudFront and WAF metrics and WAF's sampled requests show abuse.";
    Validations.of(this.distribution).acknowledge({ id: 'AwsSolutions-CFR3', reason: noAccessLogs });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'An international programme: participants sign up and follow links from every country.',
    });
    const certificateByArn =
      'The distribution does use an ACM certificate of its own, served by SNI with TLSv1.2_2021 (see the ' +
      'infra tests): the certificate lives in the us-east-1 edge stack and reaches this one as an ARN read ' +
      'from a parameter, which the rule cannot follow to an AWS::CertificateManager::Certificate.';
    acknowledgeControls(this.distribution, {
      cloudfront_access_logs_enabled_check: noAccessLogs,
      cloudfront_custom_ssl_certificate_check: certificateByArn,
      cloudfront_sni_enabled_check: certificateByArn,
      cloudfront_default_root_object_configured_check:
        'There is no root document: every path is answered by a function, which says 404 for "/".',
      cloudfront_origin_failover_enabled_check:
        "Each path has one origin, a function in the stage's region, next to the table it reads; a second " +
        'origin would need the whole stage in a second region.',
    });
    // cfn-guard reports each of these twice, the second time with no resource, which CDK can match only
    // against an acknowledgment at the app's root.
    acknowledgeControls(this.node.root, {
      cloudfront_custom_ssl_certificate_check: certificateByArn,
      cloudfront_sni_enabled_check: certificateByArn,
    });
  }
}
