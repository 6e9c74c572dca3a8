import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { apisCalledBy, callersOf } from '../../lib/config/matrix';
import { CALLER_KINDS, callerRoleName } from '../../lib/config/names';
import { sharedParameterArn, sharedParameterPrincipals } from '../../lib/config/shared-parameters';
import { EnvironmentStage } from '../../lib/stages/environment-stage';
import { CONTAINER_PORT, HEALTH_CHECK_PATH } from '../../lib/runtime/api-service/src/settings';
import { buildTestApp, memo, resourcesOf, templateOf } from '../helpers';
import { latticeConfig } from './lattice-config';

// The whole app (cdk-nag's AwsSolutions included; `npm run validate` runs every pack on this variant),
// built and synthesized once for the file: the report and every assertion read the same assembly.
const built = memo(() => {
  const { app, stages: [dev, prod] } = buildTestApp(latticeConfig);
  return { assembly: app.synth(), dev, prod };
});
const config = latticeConfig;
const env = config.environments[0];
const stacksOf = (stage: EnvironmentStage) => stage.node.children.filter((c): c is Stack => c instanceof Stack);
const typesOf = (t: Template) => Object.values(t.toJSON().Resources ?? {}).map((r) => (r as { Type: string }).Type);
const apiService = (name: string) => templateOf(built().dev.apis.get(name)!.service);
const consumerApp = (name: string) => templateOf(built().dev.consumerApps.get(name)!);
/** Every (consumer, API) pair of the environment, allowed or not. */
const allPairs = env.consumers.flatMap((c) => env.apis.map((a) => [c.name, a.name, apisCalledBy(env, c).includes(a)] as const));
const pairs = allPairs.filter(([, , allowed]) => allowed);
const deniedPairs = allPairs.filter(([, , allowed]) => !allowed);
/** An auth policy statement, as lattice-policies.ts writes them. */
type Statement = { Effect: string; Action: string; Principal: { AWS: string | string[] }; Condition: { StringEquals: Record<string, string | string[]> } };
const statementsOf = (policy: { Properties?: Record<string, unknown> }) => (policy.Properties!.Policy as { Statement: Statement[] }).Statement;
const roleArn = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;
/** The template parameter a shared value is read through. */
const parameterReading = (t: Template, arn: string) => Object.entries(t.toJSON().Parameters ?? {}).find(([, p]) => (p as { Default?: string }).Default === arn)?.[0];

describe('lattice mode (dev), beside transit-gateway mode (prod)', () => {
  test('the configuration has a pair the matrix denies (so the denied-pair tests test something)', () => {
    expect(deniedPairs.length).toBeGreaterThan(0);
    expect(env.apis.length).toBeGreaterThan(1);
  });

  test('synthesizes with zero unacknowledged cdk-nag findings', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const report = require(join(built().assembly.directory, 'validation-report.json'));
    expect(report.pluginReports.flatMap((r: { violations: unknown[] }) => r.violations)).toEqual([]);
  });

  test('no transit gateway, load balancer, endpoint service or interface endpoint to an API anywhere in the environment', () => {
    const { dev, prod } = built();
    expect(dev.transitHub).toBeUndefined();
    expect(dev.transitRouting).toBeUndefined();
    for (const stack of stacksOf(dev)) {
      const types = typesOf(templateOf(stack));
      expect({ stack: stack.node.id, forbidden: types.filter((t) => /^AWS::EC2::TransitGateway|^AWS::ElasticLoadBalancingV2::|^AWS::EC2::VPCEndpointService/.test(t)) }).toEqual({ stack: stack.node.id, forbidden: [] });
    }
    // Interface endpoints only for the API tasks' own AWS services (no STS: nothing verifies tokens), none in a consumer VPC.
    for (const api of dev.apis.values()) {
      const services = resourcesOf(templateOf(api.network), 'AWS::EC2::VPCEndpoint').filter(([, e]) => e.Properties!.VpcEndpointType === 'Interface').map(([, e]) => JSON.stringify(e.Properties!.ServiceName));
      expect(services.map((s) => s.match(/\.(ecr\.api|ecr\.dkr|logs|sts)"/)?.[1]).sort()).toEqual(['ecr.api', 'ecr.dkr', 'logs']);
    }
    for (const stack of [...dev.consumerNetworks.values(), ...dev.consumerApps.values()]) {
      expect(typesOf(templateOf(stack))).not.toContain('AWS::EC2::VPCEndpoint');
    }
    expect(prod.transitHub).toBeDefined();
    expect(prod.latticeHub).toBeUndefined();
  });

  test('one service network, in the network account, IAM auth, shared with exactly the environment\'s API and consumer accounts', () => {
    const hub = built().dev.latticeHub!;
    expect(hub.account).toBe(config.accounts.network);
    const t = templateOf(hub);
    t.resourceCountIs('AWS::VpcLattice::ServiceNetwork', 1);
    t.hasResourceProperties('AWS::VpcLattice::ServiceNetwork', { AuthType: 'AWS_IAM' });
    const [[networkId]] = resourcesOf(t, 'AWS::VpcLattice::ServiceNetwork');
    const share = resourcesOf(t, 'AWS::RAM::ResourceShare').find(([, s]) => JSON.stringify(s.Properties!.ResourceArns).includes(networkId))!;
    const expected = [...new Set([...env.apis.map((a) => a.account), ...env.consumers.map((c) => c.account)])].filter((a) => a !== config.accounts.network);
    expect((share[1].Properties!.Principals as string[]).sort()).toEqual(expected.sort());
    expect(sharedParameterPrincipals(config, env, 'service-network-arn').sort()).toEqual(expected.sort());
    for (const stack of stacksOf(built().dev)) {
      if (stack !== hub) expect(typesOf(templateOf(stack))).not.toContain('AWS::VpcLattice::ServiceNetwork');
    }
  });

  test('the network\'s auth policy admits principals of the consumer accounts, from VPCs they own, and nobody else', () => {
    const t = templateOf(built().dev.latticeHub!);
    const [[, policy]] = resourcesOf(t, 'AWS::VpcLattice::AuthPolicy');
    const accounts = [...new Set(env.consumers.map((c) => c.account))].sort();
    const statements = statementsOf(policy);
    expect(statements).toHaveLength(1);
    const [statement] = statements;
    expect(statement.Effect).toBe('Allow');
    expect(statement.Action).toBe('vpc-lattice-svcs:Invoke');
    expect([statement.Principal.AWS].flat().sort()).toEqual(accounts.map((a) => `arn:aws:iam::${a}:root`));
    expect([statement.Condition.StringEquals['vpc-lattice-svcs:SourceVpcOwnerAccount']].flat().sort()).toEqual(accounts);
  });

  test.each(env.apis.map((a) => [a.name, a]))('API %s: one Lattice service, HTTPS on 443 with its own name and certificate, IAM auth, joined to the network by the shared ARN', (name, api) => {
    const t = apiService(name);
    t.resourceCountIs('AWS::VpcLattice::Service', 1);
    const [[serviceId, service]] = resourcesOf(t, 'AWS::VpcLattice::Service');
    expect(service.Properties).toMatchObject({ AuthType: 'AWS_IAM', CustomDomainName: api.domain });
    // The certificate of the API's own DNS stack.
    expect(JSON.stringify(service.Properties!.CertificateArn)).toMatch(/ApiDns|Certificate/);
    const listeners = resourcesOf(t, 'AWS::VpcLattice::Listener');
    expect(listeners.map(([, l]) => [l.Properties!.Protocol, l.Properties!.Port])).toEqual([['HTTPS', 443]]);
    expect(listeners[0][1].Properties!.ServiceIdentifier).toEqual({ 'Fn::GetAtt': [serviceId, 'Id'] });
    const [[, association]] = resourcesOf(t, 'AWS::VpcLattice::ServiceNetworkServiceAssociation');
    expect(association.Properties!.ServiceIdentifier).toEqual({ 'Fn::GetAtt': [serviceId, 'Id'] });
    const networkParameter = (association.Properties!.ServiceNetworkIdentifier as { Ref: string }).Ref;
    expect(t.toJSON().Parameters[networkParameter].Default).toBe(sharedParameterArn(config, env, 'service-network-arn'));
  });

  test.each(env.apis.map((a) => [a.name, a]))('API %s: its auth policy names exactly its callers\' two roles, each from a VPC its own account owns', (name, api) => {
    const t = apiService(name);
    const [[serviceId]] = resourcesOf(t, 'AWS::VpcLattice::Service');
    const policies = resourcesOf(t, 'AWS::VpcLattice::AuthPolicy');
    expect(policies).toHaveLength(1);
    const [[, policy]] = policies;
    expect(policy.Properties!.ResourceIdentifier).toEqual({ 'Fn::GetAtt': [serviceId, 'Arn'] });
    const statements = statementsOf(policy);
    const granted = statements.map((s) => ({
      effect: s.Effect, action: s.Action, principal: s.Principal.AWS,
      roles: [s.Condition.StringEquals['aws:PrincipalArn']].flat().sort(), vpcOwner: s.Condition.StringEquals['vpc-lattice-svcs:SourceVpcOwnerAccount'],
    }));
    expect(granted).toEqual(callersOf(env, api).map((c) => ({
      effect: 'Allow', action: 'vpc-lattice-svcs:Invoke', principal: `arn:aws:iam::${c.account}:root`,
      roles: CALLER_KINDS.map((k) => roleArn(c.account, callerRoleName(config, env, c, api, k))).sort(), vpcOwner: c.account,
    })));
  });

  test.each(env.apis.map((a) => [a.name]))('API %s: ECS registers the tasks in the Lattice target group (health check on the health path), the tasks admit Lattice\'s addresses only', (name) => {
    const t = apiService(name);
    const [[groupId, group]] = resourcesOf(t, 'AWS::VpcLattice::TargetGroup');
    expect(group.Properties).toMatchObject({
      Type: 'IP',
      Config: { Port: CONTAINER_PORT, Protocol: 'HTTP', HealthCheck: { Enabled: true, Path: HEALTH_CHECK_PATH, Port: CONTAINER_PORT, Matcher: { HttpCode: '200' } } },
    });
    const [[, service]] = resourcesOf(t, 'AWS::ECS::Service');
    const [lattice] = service.Properties!.VpcLatticeConfigurations as { TargetGroupArn: unknown; PortName: string; RoleArn: { 'Fn::GetAtt': string[] } }[];
    expect(lattice.TargetGroupArn).toEqual({ 'Fn::GetAtt': [groupId, 'Arn'] });
    // The port it names is the container's port.
    const [[, task]] = resourcesOf(t, 'AWS::ECS::TaskDefinition');
    const [container] = task.Properties!.ContainerDefinitions as { PortMappings: { Name?: string; ContainerPort: number }[] }[];
    expect(container.PortMappings).toEqual([expect.objectContaining({ Name: lattice.PortName, ContainerPort: CONTAINER_PORT })]);
    // ECS's infrastructure role, assumable by ECS only.
    const role = t.toJSON().Resources[lattice.RoleArn['Fn::GetAtt'][0]];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([expect.objectContaining({ Principal: { Service: 'ecs.amazonaws.com' } })]);
    // ECS refuses a grace period on a service without load balancers.
    expect(service.Properties!.HealthCheckGracePeriodSeconds).toBeUndefined();
    // The task group: exactly one ingress rule, the container port from Lattice's managed prefix list.
    const taskGroup = (service.Properties!.NetworkConfiguration as { AwsvpcConfiguration: { SecurityGroups: { 'Fn::GetAtt': string[] }[] } }).AwsvpcConfiguration.SecurityGroups[0]['Fn::GetAtt'][0];
    expect(t.toJSON().Resources[taskGroup].Properties.SecurityGroupIngress ?? []).toEqual([]);
    const ingress = resourcesOf(t, 'AWS::EC2::SecurityGroupIngress').filter(([, r]) => JSON.stringify(r.Properties!.GroupId).includes(taskGroup));
    expect(ingress).toHaveLength(1);
    const [[, rule]] = ingress;
    expect(rule.Properties).toMatchObject({ FromPort: CONTAINER_PORT, ToPort: CONTAINER_PORT, IpProtocol: 'tcp' });
    expect(rule.Properties!.CidrIp).toBeUndefined();
    const lookup = (rule.Properties!.SourcePrefixListId as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
    expect(JSON.stringify(t.toJSON().Resources[lookup].Properties)).toContain(`com.amazonaws.${config.region}.vpc-lattice`);
  });

  test.each(env.apis.map((a) => [a.name]))('API %s: the container reads the caller from Lattice, and has no STS settings', (name) => {
    const [[, task]] = resourcesOf(apiService(name), 'AWS::ECS::TaskDefinition');
    const [container] = task.Properties!.ContainerDefinitions as { Environment: { Name: string; Value: string }[] }[];
    const variables = Object.fromEntries(container.Environment.map((e) => [e.Name, e.Value]));
    expect(variables.CALLER_IDENTITY_SOURCE).toBe('lattice');
    expect(variables.STS_REGION).toBeUndefined();
    expect(variables.API_NAME).toBe(name);
  });

  test.each(env.consumers.map((c) => [c.name]))('consumer %s: its VPC joins the network once, its association group admitting 443 from the GraphQL functions only', (name) => {
    const t = consumerApp(name);
    const associations = resourcesOf(t, 'AWS::VpcLattice::ServiceNetworkVpcAssociation');
    expect(associations).toHaveLength(1);
    const [[, association]] = associations;
    const networkParameter = (association.Properties!.ServiceNetworkIdentifier as { Ref: string }).Ref;
    expect(t.toJSON().Parameters[networkParameter].Default).toBe(sharedParameterArn(config, env, 'service-network-arn'));
    const [groupRef] = association.Properties!.SecurityGroupIds as { 'Fn::GetAtt': string[] }[];
    const groupId = groupRef['Fn::GetAtt'][0];
    const functionGroups = new Set(resourcesOf(t, 'AWS::Lambda::Function')
      .map(([, f]) => (f.Properties!.VpcConfig as { SecurityGroupIds?: { 'Fn::GetAtt': string[] }[] } | undefined)?.SecurityGroupIds?.[0]?.['Fn::GetAtt'][0])
      .filter((g): g is string => g !== undefined));
    const ingress = resourcesOf(t, 'AWS::EC2::SecurityGroupIngress').filter(([, r]) => JSON.stringify(r.Properties!.GroupId).includes(groupId));
    expect(ingress.map(([, r]) => r.Properties!.FromPort)).toEqual(ingress.map(() => 443));
    expect(new Set(ingress.map(([, r]) => (r.Properties!.SourceSecurityGroupId as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]))).toEqual(functionGroups);
    expect(t.toJSON().Resources[groupId].Properties.SecurityGroupIngress ?? []).toEqual([]);
  });

  test.each(pairs)('consumer %s -> %s: the API\'s name in a private zone of the consumer\'s VPC, aliasing the service; the functions sign, may invoke it, and reach Lattice on 443 only', (name, apiName) => {
    const t = consumerApp(name);
    const api = env.apis.find((a) => a.name === apiName)!;
    const consumer = env.consumers.find((c) => c.name === name)!;
    const apiVpc = { kind: 'api', name: apiName } as const;
    const zones = resourcesOf(t, 'AWS::Route53::HostedZone').filter(([, z]) => z.Properties!.Name === `${api.domain}.`);
    expect(zones).toHaveLength(1);
    const [[zoneId, zone]] = zones;
    expect((zone.Properties!.VPCs as unknown[]).length).toBe(1);
    const [[, record]] = resourcesOf(t, 'AWS::Route53::RecordSet').filter(([, r]) => JSON.stringify(r.Properties!.HostedZoneId).includes(zoneId));
    expect(record.Properties).toMatchObject({ Type: 'A', Name: `${api.domain}.` });
    const alias = record.Properties!.AliasTarget as { DNSName: { Ref: string }; HostedZoneId: { Ref: string } };
    expect(parameterReading(t, sharedParameterArn(config, env, 'lattice-service-dns-name', apiVpc))).toBe(alias.DNSName.Ref);
    expect(parameterReading(t, sharedParameterArn(config, env, 'lattice-service-hosted-zone-id', apiVpc))).toBe(alias.HostedZoneId.Ref);

    const serviceArnParameter = parameterReading(t, sharedParameterArn(config, env, 'lattice-service-arn', apiVpc))!;
    // The resolver and the health check: the functions that call the API.
    const functions = resourcesOf(t, 'AWS::Lambda::Function').filter(([id, f]) => id.startsWith(`Graphql${apiName}`) && JSON.stringify(f.Properties!.Environment ?? {}).includes('API_BASE_URL'));
    expect(functions.length).toBe(2);
    for (const [, fn] of functions) {
      const variables = (fn.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables.API_SIGNING).toBe('lattice');
      expect(variables.API_AUDIENCE).toBeUndefined();
    }
    // Each of the two roles may invoke this API's service (every path), by its ARN read from the API's account.
    for (const kind of CALLER_KINDS) {
      const roleName = callerRoleName(config, env, consumer, api, kind);
      const [[roleId]] = resourcesOf(t, 'AWS::IAM::Role').filter(([, r]) => r.Properties!.RoleName === roleName);
      const statements = resourcesOf(t, 'AWS::IAM::Policy')
        .filter(([, p]) => JSON.stringify(p.Properties!.Roles) === JSON.stringify([{ Ref: roleId }]))
        .flatMap(([, p]) => (p.Properties!.PolicyDocument as { Statement: { Action: string; Resource: unknown }[] }).Statement)
        .filter((s) => String(s.Action).startsWith('vpc-lattice'));
      expect(statements).toEqual([expect.objectContaining({ Action: 'vpc-lattice-svcs:Invoke', Resource: { 'Fn::Join': ['', [{ Ref: serviceArnParameter }, '/*']] } })]);
    }
    // The functions' group: HTTPS to Lattice's managed prefix list and nowhere else.
    const groupId = (functions[0][1].Properties!.VpcConfig as { SecurityGroupIds: { 'Fn::GetAtt': string[] }[] }).SecurityGroupIds[0]['Fn::GetAtt'][0];
    const inline = (t.toJSON().Resources[groupId].Properties.SecurityGroupEgress ?? []) as Record<string, unknown>[];
    const standalone = resourcesOf(t, 'AWS::EC2::SecurityGroupEgress').filter(([, r]) => JSON.stringify(r.Properties!.GroupId).includes(groupId)).map(([, r]) => r.Properties!);
    const egress = [...inline, ...standalone];
    // 443 to Lattice's addresses, and to the association's group (which admits these functions); nothing else.
    const [[associationId, association]] = resourcesOf(t, 'AWS::VpcLattice::ServiceNetworkVpcAssociation');
    const associationGroup = (association.Properties!.SecurityGroupIds as { 'Fn::GetAtt': string[] }[])[0]['Fn::GetAtt'][0];
    expect(egress.map((r) => [r.FromPort, r.ToPort, r.CidrIp, r.DestinationSecurityGroupId ?? 'prefix list'])).toEqual(expect.arrayContaining([[443, 443, undefined, 'prefix list'], [443, 443, undefined, { 'Fn::GetAtt': [associationGroup, 'GroupId'] }]]));
    expect(egress).toHaveLength(2);
    expect(associationId).toBeDefined();
    const lookup = (egress.find((r) => r.DestinationPrefixListId)!.DestinationPrefixListId as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
    expect(JSON.stringify(t.toJSON().Resources[lookup].Properties)).toContain(`com.amazonaws.${config.region}.vpc-lattice`);
  });

  test.each(pairs)('consumer %s -> %s: the health check runs after the association and the name exist, and re-runs when the service changes', (name, apiName) => {
    const t = consumerApp(name);
    const [[gateId, gate]] = Object.entries(t.findResources('Custom::HealthCheckGate')).filter(([id]) => id.startsWith(`Graphql${apiName}`));
    const inputs = (gate.Properties as { CheckedInputs: Record<string, { Ref: string }> }).CheckedInputs;
    expect(t.toJSON().Parameters[inputs.latticeServiceArn.Ref].Default).toBe(sharedParameterArn(config, env, 'lattice-service-arn', { kind: 'api', name: apiName }));
    const [[associationId]] = resourcesOf(t, 'AWS::VpcLattice::ServiceNetworkVpcAssociation');
    const api = env.apis.find((a) => a.name === apiName)!;
    const [[zoneId]] = resourcesOf(t, 'AWS::Route53::HostedZone').filter(([, z]) => z.Properties!.Name === `${api.domain}.`);
    const [[recordId]] = resourcesOf(t, 'AWS::Route53::RecordSet').filter(([, r]) => JSON.stringify(r.Properties!.HostedZoneId).includes(zoneId));
    expect(t.toJSON().Resources[gateId].DependsOn).toEqual(expect.arrayContaining([associationId, recordId]));
  });

  test.each(deniedPairs)('consumer %s -> %s (denied): no name, no grant, no parameter, no GraphQL field', (name, apiName) => {
    const t = consumerApp(name);
    const api = env.apis.find((a) => a.name === apiName)!;
    expect(resourcesOf(t, 'AWS::Route53::HostedZone').filter(([, z]) => z.Properties!.Name === `${api.domain}.`)).toEqual([]);
    const text = JSON.stringify(t.toJSON());
    expect(text).not.toContain(`api-${apiName}`);
    expect(resourcesOf(t, 'AWS::Lambda::Function').filter(([id]) => id.startsWith(`Graphql${apiName}`))).toEqual([]);
    expect(text).not.toContain(`-${apiName}-resolver`);
  });

  test('deploy order: the service network before every API service and consumer app', () => {
    const { dev } = built();
    const hub = dev.latticeHub!;
    const dependsOn = (stack: Stack, on: Stack): boolean => stack.dependencies.some((d) => d === on || dependsOn(d, on));
    for (const stack of [...[...dev.apis.values()].map((a) => a.service), ...dev.consumerApps.values()]) {
      expect({ stack: stack.node.id, afterHub: dependsOn(stack, hub) }).toEqual({ stack: stack.node.id, afterHub: true });
    }
  });
});
