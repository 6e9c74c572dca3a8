import { Match } from 'aws-cdk-lib/assertions';
import { exampleEnvironment, exampleTestStages, memo, resourcesOf, stageNamed, templateOf } from '../helpers';

// The example's stages, built on first use and shared by the tests below that only read them.
const dev = () => stageNamed(exampleTestStages().stages, 'dev');
const prod = () => stageNamed(exampleTestStages().stages, 'prod');

describe('DelegationRole (dns account)', () => {
  const role = memo(() => templateOf(dev().delegationRole));

  test('lives in the dns account, with a name the api account can compute', () => {
    expect(dev().delegationRole.account).toBe('333333333333');
    role().hasResourceProperties('AWS::IAM::Role', { RoleName: 'internal-api-dev-dns-delegation' });
  });

  test('is trusted by the environment\'s delegation provider role only, which ApiDns names so', () => {
    const [[, resource]] = resourcesOf(role(), 'AWS::IAM::Role');
    const provider = 'arn:aws:iam::444444444444:role/internal-api-dev-dns-delegator';
    expect((resource.Properties!.AssumeRolePolicyDocument as { Statement: unknown[] }).Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444444444444:root' }, Condition: { ArnEquals: { 'aws:PrincipalArn': provider } } },
    ]);
    // The other side: the api account's delegation custom resource runs as exactly that role.
    const providerRoles = resourcesOf(templateOf(dev().apiDns), 'AWS::IAM::Role').filter(([id]) => id.startsWith('CustomCrossAccountZoneDelegation'));
    expect(providerRoles.map(([, r]) => r.Properties!.RoleName)).toEqual([provider.split('/')[1]]);
    const prodTrust = JSON.stringify(templateOf(prod().delegationRole).toJSON());
    expect(prodTrust).toContain(`arn:aws:iam::${exampleEnvironment('prod').apiAccount}:root`);
    expect(prodTrust).not.toContain(exampleEnvironment('dev').apiAccount);
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
            'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['api.dev.example.com'],
          },
        },
      },
    ]);
    // Nothing else may write.
    expect(statements.filter((s) => s.Action !== 'route53:ChangeResourceRecordSets').map((s) => s.Action)).toEqual(['route53:ListHostedZonesByName']);
  });
});

describe('ApiDns (api account)', () => {
  const dns = memo(() => templateOf(dev().apiDns));

  test('hosts a public zone for the API name in the api account', () => {
    expect(dev().apiDns.account).toBe('444444444444');
    dns().hasResourceProperties('AWS::Route53::HostedZone', { Name: 'api.dev.example.com.' });
    templateOf(prod().apiDns).hasResourceProperties('AWS::Route53::HostedZone', { Name: 'api.example.com.' });
  });

  test('delegates into the parent zone by assuming the computed role, and retains the record except when its first create rolls back', () => {
    dns().hasResource('Custom::CrossAccountZoneDelegation', {
      Properties: Match.objectLike({
        AssumeRoleArn: 'arn:aws:iam::333333333333:role/internal-api-dev-dns-delegation',
        ParentZoneId: 'Z0123456789EXAMPLE',
        DelegatedZoneName: 'api.dev.example.com',
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
      DomainName: 'api.dev.example.com',
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'api.dev.example.com', HostedZoneId: { Ref: zoneId } }],
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
    expect(dev().apiDns.dependencies).toEqual([dev().delegationRole]);
  });
});
