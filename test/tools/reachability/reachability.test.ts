/**
 * The reachability analysis (tools/reachability) on the example and on a PrivateLink
 * configuration: every verdict the access matrix expects is met. Then mutations of the synthesized
 * templates, one wrong hop each, every one of which must turn a verdict and name the hop; an
 * assembly with a resource type the model does not read reports the gap instead of a verdict; and
 * the command's exit codes and messages.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_VPC_INTERFACE_ENDPOINTS } from '../../../lib/config/api-network';
import { exampleConfig } from '../../../lib/config/environments';
import { CONTAINER_PORT } from '../../../lib/runtime/api-service/src/settings';
import { AppConfig } from '../../../lib/config/types';
import { TemplateResolver } from '../../../tools/access-sim/intrinsics';
import { analyze, formatReport, readStages } from '../../../tools/reachability/analyze';
import { run } from '../../../tools/reachability/main';
import { met, Verdict } from '../../../tools/reachability/questions';
import { buildTestStages, exampleTestStages, memo } from '../../helpers';
import { privateLinkConfig } from '../../stages/privatelink-config';
import { Json, mutated, resources, Stages, verdictOf } from './templates';

const OUT = join(__dirname, '..', '..', '..', 'cdk.out.reachability');

/** The synthesized assembly of a configuration's stages, its directory and its stacks by stage. */
function assemblyOf(config: AppConfig): { dir: string; stages: Stages } {
  const { app } = config === exampleConfig ? exampleTestStages() : buildTestStages(config);
  const dir = app.synth().directory;
  return { dir, stages: readStages(dir) };
}
const example = memo(() => assemblyOf(exampleConfig));
const privateLink = memo(() => assemblyOf(privateLinkConfig));

/** The example's dev pair the mutations break, from the configuration: its first consumer and the first API it calls. */
const dev = exampleConfig.environments[0];
const consumer = dev.consumers[0];
const api = dev.apis.find((a) => consumer.calls.includes(a.name))!;
const pairQuestion = `${consumer.name} -> ${api.name} (https://${api.domain}:443)`;

describe.each<[string, AppConfig, () => { stages: Stages }]>([
  ['example', exampleConfig, example],
  ['privatelink-dev', privateLinkConfig, privateLink],
])('reachability: %s configuration', (name, config, assembly) => {
  let verdicts: Verdict[];
  beforeAll(() => {
    verdicts = analyze(config, assembly().stages);
    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, `${name}.txt`), `${formatReport(verdicts)}\n`);
  });

  test('every verdict is as the matrix expects (table: cdk.out.reachability/)', () => {
    const misses = verdicts.filter((v) => !met(v)).map((v) => `${v.environment}: ${v.question}: ${v.outcome} (${v.hops.find((h) => !h.ok)?.detail ?? 'no hop stops it'})`);
    expect(misses).toEqual([]);
  });

  test('the questions follow the matrix: each pair of each environment, allowed reachable on 443 and denied unreachable', () => {
    for (const env of config.environments) {
      for (const c of env.consumers) {
        for (const a of env.apis) {
          const allowed = c.calls.includes(a.name);
          const question = `${c.name} -> ${a.name} (https://${a.domain}:443)${allowed ? '' : ', denied: any workload'}`;
          const verdict = verdictOf(verdicts, env.name, question);
          expect({ question, outcome: verdict.outcome }).toEqual({ question, outcome: allowed ? 'reachable' : 'unreachable' });
          // An allowed pair is reachable from every source subnet to every address its name gives.
          if (allowed) expect(verdict.paths.evaluated).toBeGreaterThan(0);
        }
      }
    }
  });

  test('the other questions follow the matrix too: each allowed pair on port 80 and the container port, each resolver against every API not its own, each consumer straight to each API\'s tasks', () => {
    for (const env of config.environments) {
      const asked = verdicts.filter((v) => v.environment === env.name).map((v) => v.question);
      for (const c of env.consumers) {
        for (const a of env.apis) {
          if (c.calls.includes(a.name)) for (const port of [80, CONTAINER_PORT]) expect(asked).toContain(`${c.name} -> ${a.name} on port ${port}`);
          expect(asked).toContain(`${c.name} -> ${a.name} tasks directly (port ${CONTAINER_PORT})`);
          // Each API the consumer calls has two functions (resolver, health check); each is asked about every other API.
          const notItsApi = asked.filter((q) => q.startsWith(`ConsumerApp-${c.name}/`) && q.endsWith(`-> ${a.name} (not its API)`));
          expect({ consumer: c.name, api: a.name, count: notItsApi.length }).toEqual({ consumer: c.name, api: a.name, count: 2 * c.calls.filter((n) => n !== a.name).length });
        }
      }
    }
  });

  test('every consumer VPC and API VPC is asked about the internet, and none reaches it', () => {
    for (const env of config.environments) {
      for (const vpc of [...env.apis, ...env.consumers]) expect(verdictOf(verdicts, env.name, `${vpc.name} VPC -> the internet`).outcome).toBe('unreachable');
    }
  });

  test('each API\'s tasks reach every interface endpoint of its VPC (ECR, Logs, STS) and S3 through the gateway endpoint', () => {
    for (const env of config.environments) {
      for (const a of env.apis) {
        for (const service of [...API_VPC_INTERFACE_ENDPOINTS.map((e) => `${e} (interface endpoint)`), 's3 (image layers, gateway endpoint)']) {
          expect(verdictOf(verdicts, env.name, `${a.name} tasks -> ${service}`).outcome).toBe('reachable');
        }
      }
    }
  });
});

describe('reachability: the prod environment\'s denied pair', () => {
  test('the pair the matrix denies stops at the consumer\'s VPC route table', () => {
    const prod = exampleConfig.environments.find((e) => e.consumers.some((c) => c.calls.length < e.apis.length))!;
    const denied = prod.consumers.find((c) => c.calls.length < prod.apis.length)!;
    const other = prod.apis.find((a) => !denied.calls.includes(a.name))!;
    const verdict = verdictOf(analyze(exampleConfig, example().stages), prod.name, `${denied.name} -> ${other.name} (https://${other.domain}:443), denied: any workload`);
    expect(verdict.outcome).toBe('unreachable');
    // Its VPC has no route to that API's CIDR: the first hop a packet from any workload meets.
    expect(verdict.stoppedAt).toBe('route');
  });
});

describe('reachability: one wrong hop turns a verdict and names the hop', () => {
  const stage = 'Dev';
  const baseline = memo(() => analyze(exampleConfig, example().stages));
  const after = (stages: Stages, question = pairQuestion): Verdict => verdictOf(analyze(exampleConfig, stages), dev.name, question);

  test('baseline: the pair is reachable', () => {
    expect(verdictOf(baseline(), dev.name, pairQuestion).outcome).toBe('reachable');
  });

  test('the load balancer\'s ingress rule for the consumer dropped: stops at ingress', () => {
    const stages = mutated(example().stages, stage, `ApiService-${api.name}`, (t) => {
      for (const [, group] of resources(t, 'AWS::EC2::SecurityGroup')) {
        group.Properties.SecurityGroupIngress = (group.Properties.SecurityGroupIngress ?? []).filter((r: Json) => r.CidrIp !== consumer.cidr);
      }
    });
    const verdict = after(stages);
    expect([verdict.outcome, verdict.stoppedAt]).toEqual(['unreachable', 'ingress']);
    expect(verdict.hops.find((h) => !h.ok)?.detail).toContain('admits tcp 443');
  });

  test('the API VPC\'s return route to the consumer dropped: stops at the return route', () => {
    const stages = mutated(example().stages, stage, `ApiNetwork-${api.name}`, (t) => {
      for (const [id, route] of resources(t, 'AWS::EC2::Route')) if (route.Properties.DestinationCidrBlock === consumer.cidr) delete t.Resources[id];
    });
    const verdict = after(stages);
    expect([verdict.outcome, verdict.stoppedAt]).toEqual(['unreachable', 'return route']);
    // The reply to the consumer's subnet (inside its CIDR) has no route back.
    expect(verdict.hops.find((h) => !h.ok)?.detail).toMatch(new RegExp(`no route to ${consumer.cidr.split('.').slice(0, 2).join('\\.')}\\.`));
  });

  test('the consumer\'s attachment associated with an API\'s route table: stops at the transit gateway', () => {
    const stages = mutated(example().stages, stage, 'TransitRouting', (t) => {
      const consumerParameter = Object.keys(t.Parameters).find((p) => String(t.Parameters[p].Default).endsWith(`consumer-${consumer.name}`))!;
      const apiTable = resources(t, 'AWS::EC2::TransitGatewayRouteTable').find(([, r]) => JSON.stringify(r.Properties.Tags).includes(`api ${api.name}`))![0];
      const [, association] = resources(t, 'AWS::EC2::TransitGatewayRouteTableAssociation').find(([, r]) => r.Properties.TransitGatewayAttachmentId.Ref === consumerParameter)!;
      association.Properties.TransitGatewayRouteTableId = { Ref: apiTable };
    });
    const verdict = after(stages);
    expect([verdict.outcome, verdict.stoppedAt]).toEqual(['unreachable', 'transit gateway']);
    expect(verdict.hops.find((h) => !h.ok)?.detail).toMatch(/has no route to|not to the VPC of/);
  });

  test('the DNS alias pointed at a load balancer that is not in the assembly: stops at the name', () => {
    const stages = mutated(example().stages, stage, `ApiService-${api.name}`, (t) => {
      const [, record] = resources(t, 'AWS::Route53::RecordSet').find(([, r]) => r.Properties.AliasTarget)!;
      record.Properties.AliasTarget.DNSName = `dualstack.elsewhere-${api.name}.elb.eu-west-1.amazonaws.com`;
    });
    const verdict = after(stages);
    expect([verdict.outcome, verdict.stoppedAt]).toEqual(['unreachable', 'name']);
    expect(verdict.hops.find((h) => !h.ok)?.detail).toContain('no load balancer of the assembly');
  });

  test('the target group made to preserve client addresses: the tasks, which admit the load balancer only, now refuse the consumer (stops at task ingress)', () => {
    const stages = mutated(example().stages, stage, `ApiService-${api.name}`, (t) => {
      const [, group] = resources(t, 'AWS::ElasticLoadBalancingV2::TargetGroup')[0];
      group.Properties.TargetGroupAttributes = [...(group.Properties.TargetGroupAttributes ?? []), { Key: 'preserve_client_ip.enabled', Value: 'true' }];
    });
    const verdict = after(stages);
    expect([verdict.outcome, verdict.stoppedAt]).toEqual(['unreachable', 'task ingress']);
    expect(verdict.hops.find((h) => !h.ok)?.detail).toContain('the client (address preserved)');
  });

  test('the tasks\' ingress rule referencing the wrong group (their own instead of the load balancer\'s): stops at task ingress', () => {
    const stages = mutated(example().stages, stage, `ApiService-${api.name}`, (t) => {
      for (const [, rule] of resources(t, 'AWS::EC2::SecurityGroupIngress')) rule.Properties.SourceSecurityGroupId = rule.Properties.GroupId;
    });
    const verdict = after(stages);
    expect([verdict.outcome, verdict.stoppedAt]).toEqual(['unreachable', 'task ingress']);
  });

  test('a reference through an export (Fn::ImportValue) resolves like a stack output; an import of a name nobody exports makes the load balancer a named gap', () => {
    const withImport = (exportName: string) => {
      let stages = mutated(example().stages, stage, `ApiNetwork-${api.name}`, (t) => {
        for (const output of Object.values<Json>(t.Outputs)) output.Export = { Name: { 'Fn::Join': ['-', ['export', JSON.stringify(output.Value).length.toString(), JSON.stringify(output.Value).replace(/\W/g, '')]] } };
      });
      const network = stages[stage].find((s) => s.path.endsWith(`ApiNetwork-${api.name}`))!;
      stages = mutated(stages, stage, `ApiService-${api.name}`, (t) => {
        const [, lb] = resources(t, 'AWS::ElasticLoadBalancingV2::LoadBalancer')[0];
        lb.Properties.Subnets = lb.Properties.Subnets.map((ref: Json) => {
          const value = (network.template as Json).Outputs[ref['Fn::GetStackOutput'].OutputName].Value;
          return { 'Fn::ImportValue': exportName || `export-${JSON.stringify(value).length}-${JSON.stringify(value).replace(/\W/g, '')}` };
        });
      });
      return stages;
    };
    expect(after(withImport('')).outcome).toBe('reachable');
    // Unresolvable: the load balancer is a gap (named with the reason), its paths unknown; nothing throws.
    const broken = after(withImport('nobody-exports-this'));
    expect(broken.outcome).toBe('unknown');
    expect(broken.gaps.map((g) => g.type).join('\n')).toMatch(/AWS::ElasticLoadBalancingV2::LoadBalancer \(unreadable: .*Fn::ImportValue nobody-exports-this/);
  });

  test('a route from one consumer to another (VPC route and gateway propagation): the consumer-to-consumer verdict turns open', () => {
    const prod = exampleConfig.environments.find((e) => e.consumers.length > 1)!;
    const [from, to] = prod.consumers;
    const question = `${from.name} -> ${to.name} (consumer to consumer, any port)`;
    expect(verdictOf(baseline(), prod.name, question).outcome).toBe('unreachable');
    let stages = mutated(example().stages, 'Prod', `ConsumerNetwork-${from.name}`, (t) => {
      for (const [id, route] of resources(t, 'AWS::EC2::Route')) t.Resources[`${id}ToConsumer`] = { ...route, Properties: { ...route.Properties, DestinationCidrBlock: to.cidr } };
    });
    stages = mutated(stages, 'Prod', 'TransitRouting', (t) => {
      const parameterOf = (c: string) => Object.keys(t.Parameters).find((p) => String(t.Parameters[p].Default).endsWith(`consumer-${c}`))!;
      const [, association] = resources(t, 'AWS::EC2::TransitGatewayRouteTableAssociation').find(([, r]) => r.Properties.TransitGatewayAttachmentId.Ref === parameterOf(from.name))!;
      t.Resources.WrongPropagation = { Type: 'AWS::EC2::TransitGatewayRouteTablePropagation', Properties: { TransitGatewayAttachmentId: { Ref: parameterOf(to.name) }, TransitGatewayRouteTableId: association.Properties.TransitGatewayRouteTableId } };
    });
    const verdict = verdictOf(analyze(exampleConfig, stages), prod.name, question);
    // From the workload subnets (the transit subnets' tables have no such route): open, a miss.
    expect(['reachable', 'partly reachable']).toContain(verdict.outcome);
    expect(met(verdict)).toBe(false);
    expect(verdict.hops.find((h) => h.hop === 'transit gateway')?.detail).toContain(to.cidr);
  });

  test('only the VPC route to the other consumer: still unreachable, stopped at the transit gateway', () => {
    const prod = exampleConfig.environments.find((e) => e.consumers.length > 1)!;
    const [from, to] = prod.consumers;
    const stages = mutated(example().stages, 'Prod', `ConsumerNetwork-${from.name}`, (t) => {
      for (const [id, route] of resources(t, 'AWS::EC2::Route')) t.Resources[`${id}ToConsumer`] = { ...route, Properties: { ...route.Properties, DestinationCidrBlock: to.cidr } };
    });
    const verdict = verdictOf(analyze(exampleConfig, stages), prod.name, `${from.name} -> ${to.name} (consumer to consumer, any port)`);
    expect([verdict.outcome, verdict.stoppedAt]).toEqual(['unreachable', 'transit gateway']);
  });

  test('a security group with no egress rules of its own keeps CloudFormation\'s allow-all default: the resolver then reaches another API\'s address', () => {
    const other = dev.apis.find((a) => a !== api)!;
    const resolverQuestion = (v: Verdict) => v.environment === dev.name && v.question.endsWith(`-> ${other.name} (not its API)`) && v.question.includes(`ConsumerApp-${consumer.name}/Graphql${api.name}Resolver`);
    expect(baseline().find(resolverQuestion)?.outcome).toBe('unreachable');
    for (const edit of [(group: Json) => delete group.Properties.SecurityGroupEgress, (group: Json) => (group.Properties.SecurityGroupEgress = [])]) {
      const stages = mutated(example().stages, stage, `ConsumerApp-${consumer.name}`, (t) => {
        for (const [, group] of resources(t, 'AWS::EC2::SecurityGroup')) edit(group);
      });
      const verdict = analyze(exampleConfig, stages).find(resolverQuestion)!;
      // Past its egress now (no rule of its own, absent or an empty list); the other API's load balancer admits this consumer, so the path is open.
      expect(verdict.outcome).toBe('reachable');
      expect(verdict.hops.find((h) => h.hop === 'egress')?.detail).toContain('default egress rule');
    }
  });

  test('the DNS alias pointed at the other API\'s load balancer: the resolver\'s egress, which admits its own API only, stops it', () => {
    const other = dev.apis.find((a) => a !== api)!;
    const otherStack = example().stages[stage].find((s) => s.path.endsWith(`ApiService-${other.name}`))!;
    const [, otherRecord] = resources(otherStack.template, 'AWS::Route53::RecordSet').find(([, r]) => r.Properties.AliasTarget)!;
    const otherLbId = resources(otherStack.template, 'AWS::ElasticLoadBalancingV2::LoadBalancer')[0][0];
    // The other load balancer's DNS name as the model resolves it (its own stack's attribute).
    const otherDns = verdictOf(baseline(), dev.name, `${consumer.name} -> ${other.name} (https://${other.domain}:443)`).hops.find((h) => h.hop === 'name')!.detail;
    expect(otherDns).toContain(otherLbId);
    const dnsName = new TemplateResolver(example().stages[stage], { deployTimeValues: true }).resolve<string>(otherStack, otherRecord.Properties.AliasTarget.DNSName);
    const stages = mutated(example().stages, stage, `ApiService-${api.name}`, (t) => {
      const [, record] = resources(t, 'AWS::Route53::RecordSet').find(([, r]) => r.Properties.AliasTarget)!;
      record.Properties.AliasTarget.DNSName = dnsName;
    });
    const verdict = after(stages);
    expect([verdict.outcome, verdict.stoppedAt]).toEqual(['unreachable', 'egress']);
    expect(verdict.hops.find((h) => h.hop === 'name')?.detail).toContain(otherLbId);
  });

  describe('network ACLs on the consumer\'s subnets', () => {
    /** An ACL with `entries` ([rule, egress, allow, protocol, from, to]) associated with the consumer VPC's workload subnets. */
    const withAcl = (entries: [number, boolean, boolean, number, number, number][]) => mutated(example().stages, stage, `ConsumerNetwork-${consumer.name}`, (t) => {
      const vpc = resources(t, 'AWS::EC2::VPC')[0][0];
      t.Resources.Acl = { Type: 'AWS::EC2::NetworkAcl', Properties: { VpcId: { Ref: vpc } } };
      entries.forEach(([rule, egress, allow, protocol, from, to], i) => {
        t.Resources[`AclEntry${i}`] = { Type: 'AWS::EC2::NetworkAclEntry', Properties: { NetworkAclId: { Ref: 'Acl' }, RuleNumber: rule, Egress: egress, RuleAction: allow ? 'allow' : 'deny', Protocol: protocol, CidrBlock: '0.0.0.0/0', PortRange: { From: from, To: to } } };
      });
      // The workload subnets only: an ACL on the transit gateway's attachment subnets is a gap of its own (next test).
      for (const [id] of resources(t, 'AWS::EC2::Subnet').filter(([, r]) => JSON.stringify(r.Properties.Tags).includes('"workload"'))) t.Resources[`${id}Acl`] = { Type: 'AWS::EC2::SubnetNetworkAclAssociation', Properties: { SubnetId: { Ref: id }, NetworkAclId: { Ref: 'Acl' } } };
    });

    test('443 out and the ephemeral ports back in allowed: still reachable', () => {
      expect(after(withAcl([[100, true, true, 6, 443, 443], [100, false, true, 6, 1024, 65535]])).outcome).toBe('reachable');
    });

    test('part of the ephemeral range denied before the allow: the reply is blocked (stops at acl in)', () => {
      const verdict = after(withAcl([[100, true, true, 6, 443, 443], [90, false, false, 6, 2000, 64000], [100, false, true, 6, 1024, 65535]]));
      expect([verdict.outcome, verdict.stoppedAt]).toEqual(['unreachable', 'acl in']);
      expect(verdict.hops.find((h) => !h.ok)?.detail).toContain('denied by rule 90');
    });

    test('an ACL on the transit gateway\'s attachment subnets: not modelled, the path is unknown and the gap named', () => {
      const stages = mutated(example().stages, stage, `ConsumerNetwork-${consumer.name}`, (t) => {
        const vpc = resources(t, 'AWS::EC2::VPC')[0][0];
        t.Resources.Acl = { Type: 'AWS::EC2::NetworkAcl', Properties: { VpcId: { Ref: vpc } } };
        for (const [id] of resources(t, 'AWS::EC2::Subnet').filter(([, r]) => JSON.stringify(r.Properties.Tags).includes('"transit"'))) t.Resources[`${id}Acl`] = { Type: 'AWS::EC2::SubnetNetworkAclAssociation', Properties: { SubnetId: { Ref: id }, NetworkAclId: { Ref: 'Acl' } } };
      });
      const verdict = after(stages);
      expect(verdict.outcome).toBe('unknown');
      expect(verdict.gaps.map((g) => g.type)).toContain('network ACL on a transit gateway attachment subnet');
    });

    test('no outbound entry: the implicit deny (stops at acl out)', () => {
      const verdict = after(withAcl([[100, false, true, 6, 1024, 65535]]));
      expect([verdict.outcome, verdict.stoppedAt]).toEqual(['unreachable', 'acl out']);
    });
  });
});

describe('reachability: PrivateLink hops', () => {
  const plDev = privateLinkConfig.environments.find((e) => e.connectivity === 'privatelink')!;
  const [plConsumer] = plDev.consumers;
  const plApi = plDev.apis.find((a) => plConsumer.calls.includes(a.name))!;
  const question = `${plConsumer.name} -> ${plApi.name} (https://${plApi.domain}:443)`;

  test('the consumer\'s account removed from the endpoint service\'s allowed principals: stops at the endpoint service', () => {
    const stages = mutated(privateLink().stages, 'Dev', `ApiService-${plApi.name}`, (t) => {
      const [, permissions] = resources(t, 'AWS::EC2::VPCEndpointServicePermissions')[0];
      permissions.Properties.AllowedPrincipals = permissions.Properties.AllowedPrincipals.filter((p: string) => !p.includes(`::${plConsumer.account}:`));
    });
    const verdict = verdictOf(analyze(privateLinkConfig, stages), plDev.name, question);
    expect([verdict.outcome, verdict.stoppedAt]).toEqual(['unreachable', 'endpoint service']);
  });

  test('the load balancer enforcing its inbound rules on PrivateLink traffic (it admits no client): stops at the load balancer\'s ingress', () => {
    const stages = mutated(privateLink().stages, 'Dev', `ApiService-${plApi.name}`, (t) => {
      const [, lb] = resources(t, 'AWS::ElasticLoadBalancingV2::LoadBalancer')[0];
      lb.Properties.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic = 'on';
    });
    const verdict = verdictOf(analyze(privateLinkConfig, stages), plDev.name, question);
    expect([verdict.outcome, verdict.stoppedAt]).toEqual(['unreachable', 'lb ingress']);
  });

  test('the endpoint\'s private DNS off: the name falls back to the public record, whose addresses are not in the consumer\'s VPC', () => {
    const stages = mutated(privateLink().stages, 'Dev', `ConsumerApp-${plConsumer.name}`, (t) => {
      for (const [, endpoint] of resources(t, 'AWS::EC2::VPCEndpoint')) endpoint.Properties.PrivateDnsEnabled = false;
    });
    const verdict = verdictOf(analyze(privateLinkConfig, stages), plDev.name, question);
    expect([verdict.outcome, verdict.stoppedAt]).toEqual(['unreachable', 'egress']);
    expect(verdict.hops.find((h) => h.hop === 'name')?.detail).toContain('A alias');
  });
});

describe('reachability: the internet', () => {
  test('a default route to a Gateway Load Balancer endpoint (an appliance, perhaps an egress one) counts as a way out', () => {
    const stages = mutated(example().stages, 'Dev', `ConsumerNetwork-${consumer.name}`, (t) => {
      const vpc = resources(t, 'AWS::EC2::VPC')[0][0];
      t.Resources.Appliance = { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcId: { Ref: vpc }, VpcEndpointType: 'GatewayLoadBalancer', ServiceName: 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0', SubnetIds: [] } };
      for (const [id, table] of resources(t, 'AWS::EC2::RouteTable')) t.Resources[`${id}Default`] = { Type: 'AWS::EC2::Route', Properties: { RouteTableId: { Ref: id }, DestinationCidrBlock: '0.0.0.0/0', VpcEndpointId: { Ref: 'Appliance' } }, table };
    });
    const verdict = verdictOf(analyze(exampleConfig, stages), dev.name, `${consumer.name} VPC -> the internet`);
    expect(verdict.outcome).toBe('reachable');
    expect(verdict.hops[0].detail).toContain('GatewayLoadBalancer endpoint');
  });
});

describe('reachability: what the model does not read', () => {
  test('a VPC peering connection on the consumer\'s VPC: its paths are unknown, the gap is named, nothing is assumed', () => {
    const stages = mutated(example().stages, 'Dev', `ConsumerNetwork-${consumer.name}`, (t) => {
      const vpc = resources(t, 'AWS::EC2::VPC')[0][0];
      t.Resources.Peering = { Type: 'AWS::EC2::VPCPeeringConnection', Properties: { VpcId: { Ref: vpc }, PeerVpcId: 'vpc-0123456789abcdef0', PeerOwnerId: '123456789012' } };
    });
    const verdicts = analyze(exampleConfig, stages);
    const pair = verdictOf(verdicts, dev.name, pairQuestion);
    expect(pair.outcome).toBe('unknown');
    expect(pair.gaps.map((g) => g.type)).toEqual(['AWS::EC2::VPCPeeringConnection']);
    expect(formatReport(verdicts)).toContain(`unmodelled: AWS::EC2::VPCPeeringConnection at Dev/ConsumerNetwork-${consumer.name}/Peering`);
    // An API VPC path that does not touch the peered VPC keeps its verdict.
    expect(verdictOf(verdicts, dev.name, `${api.name} tasks -> logs (interface endpoint)`).outcome).toBe('reachable');
  });

  test('a network resource that names no modelled resource makes every verdict of its environment unknown', () => {
    const stages = mutated(example().stages, 'Dev', 'TransitHub', (t) => {
      t.Resources.Firewall = { Type: 'AWS::NetworkFirewall::Firewall', Properties: { FirewallName: 'inspection' } };
    });
    const verdicts = analyze(exampleConfig, stages);
    expect(new Set(verdicts.filter((v) => v.environment === dev.name).map((v) => v.outcome))).toEqual(new Set(['unknown']));
    expect(verdicts.filter((v) => v.environment !== dev.name).every(met)).toBe(true);
  });
});

describe('npm run reachability', () => {
  const capture = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
  };

  test('exit 0 and one table per environment on the example\'s assembly', () => {
    const { io, out } = capture();
    expect(run(['--assembly', example().dir], io)).toBe(0);
    const text = out.join('\n');
    for (const env of exampleConfig.environments) expect(text).toContain(`reachability, environment ${env.name}:`);
    expect(text).toMatch(/every verdict as expected \(\d+\)/);
  });

  test('exit 1 naming the verdict on an assembly with a wrong hop (a copy of the example\'s, one template edited)', () => {
    const dir = join(OUT, 'wrong-hop-assembly');
    rmSync(dir, { recursive: true, force: true });
    cpSync(example().dir, dir, { recursive: true });
    const stack = example().stages.Dev.find((s) => s.path.endsWith(`ApiService-${api.name}`))!;
    const file = join(dir, 'assembly-Dev', `${stack.stackName.replace(/-/g, '')}`);
    const templateFile = readdirSync(join(dir, 'assembly-Dev')).find((f) => f.endsWith('.template.json') && f.startsWith(file.split('/').pop()!))!;
    const template = JSON.parse(readFileSync(join(dir, 'assembly-Dev', templateFile), 'utf8'));
    for (const [, group] of resources(template, 'AWS::EC2::SecurityGroup')) group.Properties.SecurityGroupIngress = [];
    writeFileSync(join(dir, 'assembly-Dev', templateFile), JSON.stringify(template));
    const { io, out } = capture();
    expect(run(['--assembly', dir], io)).toBe(1);
    expect(out.at(-1)).toContain(`dev: ${pairQuestion} (unreachable, stops at ingress)`);
  });

  test('exit 2 and a clear message when there is no assembly', () => {
    const { io, err } = capture();
    expect(run(['--assembly', join(OUT, 'no-such-assembly')], io)).toBe(2);
    expect(err.join('\n')).toContain('No cloud assembly at');
  });

  test('exit 2 when the assembly was built from another configuration (a stage it lacks)', () => {
    const { io, err } = capture();
    const file = join(OUT, 'renamed-environment.json');
    mkdirSync(OUT, { recursive: true });
    const renamed = JSON.parse(JSON.stringify(exampleConfig));
    renamed.environments[0].name = 'qa';
    writeFileSync(file, JSON.stringify(renamed));
    expect(run(['--assembly', example().dir, '--config', file], io)).toBe(2);
    expect(err.join('\n')).toContain('the assembly has no stage "Qa" for environment "qa"');
  });
});
