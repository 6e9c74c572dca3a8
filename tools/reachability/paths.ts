/**
 * Evaluates a path through a {@link NetworkModel} hop by hop, as AWS would forward a packet:
 * security-group egress of the source, the network ACL and route table of its subnet (longest
 * prefix match), the transit gateway (the attachment's associated route table, static and
 * propagated routes), the network ACL of the destination subnet and the security groups there, and
 * the return path (routes and ACLs; security groups are stateful). Above the network: name
 * resolution (delegation, subzone record, endpoint private DNS), the load balancer's listener,
 * certificate and target group, the ECS service's container port and the task security group, and
 * for PrivateLink the endpoint service's allowed principals. Every hop is recorded, passed or not.
 */
import { CidrRange, parseCidr } from '../../lib/config/cidr';
import {
  EndpointService, LatticeService, LoadBalancer, NetworkModel, Peer, RecordSet, Route, SecurityGroup, SecurityGroupRule, Subnet, TransitRouteTable, VpcEndpoint, Where,
} from './model';

/** One hop of a path: what was checked, and whether the packet gets past it. */
export interface Hop {
  readonly hop: string;
  readonly ok: boolean;
  readonly detail: string;
  /** The hop crosses something the model does not answer: the path is neither open nor closed. */
  readonly unknown?: boolean;
}

/** The result of one path (one source subnet to one destination). */
export interface PathTrace {
  readonly reached: boolean;
  /** It stopped at a hop the model cannot answer ({@link Hop.unknown}). */
  readonly unknown: boolean;
  readonly hops: readonly Hop[];
  /** Ids of the modelled resources the path went through (for matching gaps). */
  readonly touched: ReadonlySet<string>;
}

/** Where a packet starts: a subnet, and the security groups of its network interface ('open': any workload, every egress allowed). */
export interface Source {
  readonly subnet: Subnet;
  readonly groups: readonly SecurityGroup[] | 'open';
  readonly label: string;
}

/** Where a packet goes: an interface in a subnet with these groups ('open': nothing listening is assumed to filter). */
export interface Destination {
  readonly subnet: Subnet;
  readonly groups: readonly SecurityGroup[] | 'open' | { readonly skipped: string };
  readonly label: string;
}

/** The ephemeral ports a reply goes to (what network ACLs must let back). */
export const EPHEMERAL = { from: 1024, to: 65535 };

/** Records hops and the resources they touched. */
export class Trace {
  readonly hops: Hop[] = [];
  readonly touched = new Set<string>();

  pass(hop: string, detail: string): true {
    this.hops.push({ hop, ok: true, detail });
    return true;
  }

  fail(hop: string, detail: string): false {
    this.hops.push({ hop, ok: false, detail });
    return false;
  }

  /** A hop the model cannot answer: the path stops here as neither open nor closed. */
  unknown(hop: string, detail: string): false {
    this.hops.push({ hop, ok: false, detail: `not modelled: ${detail}`, unknown: true });
    return false;
  }

  /** The hops and resources of `other` appended (a sub-path evaluated on its own). */
  append(other: Trace): void {
    this.hops.push(...other.hops);
    other.touched.forEach((id) => this.touched.add(id));
  }

  touch(...ids: (string | undefined)[]): void {
    for (const id of ids) if (id) this.touched.add(id);
  }

  result(reached: boolean): PathTrace {
    return { reached, unknown: !reached && this.hops.some((h) => h.unknown), hops: this.hops, touched: this.touched };
  }
}

const contains = (outer: CidrRange, inner: CidrRange): boolean => outer.first <= inner.first && inner.last <= outer.last;
const overlaps = (a: CidrRange, b: CidrRange): boolean => a.first <= b.last && b.first <= a.last;
const protocolMatches = (rule: string, protocol: string): boolean => rule === '-1' || rule === protocol;
const portMatches = (rule: { fromPort: number; toPort: number }, port: number): boolean => rule.fromPort <= port && port <= rule.toPort;
/** A resource's place as the report shows it: its stack and logical id. */
export const short = (where: Where): string => where.split('/').slice(-2).join('/');

/** The security groups of the model with these ids (an id no template creates is left out). */
export function groupsOf(model: NetworkModel, ids: readonly string[]): SecurityGroup[] {
  return ids.map((id) => model.securityGroups.get(id)).filter((g) => g !== undefined);
}
const peerText = (model: NetworkModel, peer: Peer): string => (peer.kind === 'cidr' ? peer.cidr : peer.kind === 'group' ? `group ${peer.groupId}` : `prefix list ${model.prefixListNames.get(peer.prefixList) ?? peer.prefixList}`);

/** Network view of the far end of a security-group rule. */
interface RulePeer {
  /** The addresses the far end may use. */
  readonly range?: CidrRange;
  /** Its security groups (a group reference matches only these, and only within one VPC). */
  readonly groupIds: readonly string[];
  readonly sameVpc: boolean;
  /** An AWS-managed prefix list it belongs to (`com.amazonaws.<region>.s3`). */
  readonly prefixList?: string;
}

/**
 * Whether a rule matches a peer: a CIDR must hold every address the peer may use; a group
 * reference matches a peer with that group in the same VPC (a reference across a transit gateway
 * matches nothing: the gateway does not carry security-group identity unless security-group
 * referencing is enabled on it, which this design does not do); a prefix list matches the
 * managed list of that name.
 */
function ruleMatches(model: NetworkModel, rule: SecurityGroupRule, peer: RulePeer, mode: 'all' | 'any'): boolean {
  if (rule.peer.kind === 'cidr') {
    // A managed prefix list's addresses are not in the templates: a rule for every address holds
    // them; a narrower one may hold some (open for `any`, not enough for `all`).
    if (peer.range === undefined) return peer.prefixList !== undefined && (rule.peer.range.prefix === 0 || mode === 'any');
    return mode === 'all' ? contains(rule.peer.range, peer.range) : overlaps(rule.peer.range, peer.range);
  }
  if (rule.peer.kind === 'group') return peer.sameVpc && peer.groupIds.includes(rule.peer.groupId);
  return peer.prefixList !== undefined && (model.prefixListNames.get(rule.peer.prefixList) ?? rule.peer.prefixList) === peer.prefixList;
}

/**
 * The first rule of `groups` in `direction` admitting `protocol`/`port` to or from `peer`. `mode`:
 * `all` when the path must work for every address the peer may use, `any` when one is enough to
 * count as open (a denied path).
 */
function admittingRule(model: NetworkModel, groups: readonly SecurityGroup[], direction: 'ingress' | 'egress', protocol: string, port: number, peer: RulePeer, mode: 'all' | 'any'): SecurityGroupRule | undefined {
  for (const group of groups) {
    for (const rule of group[direction]) {
      if (protocolMatches(rule.protocol, protocol) && portMatches(rule, port) && ruleMatches(model, rule, peer, mode)) return rule;
    }
  }
  return undefined;
}

/** Security-group hop: passes when a rule admits the traffic. */
export function securityGroupHop(model: NetworkModel, trace: Trace, hop: string, groups: readonly SecurityGroup[], direction: 'ingress' | 'egress', protocol: string, port: number, peer: RulePeer & { label: string }, mode: 'all' | 'any'): boolean {
  trace.touch(...groups.map((g) => g.id));
  if (groups.length === 0) return trace.fail(hop, `no security group: nothing ${direction === 'ingress' ? 'admits' : 'lets out'} the traffic`);
  const rule = admittingRule(model, groups, direction, protocol, port, peer, mode);
  const names = groups.map((g) => short(g.where)).join(', ');
  if (rule) return trace.pass(hop, `${names}: ${protocol} ${port} ${direction === 'ingress' ? 'from' : 'to'} ${peer.label} by ${peerText(model, rule.peer)} (${short(rule.where)})`);
  return trace.fail(hop, `no rule of ${names} ${direction === 'ingress' ? 'admits' : 'lets out'} ${protocol} ${port} ${direction === 'ingress' ? 'from' : 'to'} ${peer.label}`);
}

/** The protocols a question about "any protocol" (`-1`) asks separately: network ACL entries name one each. */
const PROTOCOLS = ['tcp', 'udp', 'icmp'] as const;

/** Splits [first, last] at every boundary of `ranges` that falls inside it: each piece is inside or outside each range, whole. */
function pieces(first: number, last: number, ranges: readonly { first: number; last: number }[]): { first: number; last: number }[] {
  const cuts = new Set<number>([first]);
  for (const r of ranges) {
    if (r.first > first && r.first <= last) cuts.add(r.first);
    if (r.last + 1 > first && r.last + 1 <= last) cuts.add(r.last + 1);
  }
  const starts = [...cuts].sort((x, y) => x - y);
  return starts.map((start, i) => ({ first: start, last: i + 1 < starts.length ? starts[i + 1] - 1 : last }));
}

/**
 * Network-ACL hop (stateless: each direction and the reply are asked separately): the subnet's
 * associated ACL, its entries in rule-number order, the first match decides; no associated ACL is
 * the VPC's default ACL, which allows everything. The peer's addresses and the ports are split at
 * every entry's boundaries, and each piece is decided: `all` passes when every piece is allowed
 * (the path must work for any address and port it may use), `any` when one is. A question about
 * any protocol (`-1`) is asked for tcp, udp and icmp, and passes as its mode says.
 */
export function networkAclHop(model: NetworkModel, trace: Trace, subnet: Subnet, egress: boolean, protocol: string, ports: { from: number; to: number }, peer: CidrRange, mode: 'all' | 'any' = 'all'): boolean {
  const hop = egress ? 'acl out' : 'acl in';
  if (!subnet.networkAclId) return trace.pass(hop, `${short(subnet.where)}: the VPC's default ACL, allows all`);
  trace.touch(subnet.networkAclId);
  const entries = [...(model.networkAcls.get(subnet.networkAclId) ?? [])].filter((e) => e.egress === egress).sort((a, b) => a.ruleNumber - b.ruleNumber);
  const protocols = protocol === '-1' ? [...PROTOCOLS] : [protocol];
  const outcomes = protocols.map((proto) => {
    const relevant = entries.filter((e) => protocolMatches(e.protocol, proto));
    const portless = proto !== 'tcp' && proto !== 'udp';
    const portPieces = portless ? [{ first: ports.from, last: ports.from }] : pieces(ports.from, ports.to, relevant.filter((e) => e.protocol !== '-1').map((e) => ({ first: e.fromPort, last: e.toPort })));
    const addressPieces = pieces(peer.first, peer.last, relevant.map((e) => e.range));
    const denied: string[] = [];
    let allowed = 0;
    for (const addresses of addressPieces) {
      for (const portPiece of portPieces) {
        const entry = relevant.find((e) => contains(e.range, { ...addresses, prefix: 32 }) && (portless || e.protocol === '-1' || (e.fromPort <= portPiece.first && portPiece.last <= e.toPort)));
        if (entry?.allow) allowed += 1;
        else if (denied.length < 1) denied.push(`${proto} ${portless ? '' : portPiece.first === portPiece.last ? portPiece.first : `${portPiece.first}-${portPiece.last}`} ${formatCidrPiece(addresses)}: ${entry ? `denied by rule ${entry.ruleNumber} (${short(entry.where)})` : 'no entry allows it (the implicit deny)'}`);
      }
    }
    return { proto, all: denied.length === 0, any: allowed > 0, denied };
  });
  const ok = mode === 'all' ? outcomes.every((o) => o.all) : outcomes.some((o) => o.any);
  const portText = ports.from === ports.to ? `${ports.from}` : `${ports.from}-${ports.to}`;
  if (ok) return trace.pass(hop, `${short(subnet.where)}: ${protocol === '-1' ? outcomes.filter((o) => o.any).map((o) => o.proto).join('/') : protocol} ${portText} allowed${mode === 'any' ? ' (for some addresses or ports)' : ''}`);
  return trace.fail(hop, `${short(subnet.where)}: ${outcomes.flatMap((o) => o.denied).slice(0, 2).join('; ') || `${protocol} ${portText}: nothing allowed`}`);
}

/** An address range as `a.b.c.d` or `a.b.c.d-e.f.g.h`. */
function formatCidrPiece(range: { first: number; last: number }): string {
  const dotted = (n: number) => [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join('.');
  return range.first === range.last ? dotted(range.first) : `${dotted(range.first)}-${dotted(range.last)}`;
}

/** The route a subnet's table uses for a destination: longest prefix match over the local route and the table's routes. */
export function routeFor(model: NetworkModel, subnet: Subnet, destination: { range?: CidrRange; prefixList?: string }): Route | 'local' | undefined {
  const vpc = model.vpcs.get(subnet.vpcId);
  const routes = subnet.routeTableId ? model.routes.get(subnet.routeTableId) ?? [] : [];
  if (destination.prefixList !== undefined) {
    return routes.find((r) => r.destination.kind === 'prefix-list' && (model.prefixListNames.get(r.destination.prefixList) ?? r.destination.prefixList) === destination.prefixList)
      ?? routes.find((r) => r.destination.kind === 'cidr' && r.destination.range.prefix === 0);
  }
  const range = destination.range!;
  if (vpc && contains(vpc.range, range)) return 'local'; // the local route is the most specific for the VPC's own range
  let best: Route | undefined;
  for (const route of routes) {
    if (route.destination.kind !== 'cidr' || !contains(route.destination.range, range)) continue;
    if (!best || (best.destination.kind === 'cidr' && route.destination.range.prefix > best.destination.range.prefix)) best = route;
  }
  return best;
}

/** The gateway gateway route table an attachment is associated with (exactly one, or a failed hop). */
function associatedTable(model: NetworkModel, trace: Trace, attachmentId: string, gatewayId: string): TransitRouteTable | undefined {
  const tables = [...model.transitRouteTables.values()].filter((t) => t.gatewayId === gatewayId && t.associations.some((a) => a.attachmentId === attachmentId));
  if (tables.length !== 1) {
    trace.fail('transit gateway', `attachment ${attachmentId} is associated with ${tables.length} route tables (AWS allows one; with none the gateway drops its traffic)`);
    return undefined;
  }
  trace.touch(tables[0].id);
  return tables[0];
}

/** Longest prefix match in a transit gateway route table: static routes and the CIDRs of propagated attachments. */
function transitRoute(model: NetworkModel, table: TransitRouteTable, range: CidrRange): { attachmentId?: string; blackhole: boolean; where: Where; cidr: string } | undefined {
  const candidates = [
    ...table.staticRoutes.map((r) => ({ ...r, range: r.range })),
    ...table.propagations.flatMap((p) => {
      const attachment = model.attachments.get(p.attachmentId);
      const vpc = attachment && model.vpcs.get(attachment.vpcId);
      return vpc ? [{ range: vpc.range, cidr: vpc.cidr, attachmentId: p.attachmentId, blackhole: false, where: p.where }] : [];
    }),
  ].filter((c) => contains(c.range, range));
  // A static route wins over a propagated one of the same prefix (listed first, kept by the strict >).
  return candidates.reduce<(typeof candidates)[number] | undefined>((best, c) => (!best || c.range.prefix > best.range.prefix ? c : best), undefined);
}

/**
 * Routing from `from` to `to` (subnets): the source route table, then the transit gateway when the
 * route points there. Passes when the packet arrives in the destination subnet's VPC.
 */
function routingHop(model: NetworkModel, trace: Trace, from: Subnet, to: Subnet, direction: 'forward' | 'return'): boolean {
  const hop = direction === 'forward' ? 'route' : 'return route';
  trace.touch(from.routeTableId, from.vpcId);
  const route = routeFor(model, from, { range: to.range });
  if (route === undefined) return trace.fail(hop, `${short(from.where)}: no route to ${to.cidr}`);
  if (route === 'local') {
    if (to.vpcId !== from.vpcId) return trace.fail(hop, `${short(from.where)}: ${to.cidr} is inside this VPC's own range: the local route keeps it here, but ${short(to.where)} is in another VPC`);
    return trace.pass(hop, `${short(from.where)}: ${to.cidr} local`);
  }
  if (route.target.kind !== 'transit-gateway') return trace.fail(hop, `${short(from.where)}: ${to.cidr} goes to ${route.target.kind} ${route.target.id} (${short(route.where)})`);
  trace.pass(hop, `${short(from.where)}: ${to.cidr} -> transit gateway (${short(route.where)})`);
  const gateway = model.transitGateways.get(route.target.id);
  const tgwHop = direction === 'forward' ? 'transit gateway' : 'return transit gateway';
  if (!gateway) return trace.fail(tgwHop, `gateway ${route.target.id} is not in the assembly (imported): its route tables cannot be evaluated`);
  trace.touch(gateway.id);
  const attachment = [...model.attachments.values()].find((a) => a.gatewayId === gateway.id && a.vpcId === from.vpcId);
  if (!attachment) return trace.fail(tgwHop, `the VPC of ${short(from.where)} has no attachment to ${gateway.id}`);
  trace.touch(attachment.id);
  // An attachment from another account than the gateway's waits for acceptance unless the gateway accepts shared attachments automatically.
  const pending = [attachment, ...[...model.attachments.values()].filter((a) => a.gatewayId === gateway.id && a.vpcId === to.vpcId)].find((a) => !gateway.autoAccept && a.account !== gateway.account);
  if (pending) return trace.fail(tgwHop, `attachment ${short(pending.where)} is in account ${pending.account}, the gateway in ${gateway.account} with AutoAcceptSharedAttachments off: it waits for acceptance, which no template gives`);
  if (!attachment.subnetIds.some((id) => model.subnets.get(id)?.zone === from.zone)) {
    return trace.fail(tgwHop, `attachment ${short(attachment.where)} has no subnet in ${from.zone}: traffic from that zone cannot reach the gateway`);
  }
  const table = associatedTable(model, trace, attachment.id, gateway.id);
  if (!table) return false;
  const next = transitRoute(model, table, to.range);
  if (!next) return trace.fail(tgwHop, `route table ${short(table.where)} has no route to ${to.cidr}`);
  if (next.blackhole || !next.attachmentId) return trace.fail(tgwHop, `route table ${short(table.where)} blackholes ${next.cidr} (${short(next.where)})`);
  const target = model.attachments.get(next.attachmentId);
  trace.touch(next.attachmentId);
  if (!target) return trace.fail(tgwHop, `route to ${next.cidr} points at attachment ${next.attachmentId}, which no template of the environment creates`);
  if (target.vpcId !== to.vpcId) return trace.fail(tgwHop, `route table ${short(table.where)} sends ${to.cidr} to ${short(target.where)}, not to the VPC of ${short(to.where)}`);
  return trace.pass(tgwHop, `${short(attachment.where)} -> ${short(table.where)} -> ${next.cidr} -> ${short(target.where)} (${short(next.where)})`);
}

/**
 * One flow from `source` to `destination` on `protocol`/`port`: source egress, ACL and routing,
 * destination ACL and ingress, and (unless `returnPath` is false) the reply's routing and ACLs.
 * `mode`: `all` for a path that must work, `any` for one that must not (a rule covering part of
 * the range already opens it).
 */
export function flow(model: NetworkModel, trace: Trace, source: Source, destination: Destination, protocol: string, port: number, options: { mode: 'all' | 'any'; returnPath: boolean }): boolean {
  const { mode } = options;
  const sameVpc = source.subnet.vpcId === destination.subnet.vpcId;
  trace.touch(source.subnet.id, destination.subnet.id, destination.subnet.vpcId);
  if (source.groups !== 'open') {
    const destGroups = Array.isArray(destination.groups) ? destination.groups.map((g) => g.id) : [];
    if (!securityGroupHop(model, trace, 'egress', source.groups, 'egress', protocol, port, { range: destination.subnet.range, groupIds: destGroups, sameVpc, label: destination.label }, mode)) return false;
  }
  if (!networkAclHop(model, trace, source.subnet, true, protocol, { from: port, to: port }, destination.subnet.range, mode)) return false;
  if (!routingHop(model, trace, source.subnet, destination.subnet, 'forward')) return false;
  if (!networkAclHop(model, trace, destination.subnet, false, protocol, { from: port, to: port }, source.subnet.range, mode)) return false;
  if (Array.isArray(destination.groups)) {
    const sourceGroups = source.groups === 'open' ? [] : source.groups.map((g) => g.id);
    if (!securityGroupHop(model, trace, 'ingress', destination.groups, 'ingress', protocol, port, { range: source.subnet.range, groupIds: sourceGroups, sameVpc, label: source.label }, mode)) return false;
  } else if (typeof destination.groups === 'object' && 'skipped' in destination.groups) {
    trace.pass('ingress', `not evaluated: ${destination.groups.skipped}`);
  }
  if (!options.returnPath) return true;
  if (!routingHop(model, trace, destination.subnet, source.subnet, 'return')) return false;
  if (!networkAclHop(model, trace, destination.subnet, true, protocol, EPHEMERAL, source.subnet.range, mode)) return false;
  return networkAclHop(model, trace, source.subnet, false, protocol, EPHEMERAL, destination.subnet.range, mode);
}

/** What a name resolves to, seen from a VPC. */
export type Resolution =
  | { readonly kind: 'load-balancer'; readonly loadBalancer: LoadBalancer; readonly record: RecordSet }
  | { readonly kind: 'lattice'; readonly service: LatticeService; readonly record?: RecordSet }
  | { readonly kind: 'endpoint'; readonly endpoint: VpcEndpoint; readonly service: EndpointService };

/** The zone a name falls in: the longest zone name it ends with, among `zones`. */
function zoneFor<Z extends { name: string }>(zones: readonly Z[], host: string): Z | undefined {
  return zones.filter((z) => host === z.name || host.endsWith(`.${z.name}`)).sort((a, b) => b.name.length - a.name.length)[0];
}

/**
 * Resolves `host` as the Route 53 Resolver of `vpcId` would: an interface endpoint's private DNS
 * name first (it overrides public DNS inside the VPC), then a private zone associated with the VPC,
 * then the public zone, which must be delegated from the parent zone with its own name servers.
 */
export function resolveName(model: NetworkModel, trace: Trace, host: string, vpcId: string, parentZone: { id: string; name: string }): Resolution | undefined {
  const hop = 'name';
  const vpc = model.vpcs.get(vpcId);
  if (!vpc?.dnsSupport) {
    trace.fail(hop, 'the VPC has DNS support off: the Route 53 Resolver does not answer there');
    return undefined;
  }
  for (const endpoint of model.endpoints.filter((e) => e.vpcId === vpcId && e.type === 'Interface')) {
    const service = model.endpointServices.find((s) => s.serviceName === endpoint.serviceName);
    if (!service?.privateDnsName || service.privateDnsName !== host) continue;
    trace.touch(endpoint.id, service.id);
    if (!endpoint.privateDns) continue;
    if (!vpc.dnsHostnames) {
      trace.fail(hop, `${host}: endpoint ${short(endpoint.where)} has private DNS, but the VPC has DNS hostnames off, so the name is not answered`);
      return undefined;
    }
    trace.pass(hop, `${host} -> interface endpoint ${short(endpoint.where)} (private DNS of ${short(service.where)})`);
    return { kind: 'endpoint', endpoint, service };
  }
  const privateZone = zoneFor(model.zones.filter((z) => z.vpcIds.includes(vpcId)), host);
  const zone = privateZone ?? zoneFor(model.zones.filter((z) => z.vpcIds.length === 0), host);
  if (!zone) {
    trace.fail(hop, `${host}: no hosted zone of the assembly holds it (and no endpoint in this VPC has it as private DNS name)`);
    return undefined;
  }
  if (!privateZone) {
    const delegation = model.delegations.find((d) => d.zoneName === zone.name);
    if (!delegation) {
      trace.fail(hop, `${host}: zone ${zone.name} (${short(zone.where)}) is not delegated: no NS records for it in the parent zone`);
      return undefined;
    }
    if (delegation.parentZoneId !== parentZone.id || !zone.name.endsWith(`.${parentZone.name.replace(/\.$/, '')}`)) {
      trace.fail(hop, `${host}: ${short(delegation.where)} delegates ${zone.name} in zone ${delegation.parentZoneId}, not in the parent zone ${parentZone.id} (${parentZone.name})`);
      return undefined;
    }
    if (delegation.nameServers !== zone.nameServers) {
      trace.fail(hop, `${host}: ${short(delegation.where)} writes name servers that are not those of ${short(zone.where)}`);
      return undefined;
    }
    trace.pass('delegation', `${zone.name}: NS in parent zone ${parentZone.id} (${short(delegation.where)})`);
  }
  const record = model.records.find((r) => r.zoneId === zone.id && r.name === host && ['A', 'AAAA', 'CNAME'].includes(r.type));
  if (!record) {
    trace.fail(hop, `${host}: zone ${short(zone.where)} has no A, AAAA or CNAME record of that name`);
    return undefined;
  }
  const target = record.aliasDnsName?.replace(/^dualstack\./, '');
  const latticeService = record.type !== 'CNAME' ? model.lattice.services.find((svc) => svc.dnsName === target) : undefined;
  if (latticeService) {
    trace.touch(latticeService.arn, latticeService.id);
    trace.pass(hop, `${host} -> ${record.type} alias ${short(record.where)} (${privateZone ? 'private' : 'public'} zone ${short(zone.where)}) -> VPC Lattice service ${short(latticeService.where)}'s generated name`);
    return { kind: 'lattice', service: latticeService, record };
  }
  const loadBalancer = [...model.loadBalancers.values()].find((lb) => lb.dnsName === target);
  if (!loadBalancer) {
    trace.touch(target);
    if (record.type === 'CNAME' || !record.aliasDnsName) {
      trace.unknown(hop, `${host}: record ${short(record.where)} is ${record.type === 'CNAME' ? 'a CNAME' : 'not an alias'}; only an alias of a load balancer is followed`);
      return undefined;
    }
    trace.fail(hop, `${host}: record ${short(record.where)} points at ${record.aliasDnsName ?? 'addresses'}, no load balancer of the assembly`);
    return undefined;
  }
  trace.touch(loadBalancer.arn);
  trace.pass(hop, `${host} -> ${record.type} alias ${short(record.where)} -> ${short(loadBalancer.where)}`);
  return { kind: 'load-balancer', loadBalancer, record };
}

/** True when a certificate name covers `host` (exactly, or a wildcard for one label). */
export function certificateCovers(name: string, host: string): boolean {
  if (name === host) return true;
  return name.startsWith('*.') && host.slice(host.indexOf('.') + 1) === name.slice(2) && host.indexOf('.') > 0;
}

/**
 * From a load balancer's listener on `port` to the API's tasks: the listener and its certificate
 * (covering `host`), the target group, the ECS service registered in it and its container port,
 * then from the load-balancer node in `node` (the subnet the client reached; cross-zone, so any
 * task subnet) to each task subnet: the load balancer's egress, ACLs, routing both ways, and the
 * tasks' ingress. The tasks see the load balancer's address (IP targets of TCP and TLS groups,
 * AWS's default), or `client`'s when the group preserves client addresses. `all`: every task
 * subnet of every group with a service must be reachable; `any`: one is enough.
 */
export function loadBalancerToTargets(model: NetworkModel, trace: Trace, loadBalancer: LoadBalancer, node: Subnet, port: number, host: string, mode: 'all' | 'any', client?: Subnet): boolean {
  const listener = model.listeners.find((l) => l.loadBalancerArn === loadBalancer.arn && l.port === port);
  if (!listener) {
    const ports = model.listeners.filter((l) => l.loadBalancerArn === loadBalancer.arn).map((l) => `${l.protocol} ${l.port}`);
    return trace.fail('listener', `${short(loadBalancer.where)} has no listener on ${port} (listeners: ${ports.join(', ') || 'none'})`);
  }
  if (listener.protocol !== 'TLS' && listener.protocol !== 'HTTPS') {
    // The caller speaks TLS (https://): whether the target terminates it is not in the templates.
    return trace.unknown('listener', `${short(listener.where)} is ${listener.protocol} on ${port}: the load balancer does not terminate the caller's TLS, the targets would have to`);
  }
  const unknownCertificate = listener.certificateArns.find((arn) => !model.certificates.has(arn));
  const certificate = listener.certificateArns.map((arn) => model.certificates.get(arn)).find((c) => c?.names.some((n) => certificateCovers(n, host)));
  if (!certificate) {
    if (unknownCertificate) return trace.unknown('certificate', `${short(listener.where)} uses ${unknownCertificate}, which no template of the environment creates`);
    const names = listener.certificateArns.map((arn) => model.certificates.get(arn)!.names.join(', '));
    return trace.fail('certificate', `no certificate of ${short(listener.where)} covers ${host} (${names.join('; ') || 'none'})`);
  }
  trace.pass('listener', `${listener.protocol} ${port} (${short(listener.where)}), certificate ${short(certificate.where)} covers ${host}`);
  const groups = listener.targetGroupArns.map((arn) => model.targetGroups.get(arn)).filter((g) => g !== undefined);
  const served = groups.flatMap((group) => model.ecsServices.filter((s) => s.targets.some((t) => t.targetGroupArn === group.arn)).map((service) => ({ group, service })));
  if (served.length === 0) return trace.fail('target group', `${short(listener.where)} forwards to no target group an ECS service of the assembly registers in`);
  const lbGroups = groupsOf(model, loadBalancer.securityGroupIds);
  const legs: Trace[] = [];
  for (const { group, service } of served) {
    const containerPort = service.targets.find((t) => t.targetGroupArn === group.arn)!.containerPort;
    const taskGroups = groupsOf(model, service.securityGroupIds);
    for (const taskSubnetId of service.subnetIds) {
      const leg = new Trace();
      legs.push(leg);
      leg.pass('target group', `${short(group.where)} (${group.protocol}, ${group.targetType} targets) <- ${short(service.where)} container port ${containerPort}`);
      const taskSubnet = model.subnets.get(taskSubnetId);
      if (!taskSubnet) {
        leg.fail('targets', `${short(service.where)}: subnet ${taskSubnetId} is not in the assembly`);
        continue;
      }
      const sameVpc = taskSubnet.vpcId === node.vpcId;
      // Targets see the client's address when the group preserves it (never through PrivateLink), else the load balancer node's.
      const seen = group.preserveClientIp && client
        ? { range: client.range, groupIds: [] as string[], sameVpc: client.vpcId === taskSubnet.vpcId, label: 'the client (address preserved)' }
        : { range: node.range, groupIds: loadBalancer.securityGroupIds, sameVpc, label: 'the load balancer' };
      const ok = (loadBalancer.securityGroupIds.length === 0 || securityGroupHop(model, leg, 'lb egress', lbGroups, 'egress', 'tcp', containerPort, { range: taskSubnet.range, groupIds: service.securityGroupIds, sameVpc, label: 'the tasks' }, mode))
        && networkAclHop(model, leg, node, true, 'tcp', { from: containerPort, to: containerPort }, taskSubnet.range, mode)
        && routingHop(model, leg, node, taskSubnet, 'forward')
        && networkAclHop(model, leg, taskSubnet, false, 'tcp', { from: containerPort, to: containerPort }, seen.range, mode)
        && securityGroupHop(model, leg, 'task ingress', taskGroups, 'ingress', 'tcp', containerPort, seen, mode)
        && routingHop(model, leg, taskSubnet, node, 'return')
        && networkAclHop(model, leg, taskSubnet, true, 'tcp', EPHEMERAL, seen.range, mode)
        && networkAclHop(model, leg, node, false, 'tcp', EPHEMERAL, taskSubnet.range, mode);
      if (ok) leg.pass('targets', `${short(taskSubnet.where)}`);
    }
  }
  const passed = legs.filter((l) => l.hops.at(-1)?.ok);
  const shown = mode === 'all' ? legs.find((l) => !l.hops.at(-1)?.ok) ?? legs[0] : passed[0] ?? legs[0];
  trace.append(shown);
  return mode === 'all' ? passed.length === legs.length : passed.length > 0;
}

/** The `kind` of a route's target, for the internet question. */
export type { Route };

/** `a.b.c.d/n` as a range; throws on a malformed one (configuration is validated before this runs). */
export function rangeOf(cidr: string): CidrRange {
  const range = parseCidr(cidr);
  if (!range) throw new Error(`not an IPv4 CIDR: ${cidr}`);
  return range;
}
