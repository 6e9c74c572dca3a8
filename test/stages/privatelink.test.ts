import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { apisCalledBy, callersOf } from '../../lib/config/matrix';
import { sharedParameterArn, sharedParameterName } from '../../lib/config/shared-parameters';
import { EnvironmentStage } from '../../lib/stages/environment-stage';
import { buildTestApp, memo, resourcesOf, templateOf } from '../helpers';
import { privateLinkConfig } from './privatelink-config';

// The whole app (cdk-nag included), built and synthesized once for the file: the compliance report
// and every assertion read the same assembly.
const built = memo(() => {
  const { app, stages: [dev, prod] } = buildTestApp(privateLinkConfig);
  return { assembly: app.synth(), dev, prod };
});
const env = privateLinkConfig.environments[0];
const stacksOf = (stage: EnvironmentStage) => stage.node.children.filter((c): c is Stack => c instanceof Stack);
const [firstApi] = env.apis;
const vpc = { kind: 'api', name: firstApi.name } as const;
const api = memo(() => templateOf(built().dev.apis.get(firstApi.name)!.service));
/** Every (consumer, API it calls) pair of the environment. */
const pairs = env.consumers.flatMap((c) => apisCalledBy(env, c).map((a) => [c.name, a.name, c, a] as const));
const consumerApp = (name: string) => templateOf(built().dev.consumerApps.get(name)!);

describe('privatelink mode (dev), beside transit-gateway mode (prod)', () => {
  test('synthesizes with zero unacknowledged cdk-nag findings', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const report = require(join(built().assembly.directory, 'validation-report.json'));
    expect(report.pluginReports.flatMap((r: { violations: unknown[] }) => r.violations)).toEqual([]);
  });

  test('no transit gateway, attachment, gateway route or transit subnet anywhere in the environment', () => {
    const { dev, prod } = built();
    expect(dev.node.tryFindChild('TransitHub')).toBeUndefined();
    expect(dev.node.tryFindChild('TransitRouting')).toBeUndefined();
    for (const stack of stacksOf(dev)) {
      const template = templateOf(stack).toJSON();
      const types = Object.values(template.Resources ?? {}).map((r) => (r as { Type: string }).Type);
      expect({ stack: stack.node.id, gatewayTypes: types.filter((t) => t.startsWith('AWS::EC2::TransitGateway')) }).toEqual({ stack: stack.node.id, gatewayTypes: [] });
      expect(JSON.stringify(template)).not.toMatch(/TransitGatewayId|transit-gateway/);
    }
    for (const network of [...[...dev.apis.values()].map((a) => a.network), ...dev.consumerNetworks.values()]) {
      // One workload subnet per AZ and nothing else.
      templateOf(network).resourceCountIs('AWS::EC2::Subnet', privateLinkConfig.availabilityZones.length);
    }
    // Prod keeps its gateway.
    expect(prod.transitHub).toBeDefined();
    expect(prod.transitRouting).toBeDefined();
  });

  test('the endpoint service is the API\'s NLB, open to exactly its callers\' accounts, accepted without a manual step', () => {
    const [[nlbId]] = resourcesOf(api(), 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    api().hasResourceProperties('AWS::EC2::VPCEndpointService', {
      NetworkLoadBalancerArns: [{ Ref: nlbId }],
      AcceptanceRequired: false,
    });
    const [[, permissions]] = resourcesOf(api(), 'AWS::EC2::VPCEndpointServicePermissions');
    // The partition is resolved from the region (eu-west-1: aws).
    expect((permissions.Properties!.AllowedPrincipals as string[]).sort()).toEqual(callersOf(env, firstApi).map((c) => `arn:aws:iam::${c.account}:root`).sort());
    for (const other of env.apis.slice(1)) {
      const [[, otherPermissions]] = resourcesOf(templateOf(built().dev.apis.get(other.name)!.service), 'AWS::EC2::VPCEndpointServicePermissions');
      expect((otherPermissions.Properties!.AllowedPrincipals as string[]).sort()).toEqual(callersOf(env, other).map((c) => `arn:aws:iam::${c.account}:root`).sort());
    }
    // The same TLS listener and certificate as in transit-gateway mode: one listener, on 443.
    api().resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    api().hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'TLS' });
  });

  test('the endpoint service\'s private DNS name is the API\'s name, verified by a TXT record in the API\'s own zone', () => {
    const [[serviceId]] = resourcesOf(api(), 'AWS::EC2::VPCEndpointService');
    const customResources = resourcesOf(api(), 'Custom::AWS').map(([, r]) => JSON.stringify(r.Properties));
    const enable = customResources.find((p) => p.includes('modifyVpcEndpointServiceConfiguration'));
    expect(enable).toContain(`\\"PrivateDnsName\\":\\"${firstApi.domain}\\"`);
    expect(enable).toContain(serviceId);
    expect(customResources.some((p) => p.includes('startVpcEndpointServicePrivateDnsVerification'))).toBe(true);
    // The TXT record goes into the subzone of the ApiDns stack (same account), by reference.
    api().hasResourceProperties('AWS::Route53::RecordSet', { Type: 'TXT', HostedZoneId: Match.anyValue() });
    const [[, txt]] = resourcesOf(api(), 'AWS::Route53::RecordSet').filter(([, r]) => r.Properties!.Type === 'TXT');
    expect(JSON.stringify(txt.Properties!.HostedZoneId)).toMatch(/ApiDns|Subdomain/);
  });

  test('the service name is published only once AWS has verified the private DNS name', () => {
    const template = api().toJSON();
    const [[waitId, wait]] = resourcesOf(api(), 'Custom::PrivateDnsVerification');
    const [[serviceId]] = resourcesOf(api(), 'AWS::EC2::VPCEndpointService');
    expect(wait.Properties).toMatchObject({ ServiceId: { Ref: serviceId }, PrivateDnsName: firstApi.domain });
    // After the TXT record and the started verification (the domain-name construct's custom resources)...
    const domainNameResources = resourcesOf(api(), 'Custom::AWS').filter(([, r]) => /modifyVpcEndpointServiceConfiguration|startVpcEndpointServicePrivateDnsVerification/.test(JSON.stringify(r.Properties))).map(([id]) => id);
    const [[txtId]] = resourcesOf(api(), 'AWS::Route53::RecordSet').filter(([, r]) => r.Properties!.Type === 'TXT');
    expect(wait.DependsOn).toEqual(expect.arrayContaining([...domainNameResources, txtId]));
    // ...and before the parameter consumers read the service name from.
    const [[parameterId]] = resourcesOf(api(), 'AWS::SSM::Parameter').filter(([, r]) => r.Properties!.Name === sharedParameterName(privateLinkConfig, env, 'endpoint-service-name', vpc));
    expect(template.Resources[parameterId].DependsOn).toContain(waitId);
    // Its handler may start a verification of this service only, and read the state (no resource-level permission exists).
    const handlerId = (wait.Properties!.ServiceToken as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
    const roleId = (template.Resources[handlerId].Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
    const statements = resourcesOf(api(), 'AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties!.Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap(([, p]) => (p.Properties!.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement);
    const ec2 = statements.filter((st) => [st.Action].flat().some((a) => a.startsWith('ec2:')));
    expect(ec2).toHaveLength(2);
    const start = ec2.find((st) => st.Action === 'ec2:StartVpcEndpointServicePrivateDnsVerification')!;
    expect(start.Resource).toEqual({ 'Fn::Join': ['', [expect.stringMatching(/:vpc-endpoint-service\/$/), { Ref: serviceId }]] });
    expect(ec2.find((st) => st.Action === 'ec2:DescribeVpcEndpointServiceConfigurations')!.Resource).toBe('*');
  });

  test('the NLB admits no client CIDR and does not apply its inbound rules to PrivateLink traffic', () => {
    api().hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: 'off' });
    const [[nlbId, nlb]] = resourcesOf(api(), 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    const [groupRef] = nlb.Properties!.SecurityGroups as { 'Fn::GetAtt': [string, string] }[];
    const groupId = groupRef['Fn::GetAtt'][0];
    const group = api().toJSON().Resources[groupId];
    expect(group.Properties.SecurityGroupIngress ?? []).toEqual([]);
    const ingress = resourcesOf(api(), 'AWS::EC2::SecurityGroupIngress').filter(([, r]) => JSON.stringify(r.Properties!.GroupId).includes(groupId));
    expect(ingress).toEqual([]);
    expect(nlbId).toBeDefined();
  });

  test.each(env.consumers.map((c) => [c.name, c]))('consumer %s: one interface endpoint per API it calls, and none to any other', (name, consumer) => {
    const endpoints = resourcesOf(consumerApp(name), 'AWS::EC2::VPCEndpoint');
    expect(endpoints.map(([id]) => id.replace(/(Endpoint)?[0-9A-F]{8}$/, '')).sort()).toEqual(apisCalledBy(env, consumer).map((a) => `ApiInterfaceEndpoint${a.name}`).sort());
    expect(env.consumers.some((c) => apisCalledBy(env, c).length < env.apis.length)).toBe(true);
  });

  test.each(pairs)('consumer %s -> %s: an interface endpoint with private DNS in its workload subnets, reached only by that API\'s functions', (name, apiName) => {
    const t = consumerApp(name);
    const [[endpointId, endpoint]] = resourcesOf(t, 'AWS::EC2::VPCEndpoint').filter(([id]) => id.startsWith(`ApiInterfaceEndpoint${apiName}`));
    expect(endpoint.Properties).toMatchObject({ VpcEndpointType: 'Interface', PrivateDnsEnabled: true });
    expect(JSON.stringify(endpoint.Properties!.SubnetIds)).toMatch(/workloadSubnet1.*workloadSubnet2/);
    // The service name comes from the shared parameter the API account writes.
    const serviceParameter = (endpoint.Properties!.ServiceName as { Ref: string }).Ref;
    expect(t.toJSON().Parameters[serviceParameter].Default).toBe(sharedParameterArn(privateLinkConfig, env, 'endpoint-service-name', { kind: 'api', name: apiName }));

    const [endpointGroupRef] = endpoint.Properties!.SecurityGroupIds as { 'Fn::GetAtt': [string, string] }[];
    const endpointGroup = endpointGroupRef['Fn::GetAtt'][0];
    const functionGroup = resourcesOf(t, 'AWS::Lambda::Function')
      .filter(([id]) => id.startsWith(`Graphql${apiName}`))
      .map(([, f]) => (f.Properties!.VpcConfig as { SecurityGroupIds?: { 'Fn::GetAtt': [string, string] }[] } | undefined)?.SecurityGroupIds?.[0]?.['Fn::GetAtt'][0])
      .find((g) => g !== undefined)!;
    // The functions: HTTPS to the endpoint's security group and nowhere else.
    expect(t.toJSON().Resources[functionGroup].Properties.SecurityGroupEgress ?? []).toEqual([]);
    const egress = resourcesOf(t, 'AWS::EC2::SecurityGroupEgress').filter(([, r]) => JSON.stringify(r.Properties!.GroupId).includes(functionGroup));
    expect(egress.map(([, r]) => [r.Properties!.DestinationSecurityGroupId, r.Properties!.FromPort, r.Properties!.ToPort])).toEqual([[{ 'Fn::GetAtt': [endpointGroup, 'GroupId'] }, 443, 443]]);
    // The endpoint: HTTPS from the functions only.
    const ingress = resourcesOf(t, 'AWS::EC2::SecurityGroupIngress').filter(([, r]) => JSON.stringify(r.Properties!.GroupId).includes(endpointGroup));
    expect(ingress.map(([, r]) => [r.Properties!.SourceSecurityGroupId, r.Properties!.FromPort])).toEqual([[{ 'Fn::GetAtt': [functionGroup, 'GroupId'] }, 443]]);
    expect(t.toJSON().Resources[endpointGroup].Properties.SecurityGroupIngress ?? []).toEqual([]);
    expect(endpointId).toBeDefined();
  });

  test.each(pairs)('consumer %s -> %s: the health check calls the same API URL, after the endpoint exists, and re-runs when the service changes', (name, apiName) => {
    const t = consumerApp(name);
    const apiVpc = { kind: 'api', name: apiName } as const;
    const [[triggerId, trigger]] = Object.entries(t.findResources('Custom::HealthCheckGate')).filter(([id]) => id.startsWith(`Graphql${apiName}`));
    const inputs = (trigger.Properties as { CheckedInputs: Record<string, { Ref: string }> }).CheckedInputs;
    const parameters = t.toJSON().Parameters;
    expect(parameters[inputs.apiBaseUrl.Ref].Default).toBe(sharedParameterArn(privateLinkConfig, env, 'api-endpoint', apiVpc));
    expect(parameters[inputs.endpointServiceName.Ref].Default).toBe(sharedParameterArn(privateLinkConfig, env, 'endpoint-service-name', apiVpc));
    const [[endpointId]] = resourcesOf(t, 'AWS::EC2::VPCEndpoint').filter(([id]) => id.startsWith(`ApiInterfaceEndpoint${apiName}`));
    expect(t.toJSON().Resources[triggerId].DependsOn).toContain(endpointId);
    // The resolver gets the same base URL parameter as in transit-gateway mode.
    const resolverUrls = resourcesOf(t, 'AWS::Lambda::Function').filter(([id]) => id.startsWith(`Graphql${apiName}`)).map(([, f]) => (f.Properties!.Environment as { Variables?: { API_BASE_URL?: unknown } } | undefined)?.Variables?.API_BASE_URL).filter(Boolean);
    for (const url of resolverUrls) expect(url).toEqual({ Ref: inputs.apiBaseUrl.Ref });
  });

  test('the endpoint service name is published by the API\'s account to exactly its callers\' accounts', () => {
    const name = sharedParameterName(privateLinkConfig, env, 'endpoint-service-name', vpc);
    api().hasResourceProperties('AWS::SSM::Parameter', { Name: name, Tier: 'Advanced' });
    const share = resourcesOf(api(), 'AWS::RAM::ResourceShare').find(([, s]) => JSON.stringify(s.Properties!.ResourceArns).includes(`parameter${name}`));
    expect((share![1].Properties!.Principals as string[]).sort()).toEqual(callersOf(env, firstApi).map((c) => c.account).sort());
    // No transit-gateway parameter is read or written in the environment.
    for (const stack of stacksOf(built().dev)) expect(JSON.stringify(templateOf(stack).toJSON())).not.toMatch(/transit-(gateway|attachment)-id/);
  });
});
