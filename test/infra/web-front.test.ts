import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ORIGIN_VERIFY_HEADER } from '#handlers/http-request';
import { EDGE_REGION, edgeParameterName } from '#infra/edge-stack';
import { edgeRateLimit, functionDefs, httpFunctions } from '#infra/wiring';
import { domain, tandemApp } from './tandem-app.ts';
import { templateText } from './template-text.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };
type GetAtt = { 'Fn::GetAtt': [string, string] };
interface Behaviour {
  PathPattern?: string;
  TargetOriginId: string;
  AllowedMethods: string[];
  ViewerProtocolPolicy: string;
  CachePolicyId: string;
}
interface DistributionConfig {
  Aliases: string[];
  ViewerCertificate: unknown;
  WebACLId: unknown;
  Origins: {
    Id: string;
    DomainName: unknown;
    OriginCustomHeaders: { HeaderName: string; HeaderValue: unknown }[];
  }[];
  DefaultCacheBehavior: Behaviour;
  CacheBehaviors: Behaviour[];
}

const WEB_DOMAIN = 'join.programme.example.org';
/** CloudFront's managed cache policy that caches nothing (pages say no-store anyway). */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';

const only = (template: Template, type: string): [string, Resource] => {
  const found = Object.entries(template.findResources(type));
  expect(found, type).toHaveLength(1);
  return found[0] as [string, Resource];
};

let stage: ReturnType<typeof tandemApp>;
let main: Template;
let edge: Template;
let defaultStage: ReturnType<typeof tandemApp>;

beforeAll(() => {
  // Prepare: templates only, so no bundling.
  stage = tandemApp('prod', { bundle: false, webDomain: WEB_DOMAIN });
  main = Template.fromStack(stage.stack);
  edge = Template.fromStack(stage.edge);
  defaultStage = tandemApp('dev', { bundle: false });
});

/** What a custom resource of the main stack reads from the edge stack's parameters, by logical id. */
const edgeReads = (): Record<string, { region: string; name: string }> =>
  Object.fromEntries(
    Object.entries(main.findResources('Custom::AWS'))
      .map(([id, r]) => [id, JSON.parse(templateText(r.Properties.Create))] as const)
      .filter(([, call]) => call.action === 'getParameter')
      .map(([id, call]) => [id, { region: call.region, name: call.parameters.Name }]),
  );
const readOf = (what: 'certificate-arn' | 'web-acl-arn') =>
  Object.entries(edgeReads()).find(
    ([, read]) => read.name === edgeParameterName('prod', WEB_DOMAIN, what),
  )?.[0];

describe('the edge stack, in us-east-1', () => {
  it('is deployed before the stage, in the only region CloudFront takes certificates and web ACLs from', () => {
    expect(stage.edge.region).toBe(EDGE_REGION);
    expect(stage.edge.stackName).toBe('Tandem-prod-edge');
    expect(stage.stack.dependencies).toContain(stage.edge);
  });

  it('holds a DNS-validated certificate for the web domain, whose validation record is an output', () => {
    edge.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: WEB_DOMAIN,
      ValidationMethod: 'DNS',
    });
    const output = edge.toJSON().Outputs.DnsCertificateValidation;
    expect(output.Description).toMatch(/keep it published/);
    expect(JSON.stringify(output.Value)).toMatch(/ResourceRecord\.Name.*CNAME.*ResourceRecord\.Value/);
  });

  it('blocks a client over the rate limit on the form paths, and lets links through', () => {
    expect(edgeRateLimit.pathPrefixes).toEqual(['/join/', '/console/sign-in']);
    const [, acl] = only(edge, 'AWS::WAFv2::WebACL');
    expect(acl.Properties).toMatchObject({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
    const [rule] = acl.Properties.Rules as Record<string, unknown>[];
    expect(rule).toMatchObject({
      Action: { Block: {} },
      Statement: {
        RateBasedStatement: {
          AggregateKeyType: 'IP',
          EvaluationWindowSec: 300,
          Limit: edgeRateLimit.requestsPerFiveMinutes,
          ScopeDownStatement: {
            OrStatement: {
              Statements: edgeRateLimit.pathPrefixes.map((prefix) => ({
                ByteMatchStatement: {
                  FieldToMatch: { UriPath: {} },
                  PositionalConstraint: 'STARTS_WITH',
                  SearchString: prefix,
                  TextTransformations: [{ Priority: 0, Type: 'NONE' }],
                },
              })),
            },
          },
        },
      },
    });
    expect(JSON.stringify(acl.Properties.Rules)).not.toContain(httpFunctions.links.pathPrefix);
  });

  it('leaves both ARNs in parameters named after the stage and the web domain', () => {
    const parameters = Object.values(edge.findResources('AWS::SSM::Parameter')).map((p) => p.Properties);
    expect(parameters.map((p) => p.Name).sort()).toEqual([
      edgeParameterName('prod', WEB_DOMAIN, 'certificate-arn'),
      edgeParameterName('prod', WEB_DOMAIN, 'web-acl-arn'),
    ]);
    const [certificateId] = only(edge, 'AWS::CertificateManager::Certificate');
    const [aclId] = only(edge, 'AWS::WAFv2::WebACL');
    expect(parameters.map((p) => p.Value)).toEqual(
      expect.arrayContaining([{ Ref: certificateId }, { 'Fn::GetAtt': [aclId, 'Arn'] }]),
    );
  });
});

describe('the distribution', () => {
  const distribution = () =>
    only(main, 'AWS::CloudFront::Distribution')[1].Properties.DistributionConfig as DistributionConfig;

  it('answers on the web domain with the edge certificate, by SNI, TLS 1.2 at least, behind the web ACL', () => {
    const config = distribution();
    expect(config.Aliases).toEqual([WEB_DOMAIN]);
    expect(config.ViewerCertificate).toEqual({
      AcmCertificateArn: { 'Fn::GetAtt': [readOf('certificate-arn'), 'Parameter.Value'] },
      SslSupportMethod: 'sni-only',
      MinimumProtocolVersion: 'TLSv1.2_2021',
    });
    expect(config.WebACLId).toEqual({ 'Fn::GetAtt': [readOf('web-acl-arn'), 'Parameter.Value'] });
  });

  it('reads both ARNs from us-east-1, with nothing but ssm:GetParameter on those two parameters', () => {
    const reads = Object.values(edgeReads());
    expect(reads).toHaveLength(2);
    for (const read of reads) expect(read.region).toBe(EDGE_REGION);
    const statements = Object.values(main.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string; Resource: unknown }[])
      .filter((s) => s.Action === 'ssm:GetParameter');
    expect(statements.map((s) => JSON.stringify(s.Resource))).toEqual([
      expect.stringContaining(`:ssm:${EDGE_REGION}:`),
      expect.stringContaining(`:ssm:${EDGE_REGION}:`),
    ]);
    expect(statements.map((s) => JSON.stringify(s.Resource)).join()).toContain(
      edgeParameterName('prod', WEB_DOMAIN, 'web-acl-arn'),
    );
  });

  it("routes every path of the wiring's table to its function's URL, and anything else to the web function", () => {
    const config = distribution();
    const urlOf = (name: keyof typeof httpFunctions) =>
      Object.entries(main.findResources('AWS::Lambda::Url')).find(
        ([, url]) =>
          (url.Properties.TargetFunctionArn as GetAtt)['Fn::GetAtt'][0] ===
          Object.entries(main.findResources('AWS::Lambda::Function')).find(
            ([, fn]) => fn.Properties.Description === functionDefs[name].description,
          )?.[0],
      )?.[0];
    const originOf = (name: keyof typeof httpFunctions) =>
      config.Origins.find((o: { DomainName: unknown }) =>
        JSON.stringify(o.DomainName).includes(`"${urlOf(name)}"`),
      )?.Id;
    expect(config.Origins).toHaveLength(Object.keys(httpFunctions).length);
    for (const { target, pathPrefix } of Object.values(httpFunctions)) {
      const behaviour = config.CacheBehaviors.find((b) => b.PathPattern === `${pathPrefix}*`);
      expect(behaviour?.TargetOriginId, pathPrefix).toBe(originOf(target));
    }
    expect(config.DefaultCacheBehavior.TargetOriginId).toBe(originOf('web'));
  });

  it('passes POSTs on uncached, over HTTPS only, with the viewer address and the body type', () => {
    const config = distribution();
    for (const behaviour of [config.DefaultCacheBehavior, ...config.CacheBehaviors]) {
      expect(behaviour.AllowedMethods).toContain('POST');
      expect(behaviour.ViewerProtocolPolicy).toBe('redirect-to-https');
      expect(behaviour.CachePolicyId).toBe(CACHING_DISABLED);
    }
    const [, policy] = only(main, 'AWS::CloudFront::OriginRequestPolicy');
    const headers = (
      policy.Properties.OriginRequestPolicyConfig as {
        HeadersConfig: { HeaderBehavior: string; Headers: string[] };
      }
    ).HeadersConfig;
    expect(headers.HeaderBehavior).toBe('whitelist');
    expect(headers.Headers).toEqual(expect.arrayContaining(['Content-Type', 'CloudFront-Viewer-Address']));
    // Never Host: a Function URL answers only to its own name.
    expect(headers.Headers).not.toContain('Host');
  });

  it('tells every origin the secret that only the web and console functions may read', () => {
    const [secretId] = Object.entries(main.findResources('AWS::SecretsManager::Secret')).find(([, s]) =>
      String(s.Properties.Description).includes('CloudFront'),
    ) as [string, Resource];
    for (const origin of distribution().Origins) {
      expect(origin.OriginCustomHeaders).toEqual([
        { HeaderName: ORIGIN_VERIFY_HEADER, HeaderValue: expect.anything() },
      ]);
      expect(JSON.stringify(origin.OriginCustomHeaders[0]?.HeaderValue)).toMatch(
        new RegExp(`resolve:secretsmanager:.*${secretId}`),
      );
    }
    const readers = Object.values(main.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.PolicyDocument).includes(`"Ref":"${secretId}"`),
    );
    expect(readers.map((p) => JSON.stringify(p.Properties.Roles)).sort()).toEqual([
      expect.stringMatching(/^\[\{"Ref":"Console/),
      expect.stringMatching(/^\[\{"Ref":"Web/),
    ]);
    for (const name of ['web', 'console'] as const) {
      main.hasResourceProperties('AWS::Lambda::Function', {
        Description: functionDefs[name].description,
        Environment: { Variables: { ORIGIN_VERIFY_SECRET_ARN: { Ref: secretId } } },
      });
    }
  });
});

describe('mail links and DNS', () => {
  it('builds every link in mails on https://<webDomain>, the name the DNS output points at CloudFront', () => {
    for (const name of ['sendMail', 'receiveMail'] as const) {
      main.hasResourceProperties('AWS::Lambda::Function', {
        Description: functionDefs[name].description,
        Environment: { Variables: { LINKS_BASE_URL: `https://${WEB_DOMAIN}` } },
      });
    }
    const [distributionId] = only(main, 'AWS::CloudFront::Distribution');
    expect(main.toJSON().Outputs.DnsWebDomain.Value).toEqual({
      'Fn::Join': ['', [`${WEB_DOMAIN} CNAME `, { 'Fn::GetAtt': [distributionId, 'DomainName'] }]],
    });
  });

  it('uses the mail domain when no web domain is given', () => {
    const devMain = Template.fromStack(defaultStage.stack);
    const devEdge = Template.fromStack(defaultStage.edge);
    devEdge.hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: domain });
    devMain.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: { Aliases: [domain] },
    });
    devMain.hasResourceProperties('AWS::Lambda::Function', {
      Description: functionDefs.sendMail.description,
      Environment: { Variables: { LINKS_BASE_URL: `https://${domain}` } },
    });
  });
});
