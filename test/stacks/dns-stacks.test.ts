import { Match } from 'aws-cdk-lib/assertions';
import { delegationProviderRoleArn, delegationRoleArn } from '../../lib/config/names';
import { exampleConfig } from '../../lib/config/environments';
import { exampleEnvironment, exampleTestStages, memo, resourcesOf, stageNamed, templateOf } from '../helpers';

// The example's stages, built on first use and shared by the tests below that only read them.
const dev = () => stageNamed(exampleTestStages().stages, 'dev');
const prod = () => stageNamed(exampleTestStages().stages, 'prod');
const devEnv = exampleEnvironment('dev');
const [firstApi] = devEnv.apis;
const firstDns = () => dev().apis.get(firstApi.name)!.dns;

describe('DelegationRole (dns account)', () => {
  const role = memo(() => templateOf(dev().delegationRole));

  test('lives in the dns account, with a name the APIs\' accounts can compute', () => {
    expect(dev().delegationRole.account).toBe(exampleConfig.accounts.dns);
    role().hasResourceProperties('AWS::IAM::Role', { RoleName: 'internal-api-dev-dns-delegation' });
  });

  test('is trusted by the delegation provider roles of the environment\'s APIs only, which each ApiDns names so', () => {
    const [[, resource]] = resourcesOf(role(), 'AWS::IAM::Role');
    const providers = devEnv.apis.map((api) => delegationProviderRoleArn(exampleConfig, devEnv, api));
    const accounts = [...new Set(devEnv.apis.map((a) => `arn:aws:iam::${a.account}:root`))].sort();
    const statements = (resource.Properties!.AssumeRolePolicyDocument as { Statement: { Principal: { AWS: string | string[] } }[] }).Statement;
    // IAM treats the principal list as a set; CDK orders it its own way.
    for (const st of statements) if (Array.isArray(st.Principal.AWS)) st.Principal.AWS = [...st.Principal.AWS].sort();
    expect(statements).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: accounts.length === 1 ? accounts[0] : accounts }, Condition: { ArnEquals: { 'aws:PrincipalArn': providers } } },
    ]);
    // The other side: each API's delegation custom resource runs as exactly its role.
    for (const api of devEnv.apis) {
      const providerRoles = resourcesOf(templateOf(dev().apis.get(api.name)!.dns), 'AWS::IAM::Role').filter(([id]) => id.startsWith('CustomCrossAccountZoneDelegation'));
      expect(providerRoles.map(([, r]) => r.Properties!.RoleName)).toEqual([delegationProviderRoleArn(exampleConfig, devEnv, api).split('/')[1]]);
    }
    const prodTrust = JSON.stringify(templateOf(prod().delegationRole).toJSON());
    for (const api of exampleEnvironment('prod').apis) expect(prodTrust).toContain(`arn:aws:iam::${api.account}:root`);
    for (const api of devEnv.apis) expect(prodTrust).not.toContain(api.account);
  });

  test('may change only NS records of the delegated name, in the parent zone by id', () => {
    const [[, policy]] = resourcesOf(role(), 'AWS::IAM::Policy');
    const statements = (policy.Properties!.PolicyDocument as { Statement: { Action: string; Resource: string; Condition?: unknown }[] }).Statement;
    const change = statements.filter((s) => s.Action === 'route53:ChangeResourceRecordSets');
    expect(change).toEqual([
      {
        Action: 'route53:ChangeResourceRecordSets',
        Effect: 'Allow',
        // The zone id, not its name: PublicHostedZone.fromPublicHostedZoneAttributes gets this wrong.
        Resource: 'arn:aws:route53:::hostedzone/Z0123456789EXAMPLE',
        Condition: {
          'ForAllValues:StringEquals': {
            'route53:ChangeResourceRecordSetsRecordTypes': ['NS'],
            'route53:ChangeResourceRecordSetsActions': ['UPSERT', 'DELETE'],
            'route53:ChangeResourceRecordSetsNormalizedRecordNames': devEnv.apis.map((a) => a.domain),
          },
        },
      },
    ]);
    // Nothing else may write.
    expect(statements.filter((s) => s.Action !== 'route53:ChangeResourceRecordSets').map((s) => s.Action)).toEqual(['route53:ListHostedZonesByName']);
  });
});

describe('ApiDns (api account)', () => {
  const dns = memo(() => templateOf(firstDns()));

  test('each API hosts a public zone for its own name, in its own account', () => {
    for (const stage of [dev(), prod()]) {
      for (const api of stage.environment.apis) {
        const stack = stage.apis.get(api.name)!.dns;
        expect(stack.account).toBe(api.account);
        templateOf(stack).hasResourceProperties('AWS::Route53::HostedZone', { Name: `${api.domain}.` });
      }
    }
  });

  test('delegates into the parent zone by assuming the computed role, and retains the record except when its first create rolls back', () => {
    dns().hasResource('Custom::CrossAccountZoneDelegation', {
      Properties: Match.objectLike({
        AssumeRoleArn: delegationRoleArn(exampleConfig, devEnv),
        ParentZoneId: exampleConfig.parentZone.id,
        DelegatedZoneName: firstApi.domain,
        TTL: 3600,
      }),
      // RetainExceptOnCreate: a failed first deploy removes the NS record with the subzone it
      // points at, instead of leaving a delegation to released name servers.
      DeletionPolicy: 'RetainExceptOnCreate',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('the certificate is DNS-validated in the subzone, covers exactly the API name, and waits for the delegation', () => {
    const [[, cert]] = resourcesOf(dns(), 'AWS::CertificateManager::Certificate');
    const [[zoneId]] = resourcesOf(dns(), 'AWS::Route53::HostedZone');
    const [[delegationId]] = resourcesOf(dns(), 'Custom::CrossAccountZoneDelegation');
    expect(cert.Properties).toMatchObject({
      DomainName: firstApi.domain,
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: firstApi.domain, HostedZoneId: { Ref: zoneId } }],
    });
    expect(cert.Properties).not.toHaveProperty('SubjectAlternativeNames');
    expect(cert.DependsOn).toContain(delegationId);
  });

  test('a delete or rollback can empty the zone: ACM\'s validation records are removed after the certificate, before the zone', () => {
    const [[zoneId]] = resourcesOf(dns(), 'AWS::Route53::HostedZone');
    const [[cleanupId, cleanup]] = resourcesOf(dns(), 'Custom::AcmValidationCleanup');
    const [[, cert]] = resourcesOf(dns(), 'AWS::CertificateManager::Certificate');
    expect(cleanup.Properties!.HostedZoneId).toEqual({ Ref: zoneId });
    // Deleted in reverse: certificate, then the cleanup (removes the CNAME), then the zone.
    expect(cert.DependsOn).toContain(cleanupId);
    const statements = resourcesOf(dns(), 'AWS::IAM::Policy')
      .filter(([id]) => id.startsWith('SubdomainValidationCleanupRole'))
      .flatMap(([, p]) => (p.Properties!.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement);
    const zoneArn = { 'Fn::Join': ['', ['arn:aws:route53:::hostedzone/', { Ref: zoneId }]] };
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: 'route53:ListResourceRecordSets', Resource: zoneArn }),
        expect.objectContaining({
          Action: 'route53:ChangeResourceRecordSets',
          Resource: zoneArn,
          Condition: { 'ForAllValues:StringEquals': { 'route53:ChangeResourceRecordSetsActions': ['DELETE'], 'route53:ChangeResourceRecordSetsRecordTypes': ['CNAME'] } },
        }),
      ]),
    );
  });

  test('deploys after its delegation role and independently of the networks', () => {
    for (const api of dev().apis.values()) expect(api.dns.dependencies).toEqual([dev().delegationRole]);
  });
});
