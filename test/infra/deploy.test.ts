import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAIL_FROM_SUBDOMAIN } from '#infra/constructs/mail-sending';
import { TandemStack } from '#infra/tandem-stack';
import { type FunctionName, functionDefs } from '#infra/wiring';
import { coordinatorEmail, domain, tandemApp } from './tandem-app.ts';
import { templateText } from './template-text.ts';

/** What a coordinator deploys: the SES identity and the DNS records it needs, and how data is kept. */

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };

let devStack: TandemStack;
let dev: Template;
let prod: Template;

beforeAll(() => {
  // Prepare: synthesis bundles every function, so do it once per file.
  devStack = tandemApp('dev').stack;
  dev = Template.fromStack(devStack);
  prod = Template.fromStack(tandemApp('prod').stack);
});

const only = (template: Template, type: string): [string, Resource] => {
  const found = Object.entries(template.findResources(type));
  expect(found, type).toHaveLength(1);
  return found[0] as [string, Resource];
};

/** An output's value with its intrinsic functions spelled out: `${Ref}` and `${Id.Attribute}`. */
const outputText = (template: Template, id: string): string => {
  const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
  expect(outputs[id], id).toBeDefined();

  return templateText(outputs[id]?.Value);
};

describe('SES identity', () => {
  it('verifies the domain with Easy DKIM (2048-bit keys) and uses the configuration set by default', () => {
    const [, identity] = only(dev, 'AWS::SES::EmailIdentity');
    const [configurationSetId] = only(dev, 'AWS::SES::ConfigurationSet');
    expect(identity.Properties).toMatchObject({
      EmailIdentity: domain,
      DkimSigningAttributes: { NextSigningKeyLength: 'RSA_2048_BIT' },
      ConfigurationSetAttributes: { ConfigurationSetName: { Ref: configurationSetId } },
    });
    // Easy DKIM: no selector or private key of our own (that would be BYODKIM).
    expect(identity.Properties.DkimSigningAttributes).not.toHaveProperty('DomainSigningPrivateKey');
    // Signing is on unless DkimAttributes turns it off.
    expect(identity.Properties).not.toHaveProperty('DkimAttributes.SigningEnabled', false);
  });

  it(`sends with the custom MAIL FROM ${MAIL_FROM_SUBDOMAIN}.<domain>, falling back to SES's own while its MX is missing`, () => {
    const [, identity] = only(dev, 'AWS::SES::EmailIdentity');
    expect(identity.Properties.MailFromAttributes).toEqual({
      MailFromDomain: `bounce.${domain}`,
      BehaviorOnMxFailure: 'USE_DEFAULT_VALUE',
    });
  });

  it('suppresses addresses that bounced or complained, requires TLS and publishes reputation metrics', () => {
    const [, configurationSet] = only(dev, 'AWS::SES::ConfigurationSet');
    expect(configurationSet.Properties).toMatchObject({
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
      DeliveryOptions: { TlsPolicy: 'REQUIRE' },
      ReputationOptions: { ReputationMetricsEnabled: true },
    });
  });
});

describe('DNS outputs', () => {
  it('names the three Easy DKIM CNAME records from the identity', () => {
    const [identityId] = only(dev, 'AWS::SES::EmailIdentity');
    for (const n of [1, 2, 3]) {
      expect(outputText(dev, `DnsDkim${n}`)).toBe(
        `\${${identityId}.DkimDNSTokenName${n}} CNAME \${${identityId}.DkimDNSTokenValue${n}}`,
      );
    }
  });

  it('names the MAIL FROM domain’s MX (SES feedback in the stack’s region) and SPF records', () => {
    expect(outputText(dev, 'DnsMailFromMx')).toBe(
      `bounce.${domain} MX 10 feedback-smtp.\${AWS::Region}.amazonses.com`,
    );
    expect(outputText(dev, 'DnsMailFromSpf')).toBe(
      `bounce.${domain} TXT "v=spf1 include:amazonses.com ~all"`,
    );
  });

  it('advises a monitoring-only DMARC record that reports to the coordinator', () => {
    expect(outputText(dev, 'DnsDmarc')).toBe(
      `_dmarc.${domain} TXT "v=DMARC1; p=none; rua=mailto:${coordinatorEmail}"`,
    );
  });

  it('names the relay domain’s MX record (SES receiving in the stack’s region)', () => {
    expect(outputText(dev, 'ReplyDomainMx')).toBe(
      `reply.${domain} MX 10 inbound-smtp.\${AWS::Region}.amazonaws.com`,
    );
  });

  it('describes what each DNS record is for', () => {
    const outputs = dev.toJSON().Outputs as Record<string, { Description?: string }>;
    const dnsOutputs = Object.entries(outputs).filter(
      ([id]) => id.startsWith('Dns') || id === 'ReplyDomainMx',
    );
    expect(dnsOutputs.map(([id]) => id).sort()).toEqual(
      [
        'DnsDkim1',
        'DnsDkim2',
        'DnsDkim3',
        'DnsDmarc',
        'DnsMailFromMx',
        'DnsMailFromSpf',
        'DnsWebDomain',
        'ReplyDomainMx',
      ].sort(),
    );
    for (const [id, output] of dnsOutputs) expect(output.Description, id).toMatch(/\w{3,}/);
  });
});

describe('data', () => {
  it('encrypts the table with the AWS-managed KMS key, not a key of our own', () => {
    const [, table] = only(prod, 'AWS::DynamoDB::Table');
    expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true });
  });

  it('keeps the table, buckets, signing keys and logs when a real stage is deleted', () => {
    for (const type of [
      'AWS::DynamoDB::Table',
      'AWS::S3::Bucket',
      'AWS::SecretsManager::Secret',
      'AWS::Logs::LogGroup',
    ]) {
      prod.allResources(type, { DeletionPolicy: 'Retain' });
    }
    prod.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
  });

  it('deletes all of them with a dev stack', () => {
    for (const type of [
      'AWS::DynamoDB::Table',
      'AWS::S3::Bucket',
      'AWS::SecretsManager::Secret',
      'AWS::Logs::LogGroup',
    ]) {
      dev.allResources(type, { DeletionPolicy: 'Delete' });
    }
  });

  it('keeps function logs for 90 days and S3 access logs for a year', () => {
    dev.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
    dev.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 365, Status: 'Enabled' })] },
    });
  });

  it('tells the coordinator where the raw mail, the access logs and the signing keys are', () => {
    for (const id of ['RawMailBucket', 'AccessLogBucket', 'SigningKeysSecretArn']) dev.hasOutput(id, {});
  });
});

describe('context', () => {
  it('warns when the domain is still the placeholder from cdk.json', () => {
    Annotations.fromStack(devStack).hasWarning(
      '*',
      Match.stringLikeRegexp('tandem.example.org is a placeholder'),
    );
  });
});

describe('signing keys revision', () => {
  const keyReaders: FunctionName[] = ['links', 'sendMail', 'receiveMail', 'web', 'console'];
  const revisionOf = (template: Template, name: FunctionName): unknown => {
    const [fn] = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Description: functionDefs[name].description },
      }),
    );
    return fn?.Properties.Environment.Variables.SIGNING_KEYS_REVISION;
  };

  it('gives every function that reads the keys the revision, and no other function', () => {
    for (const name of Object.keys(functionDefs) as FunctionName[]) {
      expect(revisionOf(dev, name), name).toBe(keyReaders.includes(name) ? '1' : undefined);
    }
  });

  it('changes their configuration when the revision changes, so that Lambda replaces warm instances', () => {
    const app = new App();
    const stack = new TandemStack(app, 'Tandem-prod', {
      stage: 'prod',
      domain: 'mentoring.university.edu',
      coordinatorEmail,
      signingKeysRevision: '2',
    });
    const rotated = Template.fromStack(stack);
    for (const name of keyReaders) expect(revisionOf(rotated, name), name).toBe('2');
    // A real domain: no placeholder warning.
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });
});
