/**
 * The network of one environment as its synthesized templates will build it, every reference
 * resolved across stacks and accounts (stack outputs, shared SSM parameters): VPCs, subnets, route
 * tables, network ACLs, security groups, the transit gateway and its route tables, VPC endpoints,
 * endpoint services, load balancers, ECS services, functions, hosted zones and certificates.
 * Pure: it reads templates, it does not judge them (that is `paths.ts`).
 *
 * A resource of a network type this model does not read is kept as a {@link Gap}, with the ids of
 * the modelled resources it refers to, so a path through them is reported as unknown instead of
 * being assumed open or closed.
 */
import { CfnResource, deployTimeToken, StackTemplate, TemplateResolver } from '../access-sim/intrinsics';
import { CidrRange, parseCidr } from '../../lib/config/cidr';

/** Where a resource is declared, for the report: `Dev/ApiService-catalogue/ApiLoadBalancerSecurityGroup0EC682A9`. */
export type Where = string;

/** The peer of a security-group rule or the destination of a route. */
export type Peer =
  | { readonly kind: 'cidr'; readonly cidr: string; readonly range: CidrRange }
  | { readonly kind: 'group'; readonly groupId: string }
  | { readonly kind: 'prefix-list'; readonly prefixList: string };

export interface SecurityGroupRule {
  /** `tcp`, `udp`, `icmp`, `-1` (all), or a protocol number. */
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly peer: Peer;
  readonly where: Where;
}

export interface SecurityGroup {
  readonly id: string;
  readonly vpcId: string;
  readonly ingress: readonly SecurityGroupRule[];
  /** Egress rules; CloudFormation's allow-all default as one rule when the group has no egress rule of its own. */
  readonly egress: readonly SecurityGroupRule[];
  readonly where: Where;
}

export interface RouteTarget {
  readonly kind: 'local' | 'transit-gateway' | 'gateway-endpoint' | 'internet-gateway' | 'nat-gateway' | 'other';
  /** The target's id (gateway, endpoint); for `other`, what the route points at. */
  readonly id: string;
}

export interface Route {
  readonly destination: Peer;
  readonly target: RouteTarget;
  readonly where: Where;
}

export interface Subnet {
  readonly id: string;
  readonly vpcId: string;
  readonly cidr: string;
  readonly range: CidrRange;
  /** The availability zone (name or id, as the template gives it). */
  readonly zone: string;
  readonly mapPublicIpOnLaunch: boolean;
  readonly routeTableId?: string;
  readonly networkAclId?: string;
  readonly where: Where;
}

export interface Vpc {
  readonly id: string;
  readonly cidr: string;
  readonly range: CidrRange;
  readonly account: string;
  readonly dnsSupport: boolean;
  readonly dnsHostnames: boolean;
  readonly where: Where;
}

export interface NetworkAclEntry {
  readonly ruleNumber: number;
  readonly egress: boolean;
  readonly allow: boolean;
  readonly protocol: string;
  readonly range: CidrRange;
  readonly fromPort: number;
  readonly toPort: number;
  readonly where: Where;
}

export interface TransitGateway {
  readonly id: string;
  readonly account: string;
  /** `AutoAcceptSharedAttachments` (AWS's default: off): an attachment from another account is accepted without a manual step. */
  readonly autoAccept: boolean;
  readonly defaultAssociation: boolean;
  readonly defaultPropagation: boolean;
  readonly where: Where;
}

export interface TransitAttachment {
  readonly id: string;
  readonly account: string;
  readonly gatewayId: string;
  readonly vpcId: string;
  readonly subnetIds: readonly string[];
  readonly where: Where;
}

export interface TransitRouteTable {
  readonly id: string;
  readonly gatewayId: string;
  readonly associations: { readonly attachmentId: string; readonly where: Where }[];
  readonly propagations: { readonly attachmentId: string; readonly where: Where }[];
  readonly staticRoutes: { readonly range: CidrRange; readonly cidr: string; readonly attachmentId?: string; readonly blackhole: boolean; readonly where: Where }[];
  readonly where: Where;
}

export interface VpcEndpoint {
  readonly id: string;
  readonly vpcId: string;
  readonly type: 'Interface' | 'Gateway' | string;
  readonly serviceName: string;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  readonly privateDns: boolean;
  readonly routeTableIds: readonly string[];
  readonly where: Where;
}

export interface EndpointService {
  readonly id: string;
  /** `com.amazonaws.vpce.<region>.<id>`, the name a consumer's endpoint asks for. */
  readonly serviceName: string;
  readonly account: string;
  readonly loadBalancerArns: readonly string[];
  readonly allowedPrincipals: readonly string[];
  readonly acceptanceRequired: boolean;
  /** The private DNS name set on the service (by the template or by a custom resource call). */
  readonly privateDnsName?: string;
  readonly where: Where;
}

export interface LoadBalancer {
  readonly arn: string;
  readonly dnsName: string;
  readonly type: string;
  readonly internal: boolean;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  /** `EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic` is `on` (the AWS default when the load balancer has security groups). */
  readonly enforceOnPrivateLink: boolean;
  readonly where: Where;
}

export interface Listener {
  readonly loadBalancerArn: string;
  readonly port: number;
  readonly protocol: string;
  readonly certificateArns: readonly string[];
  readonly targetGroupArns: readonly string[];
  readonly where: Where;
}

export interface TargetGroup {
  readonly arn: string;
  readonly port: number;
  readonly protocol: string;
  readonly targetType: string;
  /** Targets see the client's address (`preserve_client_ip.enabled`); else the load balancer's. */
  readonly preserveClientIp: boolean;
  readonly where: Where;
}

export interface EcsService {
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  readonly assignPublicIp: boolean;
  readonly targets: { readonly targetGroupArn: string; readonly containerPort: number }[];
  /**
   * The VPC Lattice target groups ECS registers the tasks in (`VpcLatticeConfigurations`), each
   * with the task definition's port of that name (undefined when no port mapping has it).
   */
  readonly latticeTargets: { readonly targetGroupArn: string; readonly portName: string; readonly containerPort?: number }[];
  readonly where: Where;
}

export interface VpcFunction {
  readonly name: string;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
  readonly where: Where;
}

export interface HostedZone {
  readonly id: string;
  /** Without the trailing dot, lower case. */
  readonly name: string;
  /** The VPCs of a private zone; empty for a public one. */
  readonly vpcIds: readonly string[];
  /** The name-server token a delegation must carry (the zone's `NameServers` attribute). */
  readonly nameServers: string;
  readonly where: Where;
}

export interface Delegation {
  readonly parentZoneId: string;
  readonly zoneName: string;
  readonly nameServers: string;
  readonly where: Where;
}

export interface RecordSet {
  readonly zoneId: string;
  readonly name: string;
  readonly type: string;
  readonly aliasDnsName?: string;
  readonly where: Where;
}

export interface Certificate {
  readonly arn: string;
  readonly names: readonly string[];
  readonly where: Where;
}

/** A VPC Lattice service network (`Ref` and `Arn` are its ARN; `Id` its id). */
export interface LatticeNetwork {
  readonly arn: string;
  readonly id: string;
  readonly name: string;
  readonly authType: string;
  readonly where: Where;
}

/** A VPC Lattice service. */
export interface LatticeService {
  readonly arn: string;
  readonly id: string;
  readonly name: string;
  /** The name VPC Lattice generates (`DnsEntry.DomainName`), lower case. */
  readonly dnsName: string;
  /** `CustomDomainName`, lower case. */
  readonly customDomainName?: string;
  readonly certificateArn?: string;
  readonly authType: string;
  readonly where: Where;
}

/** A listener of a Lattice service: its default action's target groups (by id or ARN, as written). */
export interface LatticeListener {
  /** The service's id or ARN, as `ServiceIdentifier` gives it. */
  readonly serviceIdentifier: string;
  readonly port: number;
  readonly protocol: string;
  readonly targetGroupIdentifiers: readonly string[];
  readonly where: Where;
}

/** A VPC Lattice target group. */
export interface LatticeTargetGroup {
  readonly arn: string;
  readonly id: string;
  readonly type: string;
  readonly port?: number;
  readonly vpcId?: string;
  readonly healthCheckPort?: number;
  readonly where: Where;
}

/** An association of a service (or of a VPC, with its security groups) with a service network, identifiers as written (id or ARN). */
export interface LatticeAssociation {
  readonly networkIdentifier: string;
  /** The service's id or ARN (a service association). */
  readonly serviceIdentifier?: string;
  /** The VPC (a VPC association). */
  readonly vpcId?: string;
  readonly securityGroupIds: readonly string[];
  readonly account: string;
  readonly where: Where;
}

/** An auth policy of a service or service network (IAM: decided per request, not a network hop). */
export interface LatticeAuthPolicy {
  readonly resourceIdentifier: string;
  readonly where: Where;
}

/** A resource of a network type the model does not read: paths through what it refers to are unknown. */
export interface Gap {
  readonly type: string;
  readonly where: Where;
  /** Ids of modelled resources its properties name (VPCs, subnets, groups, route tables, gateways). */
  readonly touches: readonly string[];
}

/** The network of one environment. */
export interface NetworkModel {
  readonly vpcs: Map<string, Vpc>;
  readonly subnets: Map<string, Subnet>;
  readonly routes: Map<string, Route[]>;
  readonly networkAcls: Map<string, NetworkAclEntry[]>;
  readonly securityGroups: Map<string, SecurityGroup>;
  readonly internetGateways: { readonly id: string; readonly vpcId?: string; readonly where: Where }[];
  readonly transitGateways: Map<string, TransitGateway>;
  readonly attachments: Map<string, TransitAttachment>;
  readonly transitRouteTables: Map<string, TransitRouteTable>;
  readonly endpoints: VpcEndpoint[];
  readonly endpointServices: EndpointService[];
  readonly loadBalancers: Map<string, LoadBalancer>;
  readonly listeners: Listener[];
  readonly targetGroups: Map<string, TargetGroup>;
  readonly ecsServices: EcsService[];
  readonly functions: VpcFunction[];
  readonly zones: HostedZone[];
  readonly delegations: Delegation[];
  readonly records: RecordSet[];
  readonly certificates: Map<string, Certificate>;
  /** Prefix list token -> the AWS-managed prefix list's name (`com.amazonaws.<region>.s3`). */
  readonly prefixListNames: Map<string, string>;
  readonly lattice: {
    readonly networks: LatticeNetwork[];
    readonly services: LatticeService[];
    readonly listeners: LatticeListener[];
    readonly targetGroups: LatticeTargetGroup[];
    readonly serviceAssociations: LatticeAssociation[];
    readonly vpcAssociations: LatticeAssociation[];
    readonly authPolicies: LatticeAuthPolicy[];
  };
  readonly gaps: Gap[];
}

/** Types this model reads. */
const MODELLED = new Set([
  'AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::RouteTable', 'AWS::EC2::SubnetRouteTableAssociation', 'AWS::EC2::Route',
  'AWS::EC2::NetworkAcl', 'AWS::EC2::NetworkAclEntry', 'AWS::EC2::SubnetNetworkAclAssociation',
  'AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress',
  'AWS::EC2::InternetGateway', 'AWS::EC2::VPCGatewayAttachment',
  'AWS::EC2::TransitGateway', 'AWS::EC2::TransitGatewayAttachment', 'AWS::EC2::TransitGatewayVpcAttachment',
  'AWS::EC2::TransitGatewayRouteTable', 'AWS::EC2::TransitGatewayRouteTableAssociation', 'AWS::EC2::TransitGatewayRouteTablePropagation', 'AWS::EC2::TransitGatewayRoute',
  'AWS::EC2::VPCEndpoint', 'AWS::EC2::VPCEndpointService', 'AWS::EC2::VPCEndpointServicePermissions',
  'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::ElasticLoadBalancingV2::Listener', 'AWS::ElasticLoadBalancingV2::TargetGroup',
  'AWS::ECS::Service', 'AWS::Lambda::Function', 'AWS::Route53::HostedZone', 'AWS::Route53::RecordSet',
  'Custom::CrossAccountZoneDelegation', 'AWS::CertificateManager::Certificate',
  'AWS::VpcLattice::ServiceNetwork', 'AWS::VpcLattice::Service', 'AWS::VpcLattice::Listener', 'AWS::VpcLattice::TargetGroup',
  'AWS::VpcLattice::ServiceNetworkServiceAssociation', 'AWS::VpcLattice::ServiceNetworkVpcAssociation', 'AWS::VpcLattice::AuthPolicy',
]);

/**
 * Types that cannot open or close a path: logging and monitoring, identity, storage, and the
 * bookkeeping around the modelled resources (flow logs observe traffic; a RAM share makes a
 * gateway or parameter visible, it routes nothing).
 */
const IRRELEVANT = /^AWS::(IAM|Logs|KMS|CloudWatch|SNS|S3|SSM|RAM|CDK|ApplicationAutoScaling|AppSync|CodePipeline|CodeBuild|Events|SQS|ECR|ECS::(Cluster|TaskDefinition)|Lambda::(Version|Permission|Alias|EventInvokeConfig|Url))::|^AWS::EC2::FlowLog$/;

/** Types that could change a path and are not modelled: everything else in these namespaces. */
const NETWORK_NAMESPACES = /^AWS::(EC2|ElasticLoadBalancingV2|ElasticLoadBalancing|Route53|Route53Resolver|VpcLattice|NetworkFirewall|GlobalAccelerator|DirectConnect|NetworkManager|ServiceDiscovery)::/;

/**
 * Custom resources whose effect on the network is known: the default security group's rules
 * removed (no modelled resource uses the default group), a managed prefix list looked up, an
 * endpoint service's private DNS name set and verified, termination protection.
 */
const KNOWN_CUSTOM_CALLS = new Set(['EC2.describeManagedPrefixLists', 'EC2.modifyVpcEndpointServiceConfiguration', 'EC2.describeVpcEndpointServiceConfigurations', 'EC2.startVpcEndpointServicePrivateDnsVerification', 'CloudFormation.updateTerminationProtection']);
const KNOWN_CUSTOM_TYPES = new Set(['Custom::VpcRestrictDefaultSG', 'Custom::PrivateDnsVerification', 'Custom::HealthCheckGate', 'Custom::AcmValidationCleanup']);

const str = (value: unknown): string => String(value);

/** Parses a CIDR the template gives; a malformed one becomes a gap by throwing here. */
function cidrOf(value: unknown, where: Where): CidrRange {
  const range = parseCidr(str(value));
  if (!range) throw new Error(`${where}: ${JSON.stringify(value)} is not an IPv4 CIDR the reachability model can read.`);
  return range;
}

/** Builds the model of the stacks of one environment. */
export function buildModel(stacks: readonly StackTemplate[]): NetworkModel {
  const resolver = new TemplateResolver(stacks, { deployTimeValues: true });
  const model: NetworkModel = {
    vpcs: new Map(), subnets: new Map(), routes: new Map(), networkAcls: new Map(), securityGroups: new Map(), internetGateways: [],
    transitGateways: new Map(), attachments: new Map(), transitRouteTables: new Map(), endpoints: [], endpointServices: [],
    loadBalancers: new Map(), listeners: [], targetGroups: new Map(), ecsServices: [], functions: [], zones: [], delegations: [],
    records: [], certificates: new Map(), prefixListNames: new Map(), gaps: [],
    lattice: { networks: [], services: [], listeners: [], targetGroups: [], serviceAssociations: [], vpcAssociations: [], authPolicies: [] },
  };
  const every = stacks.flatMap((stack) => Object.entries(stack.template.Resources ?? {}).map(([logicalId, resource]) => ({ stack, logicalId, resource })));
  // A modelled resource whose properties cannot be resolved is a gap, not a crash: it is left out,
  // and what it names makes the paths through it unknown.
  const all = every.filter(({ stack, logicalId, resource }) => {
    if (!MODELLED.has(resource.Type) && resource.Type !== 'Custom::AWS') return true;
    try {
      resolver.resolve(stack, resource.Properties ?? {});
      return true;
    } catch (error) {
      const text = JSON.stringify(resource.Properties ?? {});
      const refs = [...text.matchAll(/"(?:Ref|Fn::GetAtt)":\s*(?:"([^"]+)"|\["([^"]+)")/g)].map((m) => m[1] ?? m[2]);
      const touches = refs.flatMap((id) => {
        try {
          return [resolver.ref(stack, id.split('.')[0])];
        } catch {
          return [];
        }
      });
      // Itself too (its id, and a load balancer's DNS name, which a record may alias).
      for (const own of [{ Ref: logicalId }, ...(resource.Type === 'AWS::ElasticLoadBalancingV2::LoadBalancer' ? [{ 'Fn::GetAtt': [logicalId, 'DNSName'] }] : [])]) {
        try {
          touches.push(String(resolver.resolve(stack, own)).toLowerCase());
        } catch {
          // not resolvable either: what it names is enough
        }
      }
      model.gaps.push({ type: `${resource.Type} (unreadable: ${(error as Error).message.split(';')[0]})`, where: `${stack.path}/${logicalId}`, touches });
      return false;
    }
  });
  const byType = (...types: string[]) => all.filter((r) => types.includes(r.resource.Type));
  const where = (stack: StackTemplate, logicalId: string): Where => `${stack.path}/${logicalId}`;
  const props = <T = Record<string, unknown>>(stack: StackTemplate, resource: CfnResource): T => resolver.resolve<T>(stack, resource.Properties ?? {});
  const ref = (stack: StackTemplate, logicalId: string): string => resolver.ref(stack, logicalId);

  for (const { stack, logicalId, resource } of byType('AWS::EC2::VPC')) {
    const p = props<{ CidrBlock: string; EnableDnsSupport?: boolean | string; EnableDnsHostnames?: boolean | string }>(stack, resource);
    const w = where(stack, logicalId);
    model.vpcs.set(ref(stack, logicalId), {
      id: ref(stack, logicalId), cidr: p.CidrBlock, range: cidrOf(p.CidrBlock, w), account: stack.account,
      // AWS defaults: DNS support on, DNS hostnames off for a VPC that is not the default VPC.
      dnsSupport: String(p.EnableDnsSupport ?? true) === 'true', dnsHostnames: String(p.EnableDnsHostnames ?? false) === 'true', where: w,
    });
  }
  for (const { stack, logicalId, resource } of byType('AWS::EC2::Subnet')) {
    const p = props<{ VpcId: string; CidrBlock: string; AvailabilityZone?: string; AvailabilityZoneId?: string; MapPublicIpOnLaunch?: boolean | string }>(stack, resource);
    const w = where(stack, logicalId);
    model.subnets.set(ref(stack, logicalId), {
      id: ref(stack, logicalId), vpcId: p.VpcId, cidr: p.CidrBlock, range: cidrOf(p.CidrBlock, w), zone: str(p.AvailabilityZoneId ?? p.AvailabilityZone ?? 'unknown'),
      mapPublicIpOnLaunch: String(p.MapPublicIpOnLaunch ?? false) === 'true', where: w,
    });
  }
  for (const { stack, logicalId } of byType('AWS::EC2::RouteTable')) model.routes.set(ref(stack, logicalId), []);
  for (const { stack, logicalId, resource } of byType('AWS::EC2::SubnetRouteTableAssociation')) {
    const p = props<{ SubnetId: string; RouteTableId: string }>(stack, resource);
    const subnet = model.subnets.get(p.SubnetId);
    if (subnet) model.subnets.set(subnet.id, { ...subnet, routeTableId: p.RouteTableId });
    else model.gaps.push({ type: resource.Type, where: where(stack, logicalId), touches: [p.RouteTableId] });
  }
  // Routes to an endpoint: only a gateway endpoint is modelled (a Gateway Load Balancer endpoint leads to an appliance).
  const endpointTypes = new Map(byType('AWS::EC2::VPCEndpoint').map(({ stack, logicalId, resource }) => [ref(stack, logicalId), String(resource.Properties?.VpcEndpointType ?? 'Gateway')]));
  for (const { stack, logicalId, resource } of byType('AWS::EC2::Route')) {
    const p = props<Record<string, string>>(stack, resource);
    const w = where(stack, logicalId);
    if (p.DestinationCidrBlock === undefined && p.DestinationPrefixListId === undefined) {
      // IPv6 is not modelled; an IPv6 route (to an egress-only gateway, say) is a gap of its table.
      model.gaps.push({ type: `${resource.Type} (IPv6, not modelled)`, where: w, touches: [p.RouteTableId] });
      continue;
    }
    const destination: Peer = p.DestinationPrefixListId !== undefined
      ? { kind: 'prefix-list', prefixList: p.DestinationPrefixListId }
      : { kind: 'cidr', cidr: p.DestinationCidrBlock, range: cidrOf(p.DestinationCidrBlock, w) };
    const target: RouteTarget = p.TransitGatewayId !== undefined ? { kind: 'transit-gateway', id: p.TransitGatewayId }
      : p.NatGatewayId !== undefined ? { kind: 'nat-gateway', id: p.NatGatewayId }
        : p.GatewayId?.startsWith('igw-') || p.GatewayId?.includes('InternetGateway') ? { kind: 'internet-gateway', id: p.GatewayId }
          : p.VpcEndpointId !== undefined ? { kind: endpointTypes.get(p.VpcEndpointId) === 'Gateway' ? 'gateway-endpoint' : 'other', id: `${endpointTypes.get(p.VpcEndpointId) ?? 'unknown'} endpoint ${p.VpcEndpointId}` }
            : { kind: 'other', id: Object.entries(p).filter(([k]) => k.endsWith('Id') && k !== 'RouteTableId').map(([k, v]) => `${k} ${v}`).join(', ') || 'nothing' };
    (model.routes.get(p.RouteTableId) ?? model.routes.set(p.RouteTableId, []).get(p.RouteTableId)!).push({ destination, target, where: w });
  }
  for (const { stack, logicalId } of byType('AWS::EC2::NetworkAcl')) model.networkAcls.set(ref(stack, logicalId), []);
  for (const { stack, logicalId, resource } of byType('AWS::EC2::NetworkAclEntry')) {
    const p = props<{ NetworkAclId: string; RuleNumber: number; Egress?: boolean | string; RuleAction: string; Protocol: number | string; CidrBlock?: string; Ipv6CidrBlock?: string; PortRange?: { From: number; To: number } }>(stack, resource);
    const w = where(stack, logicalId);
    if (p.CidrBlock === undefined) continue; // IPv6 entries: no IPv6 in these VPCs
    const protocol = String(p.Protocol) === '6' ? 'tcp' : String(p.Protocol) === '17' ? 'udp' : String(p.Protocol);
    (model.networkAcls.get(p.NetworkAclId) ?? model.networkAcls.set(p.NetworkAclId, []).get(p.NetworkAclId)!).push({
      ruleNumber: Number(p.RuleNumber), egress: String(p.Egress ?? false) === 'true', allow: p.RuleAction === 'allow', protocol,
      range: cidrOf(p.CidrBlock, w), fromPort: p.PortRange?.From ?? 0, toPort: p.PortRange?.To ?? 65535, where: w,
    });
  }
  for (const { stack, logicalId, resource } of byType('AWS::EC2::SubnetNetworkAclAssociation')) {
    const p = props<{ SubnetId: string; NetworkAclId: string }>(stack, resource);
    const subnet = model.subnets.get(p.SubnetId);
    if (subnet) model.subnets.set(subnet.id, { ...subnet, networkAclId: p.NetworkAclId });
    else model.gaps.push({ type: resource.Type, where: where(stack, logicalId), touches: [p.NetworkAclId] });
  }

  // Security groups: inline rules, then standalone ones. CloudFormation gives a group without
  // SecurityGroupEgress an allow-all egress rule, and removes that rule when an
  // AWS::EC2::SecurityGroupEgress is added to the group (CDK relies on this, aws-cdk#998).
  const ruleOf = (w: Where, r: Record<string, unknown>, direction: 'ingress' | 'egress'): SecurityGroupRule => {
    const peer: Peer = r.CidrIp !== undefined ? { kind: 'cidr', cidr: str(r.CidrIp), range: cidrOf(r.CidrIp, w) }
      : (direction === 'ingress' ? r.SourceSecurityGroupId : r.DestinationSecurityGroupId) !== undefined
        ? { kind: 'group', groupId: str(direction === 'ingress' ? r.SourceSecurityGroupId : r.DestinationSecurityGroupId) }
        : (direction === 'ingress' ? r.SourcePrefixListId : r.DestinationPrefixListId) !== undefined
          ? { kind: 'prefix-list', prefixList: str(direction === 'ingress' ? r.SourcePrefixListId : r.DestinationPrefixListId) }
          : { kind: 'cidr', cidr: 'none', range: { first: 1, last: 0, prefix: 33 } }; // IPv6-only rule: matches no IPv4 address
    const protocol = str(r.IpProtocol);
    const all = protocol === '-1';
    return { protocol: protocol === '6' ? 'tcp' : protocol, fromPort: all ? 0 : Number(r.FromPort ?? 0), toPort: all ? 65535 : Number(r.ToPort ?? 65535), peer, where: w };
  };
  const standaloneEgress = new Set(byType('AWS::EC2::SecurityGroupEgress').map(({ stack, resource }) => props<{ GroupId: string }>(stack, resource).GroupId));
  for (const { stack, logicalId, resource } of byType('AWS::EC2::SecurityGroup')) {
    const p = props<{ VpcId: string; SecurityGroupIngress?: Record<string, unknown>[]; SecurityGroupEgress?: Record<string, unknown>[] }>(stack, resource);
    const w = where(stack, logicalId);
    const id = ref(stack, logicalId);
    // An empty list is no egress rule of its own: CloudFormation still adds the default (which is why CDK writes a rule that matches nothing).
    const egress = (p.SecurityGroupEgress !== undefined && p.SecurityGroupEgress.length > 0) || standaloneEgress.has(id)
      ? (p.SecurityGroupEgress ?? []).map((r) => ruleOf(w, r, 'egress'))
      : [{ protocol: '-1', fromPort: 0, toPort: 65535, peer: { kind: 'cidr' as const, cidr: '0.0.0.0/0', range: cidrOf('0.0.0.0/0', w) }, where: `${w} (CloudFormation's default egress rule)` }];
    model.securityGroups.set(id, { id, vpcId: p.VpcId, ingress: (p.SecurityGroupIngress ?? []).map((r) => ruleOf(w, r, 'ingress')), egress, where: w });
  }
  for (const { stack, logicalId, resource } of byType('AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress')) {
    const direction = resource.Type.endsWith('Ingress') ? 'ingress' : 'egress';
    const p = props<Record<string, unknown> & { GroupId: string }>(stack, resource);
    const group = model.securityGroups.get(p.GroupId);
    const w = where(stack, logicalId);
    if (!group) {
      model.gaps.push({ type: `${resource.Type} (of a group no template of the environment creates)`, where: w, touches: [p.GroupId] });
      continue;
    }
    (group[direction] as SecurityGroupRule[]).push(ruleOf(w, p, direction));
  }

  for (const { stack, logicalId } of byType('AWS::EC2::InternetGateway')) model.internetGateways.push({ id: ref(stack, logicalId), where: where(stack, logicalId) });
  for (const { stack, logicalId, resource } of byType('AWS::EC2::VPCGatewayAttachment')) {
    const p = props<{ VpcId: string; InternetGatewayId?: string; VpnGatewayId?: string }>(stack, resource);
    const gateway = model.internetGateways.find((g) => g.id === p.InternetGatewayId);
    if (gateway) model.internetGateways.splice(model.internetGateways.indexOf(gateway), 1, { ...gateway, vpcId: p.VpcId });
    else model.gaps.push({ type: `${resource.Type} (a virtual private gateway)`, where: where(stack, logicalId), touches: [p.VpcId] });
  }

  for (const { stack, logicalId, resource } of byType('AWS::EC2::TransitGateway')) {
    const p = props<{ DefaultRouteTableAssociation?: string; DefaultRouteTablePropagation?: string; AutoAcceptSharedAttachments?: string }>(stack, resource);
    const id = ref(stack, logicalId);
    model.transitGateways.set(id, { id, account: stack.account, autoAccept: p.AutoAcceptSharedAttachments === 'enable', defaultAssociation: (p.DefaultRouteTableAssociation ?? 'enable') === 'enable', defaultPropagation: (p.DefaultRouteTablePropagation ?? 'enable') === 'enable', where: where(stack, logicalId) });
  }
  for (const { stack, logicalId, resource } of byType('AWS::EC2::TransitGatewayAttachment', 'AWS::EC2::TransitGatewayVpcAttachment')) {
    const p = props<{ TransitGatewayId: string; VpcId: string; SubnetIds: string[] }>(stack, resource);
    const id = ref(stack, logicalId);
    model.attachments.set(id, { id, account: stack.account, gatewayId: p.TransitGatewayId, vpcId: p.VpcId, subnetIds: p.SubnetIds, where: where(stack, logicalId) });
  }
  for (const { stack, logicalId, resource } of byType('AWS::EC2::TransitGatewayRouteTable')) {
    const p = props<{ TransitGatewayId: string }>(stack, resource);
    const id = ref(stack, logicalId);
    model.transitRouteTables.set(id, { id, gatewayId: p.TransitGatewayId, associations: [], propagations: [], staticRoutes: [], where: where(stack, logicalId) });
  }
  // A gateway that associates and propagates by default has a default route table holding every attachment.
  for (const gateway of model.transitGateways.values()) {
    if (!gateway.defaultAssociation && !gateway.defaultPropagation) continue;
    const attachments = [...model.attachments.values()].filter((a) => a.gatewayId === gateway.id);
    model.transitRouteTables.set(`${gateway.id}/default`, {
      id: `${gateway.id}/default`, gatewayId: gateway.id, where: `${gateway.where} (default route table)`, staticRoutes: [],
      associations: gateway.defaultAssociation ? attachments.map((a) => ({ attachmentId: a.id, where: `${gateway.where} (default association)` })) : [],
      propagations: gateway.defaultPropagation ? attachments.map((a) => ({ attachmentId: a.id, where: `${gateway.where} (default propagation)` })) : [],
    });
  }
  for (const { stack, logicalId, resource } of byType('AWS::EC2::TransitGatewayRouteTableAssociation', 'AWS::EC2::TransitGatewayRouteTablePropagation', 'AWS::EC2::TransitGatewayRoute')) {
    const p = props<{ TransitGatewayRouteTableId: string; TransitGatewayAttachmentId?: string; DestinationCidrBlock?: string; Blackhole?: boolean | string }>(stack, resource);
    const table = model.transitRouteTables.get(p.TransitGatewayRouteTableId);
    const w = where(stack, logicalId);
    if (!table) {
      model.gaps.push({ type: `${resource.Type} (of a route table no template of the environment creates)`, where: w, touches: [p.TransitGatewayAttachmentId ?? ''] });
      continue;
    }
    if (resource.Type.endsWith('Association')) table.associations.push({ attachmentId: p.TransitGatewayAttachmentId!, where: w });
    else if (resource.Type.endsWith('Propagation')) table.propagations.push({ attachmentId: p.TransitGatewayAttachmentId!, where: w });
    else table.staticRoutes.push({ cidr: p.DestinationCidrBlock!, range: cidrOf(p.DestinationCidrBlock, w), attachmentId: p.TransitGatewayAttachmentId, blackhole: String(p.Blackhole ?? false) === 'true', where: w });
  }

  for (const { stack, logicalId, resource } of byType('AWS::EC2::VPCEndpoint')) {
    const p = props<{ VpcId: string; ServiceName: string; VpcEndpointType?: string; SubnetIds?: string[]; SecurityGroupIds?: string[]; PrivateDnsEnabled?: boolean | string; RouteTableIds?: string[] }>(stack, resource);
    model.endpoints.push({
      id: ref(stack, logicalId), vpcId: p.VpcId, type: p.VpcEndpointType ?? 'Gateway', serviceName: p.ServiceName, subnetIds: p.SubnetIds ?? [],
      securityGroupIds: p.SecurityGroupIds ?? [], privateDns: String(p.PrivateDnsEnabled ?? false) === 'true', routeTableIds: p.RouteTableIds ?? [], where: where(stack, logicalId),
    });
  }
  // A gateway endpoint adds a route to its service's managed prefix list in each table it names.
  for (const endpoint of model.endpoints.filter((e) => e.type === 'Gateway')) {
    for (const tableId of endpoint.routeTableIds) {
      (model.routes.get(tableId) ?? model.routes.set(tableId, []).get(tableId)!).push({
        destination: { kind: 'prefix-list', prefixList: endpoint.serviceName }, target: { kind: 'gateway-endpoint', id: endpoint.id }, where: `${endpoint.where} (its route)`,
      });
    }
  }
  // Custom resources whose calls are known: a prefix list looked up by name, a private DNS name set.
  const privateDnsNames = new Map<string, string>();
  const unknownCalls: { stack: StackTemplate; logicalId: string; resource: CfnResource; name: string; network: boolean }[] = [];
  for (const { stack, logicalId, resource } of byType('Custom::AWS')) {
    const call = JSON.parse(str(resolver.resolve(stack, resource.Properties?.Create ?? '{}'))) as { service?: string; action?: string; parameters?: Record<string, unknown>; outputPaths?: string[] };
    const name = `${call.service}.${call.action}`;
    if (name === 'EC2.describeManagedPrefixLists') {
      const listName = (call.parameters?.Filters as { Name: string; Values: string[] }[] | undefined)?.find((f) => f.Name === 'prefix-list-name')?.Values[0];
      for (const path of call.outputPaths ?? []) if (listName) model.prefixListNames.set(deployTimeToken(stack, logicalId, path), listName);
    } else if (name === 'EC2.modifyVpcEndpointServiceConfiguration' && Object.keys(call.parameters ?? {}).every((k) => k === 'ServiceId' || k === 'PrivateDnsName')) {
      // Only the private DNS name is read; a call that changes anything else is a gap (below).
      if (typeof call.parameters?.PrivateDnsName === 'string') privateDnsNames.set(str(call.parameters.ServiceId), call.parameters.PrivateDnsName.toLowerCase());
    } else if (!KNOWN_CUSTOM_CALLS.has(name) || name === 'EC2.modifyVpcEndpointServiceConfiguration') {
      unknownCalls.push({ stack, logicalId, resource, name, network: /^(@aws-sdk\/client-)?(ec2|elbv2|elasticloadbalancingv2|elastic-load-balancing-v2|route53|route-53|route53resolver|route53-resolver|networkfirewall|network-firewall|vpclattice|vpc-lattice|ram)$/i.test(call.service ?? '') });
    }
  }
  for (const { stack, logicalId, resource } of byType('AWS::EC2::VPCEndpointService')) {
    const p = props<{ NetworkLoadBalancerArns?: string[]; GatewayLoadBalancerArns?: string[]; AcceptanceRequired?: boolean | string }>(stack, resource);
    const id = ref(stack, logicalId);
    const permissions = byType('AWS::EC2::VPCEndpointServicePermissions').map((r) => props<{ ServiceId: string; AllowedPrincipals?: string[] }>(r.stack, r.resource)).filter((x) => x.ServiceId === id);
    model.endpointServices.push({
      id, serviceName: `com.amazonaws.vpce.${stack.region}.${id}`, account: stack.account, loadBalancerArns: p.NetworkLoadBalancerArns ?? [],
      allowedPrincipals: permissions.flatMap((x) => x.AllowedPrincipals ?? []), acceptanceRequired: String(p.AcceptanceRequired ?? true) === 'true',
      privateDnsName: privateDnsNames.get(id), where: where(stack, logicalId),
    });
  }

  for (const { stack, logicalId, resource } of byType('AWS::ElasticLoadBalancingV2::LoadBalancer')) {
    const p = props<{ Type?: string; Scheme?: string; Subnets?: string[]; SubnetMappings?: { SubnetId: string }[]; SecurityGroups?: string[]; EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic?: string }>(stack, resource);
    const arn = ref(stack, logicalId);
    model.loadBalancers.set(arn, {
      arn, dnsName: resolver.resolve<string>(stack, { 'Fn::GetAtt': [logicalId, 'DNSName'] }).toLowerCase(), type: p.Type ?? 'application', internal: p.Scheme === 'internal',
      subnetIds: p.Subnets ?? (p.SubnetMappings ?? []).map((m) => m.SubnetId), securityGroupIds: p.SecurityGroups ?? [],
      enforceOnPrivateLink: (p.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic ?? 'on') === 'on', where: where(stack, logicalId),
    });
  }
  for (const { stack, logicalId, resource } of byType('AWS::ElasticLoadBalancingV2::Listener')) {
    const p = props<{ LoadBalancerArn: string; Port: number; Protocol: string; Certificates?: { CertificateArn: string }[]; DefaultActions: { Type: string; TargetGroupArn?: string; ForwardConfig?: { TargetGroups: { TargetGroupArn: string }[] } }[] }>(stack, resource);
    model.listeners.push({
      loadBalancerArn: p.LoadBalancerArn, port: Number(p.Port), protocol: p.Protocol, certificateArns: (p.Certificates ?? []).map((c) => c.CertificateArn),
      targetGroupArns: p.DefaultActions.filter((a) => a.Type === 'forward').flatMap((a) => a.TargetGroupArn ? [a.TargetGroupArn] : (a.ForwardConfig?.TargetGroups ?? []).map((t) => t.TargetGroupArn)),
      where: where(stack, logicalId),
    });
  }
  for (const { stack, logicalId, resource } of byType('AWS::ElasticLoadBalancingV2::TargetGroup')) {
    const p = props<{ Port?: number; Protocol?: string; TargetType?: string; TargetGroupAttributes?: { Key: string; Value: string }[] }>(stack, resource);
    const arn = ref(stack, logicalId);
    const protocol = p.Protocol ?? 'TCP';
    const targetType = p.TargetType ?? 'instance';
    // AWS's defaults: preserved for instance targets and for UDP; not for IP targets of TCP or TLS.
    const preserve = p.TargetGroupAttributes?.find((a) => a.Key === 'preserve_client_ip.enabled')?.Value;
    const preserveClientIp = preserve !== undefined ? preserve === 'true' : targetType === 'instance' || !['TCP', 'TLS'].includes(protocol);
    model.targetGroups.set(arn, { arn, port: Number(p.Port ?? 0), protocol, targetType, preserveClientIp, where: where(stack, logicalId) });
  }
  // A task definition's named ports (ECS's VPC Lattice configuration names the port, not its number).
  const portsByTaskDefinition = new Map<string, Map<string, number>>();
  for (const { stack, logicalId, resource } of every.filter((r) => r.resource.Type === 'AWS::ECS::TaskDefinition')) {
    const containers = (resource.Properties?.ContainerDefinitions ?? []) as { PortMappings?: unknown }[];
    const ports = new Map<string, number>();
    for (const container of containers) {
      try {
        for (const m of resolver.resolve<{ Name?: string; ContainerPort?: number }[]>(stack, container.PortMappings ?? [])) if (m.Name) ports.set(m.Name, Number(m.ContainerPort));
      } catch {
        // a port mapping that does not resolve names no port: a Lattice configuration naming it is then unanswered (paths.ts)
      }
    }
    portsByTaskDefinition.set(ref(stack, logicalId), ports);
  }
  for (const { stack, logicalId, resource } of byType('AWS::ECS::Service')) {
    const p = props<{ TaskDefinition?: string; NetworkConfiguration?: { AwsvpcConfiguration?: { Subnets?: string[]; SecurityGroups?: string[]; AssignPublicIp?: string } }; LoadBalancers?: { TargetGroupArn?: string; ContainerPort?: number }[]; VpcLatticeConfigurations?: { TargetGroupArn: string; PortName: string }[] }>(stack, resource);
    const vpc = p.NetworkConfiguration?.AwsvpcConfiguration;
    const ports = portsByTaskDefinition.get(str(p.TaskDefinition));
    model.ecsServices.push({
      subnetIds: vpc?.Subnets ?? [], securityGroupIds: vpc?.SecurityGroups ?? [], assignPublicIp: vpc?.AssignPublicIp === 'ENABLED',
      targets: (p.LoadBalancers ?? []).filter((l) => l.TargetGroupArn).map((l) => ({ targetGroupArn: l.TargetGroupArn!, containerPort: Number(l.ContainerPort) })),
      latticeTargets: (p.VpcLatticeConfigurations ?? []).map((c) => ({ targetGroupArn: c.TargetGroupArn, portName: c.PortName, containerPort: ports?.get(c.PortName) })),
      where: where(stack, logicalId),
    });
  }

  // VPC Lattice. Identifiers may be ids or ARNs (an ARN across accounts): paths.ts matches both.
  const attr = (stack: StackTemplate, logicalId: string, attribute: string): string => resolver.resolve<string>(stack, { 'Fn::GetAtt': [logicalId, attribute] });
  for (const { stack, logicalId, resource } of byType('AWS::VpcLattice::ServiceNetwork')) {
    const p = props<{ Name?: string; AuthType?: string }>(stack, resource);
    model.lattice.networks.push({ arn: attr(stack, logicalId, 'Arn'), id: attr(stack, logicalId, 'Id'), name: str(p.Name ?? logicalId), authType: p.AuthType ?? 'NONE', where: where(stack, logicalId) });
  }
  for (const { stack, logicalId, resource } of byType('AWS::VpcLattice::Service')) {
    const p = props<{ Name?: string; AuthType?: string; CustomDomainName?: string; CertificateArn?: string }>(stack, resource);
    model.lattice.services.push({
      arn: attr(stack, logicalId, 'Arn'), id: attr(stack, logicalId, 'Id'), name: str(p.Name ?? logicalId), dnsName: attr(stack, logicalId, 'DnsEntry.DomainName').toLowerCase(),
      customDomainName: p.CustomDomainName?.replace(/\.$/, '').toLowerCase(), certificateArn: p.CertificateArn, authType: p.AuthType ?? 'NONE', where: where(stack, logicalId),
    });
  }
  for (const { stack, logicalId, resource } of byType('AWS::VpcLattice::Listener')) {
    const p = props<{ ServiceIdentifier: string; Port?: number; Protocol: string; DefaultAction: { Forward?: { TargetGroups: { TargetGroupIdentifier: string }[] } } }>(stack, resource);
    // AWS's defaults: 80 for HTTP, 443 for HTTPS and TLS_PASSTHROUGH.
    model.lattice.listeners.push({
      serviceIdentifier: p.ServiceIdentifier, protocol: p.Protocol, port: Number(p.Port ?? (p.Protocol === 'HTTP' ? 80 : 443)),
      targetGroupIdentifiers: (p.DefaultAction.Forward?.TargetGroups ?? []).map((t) => t.TargetGroupIdentifier), where: where(stack, logicalId),
    });
  }
  for (const { stack, logicalId, resource } of byType('AWS::VpcLattice::TargetGroup')) {
    const p = props<{ Type: string; Config?: { Port?: number; VpcIdentifier?: string; HealthCheck?: { Enabled?: boolean; Port?: number } } }>(stack, resource);
    model.lattice.targetGroups.push({
      arn: attr(stack, logicalId, 'Arn'), id: attr(stack, logicalId, 'Id'), type: p.Type, port: p.Config?.Port === undefined ? undefined : Number(p.Config.Port), vpcId: p.Config?.VpcIdentifier,
      healthCheckPort: p.Config?.HealthCheck?.Port === undefined ? undefined : Number(p.Config.HealthCheck.Port), where: where(stack, logicalId),
    });
  }
  for (const { stack, logicalId, resource } of byType('AWS::VpcLattice::ServiceNetworkServiceAssociation', 'AWS::VpcLattice::ServiceNetworkVpcAssociation')) {
    const p = props<{ ServiceNetworkIdentifier: string; ServiceIdentifier?: string; VpcIdentifier?: string; SecurityGroupIds?: string[] }>(stack, resource);
    const association = { networkIdentifier: p.ServiceNetworkIdentifier, serviceIdentifier: p.ServiceIdentifier, vpcId: p.VpcIdentifier, securityGroupIds: p.SecurityGroupIds ?? [], account: stack.account, where: where(stack, logicalId) };
    (resource.Type.endsWith('ServiceAssociation') ? model.lattice.serviceAssociations : model.lattice.vpcAssociations).push(association);
  }
  for (const { stack, logicalId, resource } of byType('AWS::VpcLattice::AuthPolicy')) {
    model.lattice.authPolicies.push({ resourceIdentifier: props<{ ResourceIdentifier: string }>(stack, resource).ResourceIdentifier, where: where(stack, logicalId) });
  }
  for (const { stack, logicalId, resource } of byType('AWS::Lambda::Function')) {
    if (!resource.Properties?.VpcConfig) continue; // outside any VPC: not on a private path
    const p = props<{ VpcConfig: { SubnetIds?: string[]; SecurityGroupIds?: string[] }; Environment?: { Variables?: Record<string, string> } }>(stack, resource);
    model.functions.push({ name: ref(stack, logicalId), subnetIds: p.VpcConfig.SubnetIds ?? [], securityGroupIds: p.VpcConfig.SecurityGroupIds ?? [], environment: p.Environment?.Variables ?? {}, where: where(stack, logicalId) });
  }

  for (const { stack, logicalId, resource } of byType('AWS::Route53::HostedZone')) {
    const p = props<{ Name: string; VPCs?: { VPCId: string }[] }>(stack, resource);
    model.zones.push({ id: ref(stack, logicalId), name: p.Name.replace(/\.$/, '').toLowerCase(), vpcIds: (p.VPCs ?? []).map((v) => v.VPCId), nameServers: deployTimeToken(stack, logicalId, 'NameServers'), where: where(stack, logicalId) });
  }
  for (const { stack, logicalId, resource } of byType('Custom::CrossAccountZoneDelegation')) {
    const p = props<{ ParentZoneId?: string; ParentZoneName?: string; DelegatedZoneName: string; DelegatedZoneNameServers: unknown }>(stack, resource);
    model.delegations.push({ parentZoneId: p.ParentZoneId ?? p.ParentZoneName ?? '', zoneName: p.DelegatedZoneName.replace(/\.$/, '').toLowerCase(), nameServers: str(p.DelegatedZoneNameServers), where: where(stack, logicalId) });
  }
  for (const { stack, logicalId, resource } of byType('AWS::Route53::RecordSet')) {
    const p = props<{ HostedZoneId?: string; Name: string; Type: string; AliasTarget?: { DNSName: string } }>(stack, resource);
    model.records.push({ zoneId: str(p.HostedZoneId), name: p.Name.replace(/\.$/, '').toLowerCase(), type: p.Type, aliasDnsName: p.AliasTarget?.DNSName.replace(/\.$/, '').toLowerCase(), where: where(stack, logicalId) });
  }
  for (const { stack, logicalId, resource } of byType('AWS::CertificateManager::Certificate')) {
    const p = props<{ DomainName: string; SubjectAlternativeNames?: string[] }>(stack, resource);
    const arn = ref(stack, logicalId);
    model.certificates.set(arn, { arn, names: [p.DomainName, ...(p.SubjectAlternativeNames ?? [])].map((n) => n.toLowerCase()), where: where(stack, logicalId) });
  }

  // Everything else of a network namespace is a gap, with the modelled ids it names; so is a
  // custom resource that names one of them, or that calls a network API.
  const knownIds = new Set<string>([...model.vpcs.keys(), ...model.subnets.keys(), ...model.routes.keys(), ...model.securityGroups.keys(), ...model.transitGateways.keys(), ...model.attachments.keys(), ...model.transitRouteTables.keys(), ...model.loadBalancers.keys(),
    ...[...model.lattice.networks, ...model.lattice.services, ...model.lattice.targetGroups].flatMap((x) => [x.arn, x.id])]);
  const touchesOf = (stack: StackTemplate, resource: CfnResource): string[] => {
    let text: string;
    try {
      text = JSON.stringify(resolver.resolve(stack, resource.Properties ?? {}));
    } catch {
      text = JSON.stringify(resource.Properties ?? {});
    }
    return [...knownIds].filter((id) => text.includes(id));
  };
  for (const { stack, logicalId, resource, name, network } of unknownCalls) {
    const touches = touchesOf(stack, resource);
    if (network || touches.length > 0) model.gaps.push({ type: `${resource.Type} calling ${name}`, where: where(stack, logicalId), touches });
  }
  for (const { stack, logicalId, resource } of all) {
    const type = resource.Type;
    if (MODELLED.has(type) || IRRELEVANT.test(type) || KNOWN_CUSTOM_TYPES.has(type) || type === 'Custom::AWS') continue;
    const touches = touchesOf(stack, resource);
    // A network type is a gap even when it names nothing modelled (it may still route or filter);
    // any other type is one when it names a modelled resource (a VPC link to the load balancer,
    // a database's interface in a subnet, a custom resource given a security group).
    if (NETWORK_NAMESPACES.test(type) || touches.length > 0) model.gaps.push({ type, where: where(stack, logicalId), touches });
  }
  // The transit gateway's interfaces sit in the attachment subnets; their network ACLs are not modelled.
  for (const attachment of model.attachments.values()) {
    const withAcl = attachment.subnetIds.map((id) => model.subnets.get(id)).filter((subnet) => subnet?.networkAclId);
    if (withAcl.length > 0) model.gaps.push({ type: 'network ACL on a transit gateway attachment subnet', where: withAcl[0]!.where, touches: [attachment.id] });
  }
  return model;
}
