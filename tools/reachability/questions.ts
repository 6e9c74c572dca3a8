/**
 * The questions a reachability analysis asks of one environment, derived from its configuration
 * (the APIs, the consumers and the matrix `consumers[].calls`), never from a hand-written list, and
 * their answers from the {@link NetworkModel} of its templates:
 * - every pair the matrix allows: reachable on 443, end to end, name included;
 * - every pair it denies: unreachable from any workload of the consumer's VPC;
 * - each resolver function reaches no API but its own; no consumer reaches an API's tasks around
 *   the load balancer, nor an API on another port (80, the container port);
 * - no consumer VPC reaches another's (routing, whatever the security groups);
 * - no VPC reaches the internet (routes, gateways, public addresses);
 * - each API's tasks reach the interface endpoints every API VPC has (ECR, CloudWatch Logs, STS)
 *   and S3 (gateway endpoint).
 */
import { apiVpcInterfaceEndpoints } from '../../lib/config/api-network';
import { connectivityOf } from '../../lib/config/connectivity';
import { AppConfig, EnvironmentConfig } from '../../lib/config/types';
import { latticeServiceNamed, latticeToTargets } from './lattice';
import { Gap, LatticeService, NetworkModel, SecurityGroup, Subnet, Vpc, VpcEndpoint } from './model';
import { EPHEMERAL, flow, groupsOf, networkAclHop, rangeOf, short, Hop, loadBalancerToTargets, PathTrace, Resolution, resolveName, routeFor, securityGroupHop, Source, Trace } from './paths';

export type Outcome = 'reachable' | 'unreachable' | 'partly reachable' | 'unknown';

/** One question and its answer. */
export interface Verdict {
  readonly environment: string;
  readonly question: string;
  readonly expected: 'reachable' | 'unreachable';
  readonly outcome: Outcome;
  /** The hops of the path shown: the first that stops it, or a full one when every path gets through. */
  readonly hops: readonly Hop[];
  /** The hop where the path shown stops. */
  readonly stoppedAt?: string;
  /** Unmodelled resources on the path (the outcome is then `unknown`). */
  readonly gaps: readonly Gap[];
  /** How many source-to-destination paths were evaluated, and how many got through. */
  readonly paths: { readonly evaluated: number; readonly reached: number };
}

/** True when the verdict meets its expectation. */
export function met(verdict: Verdict): boolean {
  return verdict.outcome === verdict.expected;
}

const hostOf = (url: string | undefined): string | undefined => {
  try {
    return url ? new URL(url).hostname.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
};

/** The name of the API a function calls (its API_BASE_URL's host is the API's domain). */
function ownApiOf(env: EnvironmentConfig, url: string | undefined): string {
  return env.apis.find((a) => a.domain.toLowerCase() === hostOf(url))?.name ?? `the API of ${url}`;
}

/** Folds the traces of one question into its verdict. */
function verdictOf(model: NetworkModel, environment: string, question: string, expected: Verdict['expected'], traces: readonly PathTrace[], setup?: Hop): Verdict {
  const reached = traces.filter((t) => t.reached).length;
  const touched = new Set(traces.flatMap((t) => [...t.touched]));
  // A gap that names nothing modelled could be anywhere: it makes every path unknown.
  const gaps = model.gaps.filter((g) => g.touches.length === 0 || g.touches.some((id) => touched.has(id)));
  const outcome: Outcome = gaps.length > 0 ? 'unknown'
    : traces.length > 0 && reached === traces.length ? 'reachable'
      : traces.some((t) => t.unknown) ? 'unknown'
        : reached === 0 ? 'unreachable' : 'partly reachable';
  // Show what matters: for a path that must work, one that stops (it says where); for one that must
  // not, one that gets through (the breach), else one that stops.
  const shown = expected === 'unreachable' ? traces.find((t) => t.reached) ?? traces.find((t) => !t.reached) : traces.find((t) => !t.reached) ?? traces[0];
  const hops = [...(setup ? [setup] : []), ...(shown?.hops ?? [])];
  const stop = hops.find((h) => !h.ok);
  return { environment, question, expected, outcome, hops, stoppedAt: stop?.hop, gaps, paths: { evaluated: traces.length, reached } };
}

/** The environment's network, looked up by configuration: the VPC of an API or consumer (by account and CIDR), its subnets. */
class Lookup {
  constructor(private readonly model: NetworkModel) {}

  vpc(account: string, cidr: string): Vpc | undefined {
    return [...this.model.vpcs.values()].find((v) => v.account === account && v.cidr === cidr);
  }

  subnets(ids: readonly string[]): Subnet[] {
    return ids.map((id) => this.model.subnets.get(id)).filter((s) => s !== undefined);
  }

  groups(ids: readonly string[]): SecurityGroup[] {
    return groupsOf(this.model, ids);
  }

  /** Every subnet of a VPC. */
  allSubnets(vpcId: string): Subnet[] {
    return [...this.model.subnets.values()].filter((s) => s.vpcId === vpcId);
  }
}

/**
 * A call to `host` on `port` from `sources`: name resolution from the source VPC, then every
 * source subnet to every address the name resolves to, through the load balancer to the tasks.
 */
function callPaths(model: NetworkModel, sources: readonly Source[], host: string, port: number, parentZone: { id: string; name: string }, consumerAccount: string, mode: 'all' | 'any', authRow = ''): PathTrace[] {
  const traces: PathTrace[] = [];
  // A path that must stay closed is closed by the network, not by a name: a workload can connect to
  // the API's addresses whatever its VPC's DNS answers. So `any` also tries them directly.
  const direct = mode === 'any' ? apiLoadBalancer(model, host, parentZone) : undefined;
  const directLb = direct?.kind === 'load-balancer' ? direct.loadBalancer : undefined;
  for (const source of sources) {
    const probe = new Trace();
    const named = resolveName(model, probe, host, source.subnet.vpcId, parentZone);
    const resolutions: { resolution: Resolution; probe: Trace }[] = named ? [{ resolution: named, probe }] : [];
    if (!named) traces.push(probe.result(false));
    if (direct && directLb && !(named?.kind === 'load-balancer' && named.loadBalancer === directLb)) {
      const byAddress = new Trace();
      byAddress.pass('name', `by address: ${host}'s load balancer ${short(directLb.where)}, whatever this VPC resolves`);
      resolutions.push({ resolution: direct, probe: byAddress });
    }
    for (const { resolution, probe } of resolutions) traces.push(...pathsFrom(model, source, resolution, probe, host, port, consumerAccount, mode, authRow));
  }
  return traces;
}

/** The load balancer the API's public record aliases (as any resolver outside the VPCs sees the name). */
function apiLoadBalancer(model: NetworkModel, host: string, parentZone: { id: string; name: string }): Resolution | undefined {
  const vpc = [...model.vpcs.values()].find((v) => v.dnsSupport);
  if (!vpc) return undefined;
  // Resolved as from a VPC with no endpoint or private zone of its own.
  const bare: NetworkModel = { ...model, endpoints: [], zones: model.zones.filter((z) => z.vpcIds.length === 0) };
  const resolution = resolveName(bare, new Trace(), host, vpc.id, parentZone);
  return resolution?.kind === 'load-balancer' ? resolution : undefined;
}

/** From one source, through what the name resolved to, to every address it gives (load-balancer nodes or endpoint interfaces). */
function pathsFrom(model: NetworkModel, source: Source, resolution: Resolution, probe: Trace, host: string, port: number, consumerAccount: string, mode: 'all' | 'any', authRow = ''): PathTrace[] {
  if (resolution.kind === 'lattice') {
    // One hop to Lattice's addresses in the source's own VPC, then Lattice to the task subnets.
    const trace = new Trace();
    trace.append(probe);
    return [trace.result(latticeToTargets(model, trace, source, resolution.service, host, port, 'name', mode, authRow))];
  }
  // Where the addresses are, the groups on them, and what follows once a packet arrives there.
  const target = resolution.kind === 'load-balancer'
    ? {
        what: 'load balancer', subnetIds: resolution.loadBalancer.subnetIds,
        groups: resolution.loadBalancer.securityGroupIds.length > 0 ? groupsOf(model, resolution.loadBalancer.securityGroupIds) : 'open' as const,
        beyond: (trace: Trace, at: Subnet) => loadBalancerToTargets(model, trace, resolution.loadBalancer, at, port, host, mode, source.subnet),
      }
    : {
        what: 'endpoint', subnetIds: resolution.endpoint.subnetIds, groups: groupsOf(model, resolution.endpoint.securityGroupIds),
        beyond: (trace: Trace) => privateLinkToTargets(model, trace, source.subnet, resolution.service, consumerAccount, port, host, mode),
      };
  return target.subnetIds.map((subnetId) => {
    const trace = new Trace();
    trace.append(probe);
    const at = model.subnets.get(subnetId);
    if (!at) return trace.result(trace.fail(target.what, `subnet ${subnetId} is not in the assembly`));
    const ok = flow(model, trace, source, { subnet: at, groups: target.groups, label: `${target.what} in ${at.zone}` }, 'tcp', port, { mode, returnPath: true }) && target.beyond(trace, at);
    return trace.result(ok);
  });
}

/** Through an endpoint service: its allowed principals and acceptance, its load balancer (security group per its PrivateLink setting), the listener and the tasks. */
function privateLinkToTargets(model: NetworkModel, trace: Trace, source: Subnet, service: NetworkModel['endpointServices'][number], consumerAccount: string, port: number, host: string, mode: 'all' | 'any'): boolean {
  trace.touch(service.id);
  // The account's root ARN (in any partition) admits every principal of the account.
  const principal = service.allowedPrincipals.find((p) => p === '*' || new RegExp(`^arn:[^:]+:iam::${consumerAccount}:root$`).test(p));
  if (!principal) {
    return trace.fail('endpoint service', `${short(service.where)} does not list account ${consumerAccount} (its root) among its allowed principals (${service.allowedPrincipals.join(', ') || 'none'})`);
  }
  if (service.acceptanceRequired) return trace.fail('endpoint service', `${short(service.where)} requires acceptance: each connection waits for the provider (not modelled as accepted)`);
  trace.pass('endpoint service', `${short(service.where)} allows ${principal}, no acceptance needed`);
  const lb = model.loadBalancers.get(service.loadBalancerArns[0] ?? '');
  if (!lb) return trace.fail('load balancer', `${short(service.where)} fronts no load balancer of the assembly`);
  trace.touch(lb.arn);
  if (lb.securityGroupIds.length > 0 && lb.enforceOnPrivateLink) {
    // Enforcement on (AWS's default): the load balancer's inbound rules apply to PrivateLink
    // traffic too, evaluated against the client's address.
    const groups = groupsOf(model, lb.securityGroupIds);
    if (!securityGroupHop(model, trace, 'lb ingress', groups, 'ingress', 'tcp', port, { range: source.range, groupIds: [], sameVpc: false, label: 'the client (PrivateLink, enforcement on)' }, mode)) return false;
  } else {
    trace.pass('lb ingress', `${short(lb.where)}: inbound rules not applied to PrivateLink traffic (EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic off)`);
  }
  // The endpoint service sends the connection to a load-balancer node of its own zone choice: each node subnet must do (all) or one may (any).
  const nodes = lb.subnetIds.map((id) => model.subnets.get(id)).filter((n) => n !== undefined);
  const legs = nodes.map((node) => {
    const leg = new Trace();
    return { leg, ok: loadBalancerToTargets(model, leg, lb, node, port, host, mode) };
  });
  const shown = (mode === 'all' ? legs.find((l) => !l.ok) : legs.find((l) => l.ok)) ?? legs[0];
  if (!shown) return trace.fail('load balancer', `${short(lb.where)} has no subnet in the assembly`);
  trace.append(shown.leg);
  return mode === 'all' ? legs.every((l) => l.ok) : legs.some((l) => l.ok);
}

/** True when every address of `range` is private (RFC 1918 or the shared 100.64.0.0/10 space): not routable on the internet. */
function isPrivate(range: { first: number; last: number }): boolean {
  return ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'].map(rangeOf).some((p) => p.first <= range.first && range.last <= p.last);
}

/**
 * The ports other than 443 a caller of `api` is asked about: 80, the tasks' container ports, and
 * every other port the API's load balancers listen on or their security groups admit.
 */
function otherPorts(model: NetworkModel, lookup: Lookup, api: EnvironmentConfig['apis'][number]): number[] {
  const vpcId = lookup.vpc(api.account, api.cidr)?.id;
  const services = model.ecsServices.filter((x) => lookup.subnets(x.subnetIds).some((n) => n.vpcId === vpcId));
  const loadBalancers = [...model.loadBalancers.values()].filter((lb) => lookup.subnets(lb.subnetIds).some((n) => n.vpcId === vpcId));
  const service = latticeServiceNamed(model, api.domain.toLowerCase());
  const ports = [
    80,
    ...services.flatMap((x) => x.targets.map((t) => t.containerPort)),
    ...services.flatMap((x) => x.latticeTargets.flatMap((t) => (t.containerPort === undefined ? [] : [t.containerPort]))),
    ...(service ? model.lattice.listeners.filter((l) => l.serviceIdentifier === service.id || l.serviceIdentifier === service.arn).map((l) => l.port) : []),
    ...model.listeners.filter((l) => loadBalancers.some((lb) => lb.arn === l.loadBalancerArn)).map((l) => l.port),
    ...loadBalancers.flatMap((lb) => lookup.groups(lb.securityGroupIds).flatMap((g) => g.ingress.map((r) => r.fromPort))),
  ];
  return [...new Set(ports)].filter((p) => p !== 443 && p > 0).sort((a, b) => a - b);
}

/** Every question of one environment, answered. */
export function environmentVerdicts(config: AppConfig, env: EnvironmentConfig, model: NetworkModel): Verdict[] {
  const lookup = new Lookup(model);
  const verdicts: Verdict[] = [];
  const lattice = connectivityOf(env) === 'lattice';
  const parentZone = config.parentZone;
  const missing = (question: string, expected: Verdict['expected'], what: string): Verdict =>
    verdictOf(model, env.name, question, expected, [], { hop: 'source', ok: false, detail: what });
  // Any workload: in any subnet of the VPC, with a security group that lets everything out.
  const openWorkloads = (vpc: Vpc, label: string): Source[] => lookup.allSubnets(vpc.id).map((subnet) => ({ subnet, groups: 'open', label }));

  for (const consumer of env.consumers) {
    const consumerVpc = lookup.vpc(consumer.account, consumer.cidr);
    for (const api of env.apis) {
      const allowed = consumer.calls.includes(api.name);
      const host = api.domain.toLowerCase();
      const question = `${consumer.name} -> ${api.name} (https://${host}:443)`;
      if (!consumerVpc) {
        verdicts.push(missing(question, allowed ? 'reachable' : 'unreachable', `no VPC of account ${consumer.account} with CIDR ${consumer.cidr} in the assembly`));
        continue;
      }
      const resolvers = model.functions.filter((f) => hostOf(f.environment.API_BASE_URL) === host && lookup.subnets(f.subnetIds).some((s) => s.vpcId === consumerVpc.id));
      const functionSources = (fs: typeof resolvers) => fs.flatMap((f) => lookup.subnets(f.subnetIds).map((subnet): Source => ({ subnet, groups: lookup.groups(f.securityGroupIds), label: short(f.where) })));
      // Lattice: the access simulation's row that decides this caller's requests (the auth policies).
      const row = (own: string) => `${consumer.name}'s resolver role for ${own} invokes ${api.name}`;
      const service = lattice ? latticeServiceNamed(model, host) : undefined;
      if (allowed) {
        const sources = resolvers.flatMap((f) => lookup.subnets(f.subnetIds).map((subnet): Source => ({ subnet, groups: lookup.groups(f.securityGroupIds), label: `${short(f.where)}` })));
        verdicts.push(sources.length === 0
          ? missing(question, 'reachable', `no function in ${consumer.name}'s VPC calls https://${host} (API_BASE_URL)`)
          : verdictOf(model, env.name, question, 'reachable', callPaths(model, sources, host, 443, parentZone, consumer.account, 'all', row(api.name))));
        // The same caller on another port: the load balancer listens on 443 only.
        for (const port of otherPorts(model, lookup, api)) {
          verdicts.push(verdictOf(model, env.name, `${consumer.name} -> ${api.name} on port ${port}`, 'unreachable', callPaths(model, sources, host, port, parentZone, consumer.account, 'any')));
        }
      } else {
        // A denied pair: no workload of the consumer's VPC gets through, whatever its security group.
        verdicts.push(verdictOf(model, env.name, `${question}, denied: any workload${lattice ? ', by its name' : ''}`, 'unreachable', callPaths(model, openWorkloads(consumerVpc, `any workload of ${consumer.name}`), host, 443, parentZone, consumer.account, 'any')));
        // Lattice: at the network layer every VPC of the network reaches every service of it, by
        // the name Lattice generates; the auth policy refuses the request, and saying otherwise
        // here would be a verdict the network does not give.
        if (lattice) {
          const callers = model.functions.filter((f) => f.environment.API_BASE_URL && lookup.subnets(f.subnetIds).some((x) => x.vpcId === consumerVpc.id));
          const sources = callers.flatMap((f) => functionSources([f]).map((source) => ({ source, row: row(ownApiOf(env, f.environment.API_BASE_URL)) })));
          verdicts.push(generatedNameVerdict(model, env.name, consumer.name, api.name, service, sources));
        }
      }
      // Each resolver reaches no other API.
      for (const resolver of model.functions.filter((f) => lookup.subnets(f.subnetIds).some((s) => s.vpcId === consumerVpc.id) && f.environment.API_BASE_URL && hostOf(f.environment.API_BASE_URL) !== host)) {
        const sources = lookup.subnets(resolver.subnetIds).map((subnet): Source => ({ subnet, groups: lookup.groups(resolver.securityGroupIds), label: short(resolver.where) }));
        const own = ownApiOf(env, resolver.environment.API_BASE_URL);
        if (lattice && allowed) {
          // Its VPC resolves the name (the consumer calls that API), and Lattice carries it: the
          // other API's auth policy, which does not name this function's role, refuses it.
          verdicts.push(verdictOf(model, env.name, `${short(resolver.where)} -> ${api.name} (not its API): network-reachable, refused by ${api.name}'s auth policy`, 'reachable', callPaths(model, sources, host, 443, parentZone, consumer.account, 'all', row(own))));
        } else {
          verdicts.push(verdictOf(model, env.name, `${short(resolver.where)} -> ${api.name} (not its API)${lattice ? ', by its name' : ''}`, 'unreachable', callPaths(model, sources, host, 443, parentZone, consumer.account, 'any')));
        }
      }
      // Around the load balancer: straight to the tasks on their container port.
      const apiVpc = lookup.vpc(api.account, api.cidr);
      const tasks = apiVpc ? model.ecsServices.filter((s) => lookup.subnets(s.subnetIds).some((x) => x.vpcId === apiVpc.id)) : [];
      for (const service of tasks) {
        const port = service.targets[0]?.containerPort ?? service.latticeTargets[0]?.containerPort ?? 443;
        const traces = openWorkloads(consumerVpc, `any workload of ${consumer.name}`).flatMap((source) => lookup.subnets(service.subnetIds).map((subnet) => {
          const trace = new Trace();
          return trace.result(flow(model, trace, source, { subnet, groups: lookup.groups(service.securityGroupIds), label: `${api.name} tasks` }, 'tcp', port, { mode: 'any', returnPath: true }));
        }));
        verdicts.push(verdictOf(model, env.name, `${consumer.name} -> ${api.name} tasks directly (port ${port})`, 'unreachable', traces));
        if (lattice) {
          // No route joins the VPCs today; what keeps the tasks behind Lattice's signature check
          // (and its identity header unforgeable) if one is ever added is the task group: asked alone.
          const trace = new Trace();
          trace.touch(...service.securityGroupIds);
          const admitted = securityGroupHop(model, trace, 'task ingress', lookup.groups(service.securityGroupIds), 'ingress', 'tcp', port, { range: rangeOf(consumer.cidr), groupIds: [], sameVpc: false, label: `${consumer.name}'s addresses (${consumer.cidr})` }, 'any');
          verdicts.push(verdictOf(model, env.name, `${consumer.name} -> ${api.name} tasks around Lattice (port ${port}, the task group alone, whatever the routes)`, 'unreachable', [trace.result(admitted)]));
        }
      }
    }
  }

  // Consumer to consumer: routing alone (any workload, any security group), forward direction.
  for (const from of env.consumers) {
    for (const to of env.consumers.filter((c) => c !== from)) {
      const fromVpc = lookup.vpc(from.account, from.cidr);
      const toVpc = lookup.vpc(to.account, to.cidr);
      const question = `${from.name} -> ${to.name} (consumer to consumer, any port)`;
      if (!fromVpc || !toVpc) {
        verdicts.push(missing(question, 'unreachable', `no VPC in the assembly for ${!fromVpc ? from.name : to.name}`));
        continue;
      }
      const traces = openWorkloads(fromVpc, `any workload of ${from.name}`).flatMap((source) => lookup.allSubnets(toVpc.id).map((subnet) => {
        const trace = new Trace();
        return trace.result(flow(model, trace, source, { subnet, groups: 'open', label: `any workload of ${to.name}` }, '-1', 443, { mode: 'any', returnPath: false }));
      }));
      verdicts.push(verdictOf(model, env.name, question, 'unreachable', traces));
    }
  }

  // The internet, from every VPC of the environment's configuration.
  const vpcs = [...env.apis.map((a) => ({ name: a.name, vpc: lookup.vpc(a.account, a.cidr) })), ...env.consumers.map((c) => ({ name: c.name, vpc: lookup.vpc(c.account, c.cidr) }))];
  for (const { name, vpc } of vpcs) {
    if (!vpc) continue; // reported by the questions above
    verdicts.push(internetVerdict(model, env.name, name, vpc));
  }

  // Image pulls and logs: each API's tasks reach their endpoints.
  const region = config.region;
  for (const api of env.apis) {
    const vpc = lookup.vpc(api.account, api.cidr);
    const services = vpc ? model.ecsServices.filter((s) => lookup.subnets(s.subnetIds).some((x) => x.vpcId === vpc.id)) : [];
    for (const service of services) {
      const sources = lookup.subnets(service.subnetIds).map((subnet): Source => ({ subnet, groups: lookup.groups(service.securityGroupIds), label: `${api.name} tasks` }));
      for (const endpointService of apiVpcInterfaceEndpoints(connectivityOf(env)).map((s) => `com.amazonaws.${region}.${s}`)) {
        verdicts.push(interfaceEndpointVerdict(model, env.name, `${api.name} tasks -> ${endpointService.split('.').slice(3).join('.')} (interface endpoint)`, sources, endpointService));
      }
      verdicts.push(gatewayEndpointVerdict(model, env.name, `${api.name} tasks -> s3 (image layers, gateway endpoint)`, sources, `com.amazonaws.${region}.s3`));
    }
  }
  return verdicts;
}

/**
 * A denied pair in lattice mode, by the name VPC Lattice generates for the API's service (public
 * DNS answers it with Lattice's link-local addresses, usable from any VPC associated with the
 * network): the consumer's functions, whose groups its association admits, reach the service at
 * the network layer; the service's auth policy refuses each request (the access simulation's row).
 */
function generatedNameVerdict(model: NetworkModel, environment: string, consumer: string, api: string, service: LatticeService | undefined, sources: readonly { source: Source; row: string }[]): Verdict {
  const question = `${consumer} -> ${api} by its generated name, denied: network-reachable, refused by ${api}'s auth policy`;
  if (!service) return verdictOf(model, environment, question, 'reachable', [], { hop: 'name', ok: false, detail: `no VPC Lattice service of the assembly has ${api}'s name as its custom domain name` });
  const traces = sources.map(({ source, row }) => {
    const trace = new Trace();
    trace.pass('name', `${service.dnsName}: ${short(service.where)}'s generated name, answered by public DNS with VPC Lattice's link-local addresses`);
    return trace.result(latticeToTargets(model, trace, source, service, service.dnsName, 443, 'generated', 'all', row));
  });
  return verdictOf(model, environment, question, 'reachable', traces);
}

/** Tasks to an AWS service through an interface endpoint of their VPC with private DNS: security groups both ways and routing, to every endpoint subnet. */
function interfaceEndpointVerdict(model: NetworkModel, environment: string, question: string, sources: readonly Source[], serviceName: string): Verdict {
  const vpcId = sources[0]?.subnet.vpcId;
  const endpoint: VpcEndpoint | undefined = model.endpoints.find((e) => e.vpcId === vpcId && e.type === 'Interface' && e.serviceName === serviceName);
  if (!endpoint) return verdictOf(model, environment, question, 'reachable', [], { hop: 'name', ok: false, detail: `no interface endpoint for ${serviceName} in the tasks' VPC: the public name resolves to public addresses, which have no route` });
  const setup = endpoint.privateDns
    ? { hop: 'name', ok: true, detail: `${serviceName}'s regional name -> endpoint ${short(endpoint.where)} (private DNS)` }
    : { hop: 'name', ok: false, detail: `endpoint ${short(endpoint.where)} has private DNS off: the service's regional name resolves to public addresses` };
  if (!setup.ok) return verdictOf(model, environment, question, 'reachable', [], setup);
  const groups = groupsOf(model, endpoint.securityGroupIds);
  const traces = sources.flatMap((source) => endpoint.subnetIds.map((id) => {
    const trace = new Trace();
    trace.touch(endpoint.id);
    const subnet = model.subnets.get(id);
    if (!subnet) return trace.result(trace.fail('endpoint', `subnet ${id} is not in the assembly`));
    return trace.result(flow(model, trace, source, { subnet, groups, label: `${serviceName} endpoint` }, 'tcp', 443, { mode: 'all', returnPath: true }));
  }));
  return verdictOf(model, environment, question, 'reachable', traces, setup);
}

/** Tasks to S3 through the gateway endpoint: egress to the managed prefix list, a prefix-list route to the endpoint. */
function gatewayEndpointVerdict(model: NetworkModel, environment: string, question: string, sources: readonly Source[], serviceName: string): Verdict {
  const traces = sources.map((source) => {
    const trace = new Trace();
    trace.touch(source.subnet.id, source.subnet.routeTableId);
    const groups = source.groups === 'open' ? [] : source.groups;
    if (!securityGroupHop(model, trace, 'egress', groups, 'egress', 'tcp', 443, { groupIds: [], sameVpc: false, prefixList: serviceName, label: `the ${serviceName} prefix list` }, 'all')) return trace.result(false);
    // The list's addresses are not in the templates: its ACL hops are asked for every address.
    const anywhere = rangeOf('0.0.0.0/0');
    if (!networkAclHop(model, trace, source.subnet, true, 'tcp', { from: 443, to: 443 }, anywhere) || !networkAclHop(model, trace, source.subnet, false, 'tcp', EPHEMERAL, anywhere)) return trace.result(false);
    const route = routeFor(model, source.subnet, { prefixList: serviceName });
    // A more specific route for public addresses may take some of the list's addresses elsewhere.
    const overlapping = (model.routes.get(source.subnet.routeTableId ?? '') ?? []).find((r) => r.destination.kind === 'cidr' && r.destination.range.prefix > 0 && !isPrivate(r.destination.range));
    if (overlapping && overlapping.destination.kind === 'cidr') return trace.result(trace.unknown('route', `${short(overlapping.where)} routes public addresses ${overlapping.destination.cidr}, which may hold some of ${serviceName}'s`));
    if (!route || route === 'local') return trace.result(trace.fail('route', `${short(source.subnet.where)}: no route to the ${serviceName} prefix list`));
    const endpoint = model.endpoints.find((e) => e.id === route.target.id);
    if (route.target.kind !== 'gateway-endpoint' && !endpoint) return trace.result(trace.fail('route', `${short(source.subnet.where)}: the ${serviceName} prefix list goes to ${route.target.kind} ${route.target.id}`));
    return trace.result(trace.pass('route', `${short(source.subnet.where)}: ${serviceName} prefix list -> gateway endpoint (${short(route.where)})`));
  });
  // Routes to the gateway endpoint's prefix list exist in a table only when the endpoint names it.
  return verdictOf(model, environment, question, 'reachable', traces);
}

/**
 * Whether a VPC can reach the internet: an internet gateway attached, a route to an internet, NAT
 * or other gateway, a transit-gateway route onward to anything but the environment's VPCs, or a
 * public address (subnets that assign one, tasks given one).
 */
function internetVerdict(model: NetworkModel, environment: string, name: string, vpc: Vpc): Verdict {
  const trace = new Trace();
  trace.touch(vpc.id);
  const subnets = [...model.subnets.values()].filter((s) => s.vpcId === vpc.id);
  const gateway = model.internetGateways.find((g) => g.vpcId === vpc.id);
  const opening: string[] = [];
  if (gateway) opening.push(`internet gateway ${short(gateway.where)} attached`);
  for (const subnet of subnets) {
    trace.touch(subnet.id, subnet.routeTableId);
    if (subnet.mapPublicIpOnLaunch) opening.push(`${short(subnet.where)} gives public addresses`);
    for (const route of model.routes.get(subnet.routeTableId ?? '') ?? []) {
      if (route.target.kind === 'internet-gateway' || route.target.kind === 'nat-gateway' || route.target.kind === 'other') opening.push(`${short(route.where)}: ${route.destination.kind === 'cidr' ? route.destination.cidr : 'prefix list'} -> ${route.target.kind} ${route.target.id}`);
      if (route.target.kind === 'transit-gateway' && route.destination.kind === 'cidr' && !isPrivate(route.destination.range)) opening.push(`${short(route.where)}: public addresses (${route.destination.cidr}) -> the transit gateway, onward through whatever it routes them to`);
      if (route.target.kind === 'transit-gateway' && route.destination.kind === 'cidr' && !model.transitGateways.has(route.target.id)) opening.push(`${short(route.where)}: ${route.destination.cidr} -> an imported transit gateway, whose routes are not in the assembly`);
    }
  }
  for (const service of model.ecsServices.filter((s) => s.subnetIds.some((id) => model.subnets.get(id)?.vpcId === vpc.id))) {
    if (service.assignPublicIp) opening.push(`${short(service.where)} assigns its tasks public addresses`);
  }
  for (const attachment of [...model.attachments.values()].filter((a) => a.vpcId === vpc.id)) {
    trace.touch(attachment.id);
    for (const table of [...model.transitRouteTables.values()].filter((t) => t.associations.some((a) => a.attachmentId === attachment.id))) {
      for (const route of table.staticRoutes) if (!route.blackhole && !model.attachments.has(route.attachmentId ?? '')) opening.push(`${short(route.where)}: ${route.cidr} -> ${route.attachmentId} (not a VPC of the environment)`);
    }
  }
  const routes = subnets.flatMap((s) => model.routes.get(s.routeTableId ?? '') ?? []);
  if (opening.length > 0) trace.pass('internet', opening.join('; '));
  else trace.fail('internet', `no internet gateway, no public address, ${routes.length} routes in ${new Set(subnets.map((s) => s.routeTableId)).size} route tables, none to an internet, NAT or other gateway, transit-gateway routes only to the environment's VPCs`);
  return verdictOf(model, environment, `${name} VPC -> the internet`, 'unreachable', [trace.result(opening.length > 0)]);
}

export type { Source };
