/**
 * A path through VPC Lattice, hop by hop, as the VPC Lattice User Guide describes it: the source's
 * egress to Lattice's managed prefix list (and its subnet's network ACL), the VPC's association with
 * a service network and the association's security group, the service's association with that same
 * network, its listener and certificate, the target group the ECS service registers its tasks in,
 * and from Lattice's addresses to each task subnet (network ACL, task security group, container
 * port). No route table is asked: Lattice's addresses are link-local (or non-routable) and answered
 * by the VPC's association, not by a route. The service's auth policy is not a network hop: it is
 * recorded as decided per request, by the policies the access simulation evaluates.
 */
import { LatticeAssociation, LatticeNetwork, LatticeService, NetworkModel } from './model';
import { certificateCovers, EPHEMERAL, groupsOf, networkAclHop, rangeOf, securityGroupHop, short, Source, Trace } from './paths';

/** The name of VPC Lattice's IPv4 managed prefix list in the region of `arn` (AWS: security-groups.html). */
export function latticePrefixList(arn: string): string {
  return `com.amazonaws.${arn.split(':')[3]}.vpc-lattice`;
}

/** True when `identifier` (an id or an ARN, as templates write them) names `thing`. */
const names = (identifier: string | undefined, thing: { arn: string; id: string }): boolean => identifier === thing.arn || identifier === thing.id;

/** The service network an association's identifier names, among the assembly's. */
function networkOf(model: NetworkModel, association: LatticeAssociation): LatticeNetwork | undefined {
  return model.lattice.networks.find((n) => names(association.networkIdentifier, n));
}

/** The Lattice service whose custom domain name is `host`. */
export function latticeServiceNamed(model: NetworkModel, host: string): LatticeService | undefined {
  return model.lattice.services.find((s) => s.customDomainName === host);
}

/**
 * What the request meets after the network: the service's auth policy, evaluated per request by
 * VPC Lattice with the network's and the caller's identity policy (all must allow, AWS_IAM), which
 * the access simulation evaluates; `row` names its row for this caller.
 */
function authHop(model: NetworkModel, trace: Trace, service: LatticeService, network: LatticeNetwork, row: string): void {
  const policies = model.lattice.authPolicies.filter((p) => names(p.resourceIdentifier, service) || names(p.resourceIdentifier, network)).map((p) => short(p.where));
  trace.pass('auth policy', `not a network hop: auth type ${service.authType} (service), ${network.authType} (network); ${policies.length > 0 ? policies.join(', ') : 'no auth policy'} decides each request, ` +
    `evaluated by the access simulation (test/access/, row "${row}")`);
}

/**
 * From `source` through VPC Lattice to the tasks of `service` on `port`. `by`: `name` when the
 * caller used the service's custom domain name `host` (its certificate must cover it), `generated`
 * when it used the name Lattice generated (served with Lattice's own certificate, AWS:
 * service-byoc.html). `all`: every task subnet must be reachable; `any`: one is enough.
 */
export function latticeToTargets(model: NetworkModel, trace: Trace, source: Source, service: LatticeService, host: string, port: number, by: 'name' | 'generated', mode: 'all' | 'any', authRow: string): boolean {
  const prefixList = latticePrefixList(service.arn);
  const anywhere = rangeOf('0.0.0.0/0');
  trace.touch(service.arn, service.id, source.subnet.id, source.subnet.vpcId);
  // The client's security group controls its traffic to Lattice (AWS: security-groups.html): to the prefix list's addresses.
  if (source.groups !== 'open' && !securityGroupHop(model, trace, 'egress', source.groups, 'egress', 'tcp', port, { groupIds: [], sameVpc: false, prefixList, label: `VPC Lattice (${prefixList})` }, mode)) return false;
  // The list's addresses are not in the templates: the ACL hops are asked for every address.
  if (!networkAclHop(model, trace, source.subnet, true, 'tcp', { from: port, to: port }, anywhere, mode)) return false;

  const associations = model.lattice.vpcAssociations.filter((a) => a.vpcId === source.subnet.vpcId);
  if (associations.length === 0) return trace.fail('association', `the VPC of ${short(source.subnet.where)} is associated with no service network: Lattice's addresses do not answer there`);
  if (associations.length > 1) return trace.fail('association', `the VPC has ${associations.length} service-network associations (${associations.map((a) => short(a.where)).join(', ')}); AWS allows one`);
  const [association] = associations;
  const network = networkOf(model, association);
  if (!network) return trace.unknown('association', `${short(association.where)} names service network ${association.networkIdentifier}, which no template of the environment creates`);
  trace.touch(network.arn, network.id, ...association.securityGroupIds);
  if (association.securityGroupIds.length > 0) {
    // The association's security groups control which clients of the VPC may use the network (AWS: security-groups.html).
    const sourceGroups = source.groups === 'open' ? [] : source.groups.map((g) => g.id);
    if (!securityGroupHop(model, trace, 'association', groupsOf(model, association.securityGroupIds), 'ingress', 'tcp', port, { range: source.subnet.range, groupIds: sourceGroups, sameVpc: true, label: source.label }, mode)) return false;
  } else {
    trace.pass('association', `${short(association.where)} with ${network.name}, no security group on it: every client of the VPC may use it`);
  }
  if (!networkAclHop(model, trace, source.subnet, false, 'tcp', EPHEMERAL, anywhere, mode)) return false;

  const serviceAssociation = model.lattice.serviceAssociations.find((a) => names(a.serviceIdentifier, service) && names(a.networkIdentifier, network));
  if (!serviceAssociation) {
    const elsewhere = model.lattice.serviceAssociations.filter((a) => names(a.serviceIdentifier, service)).map((a) => short(a.where));
    return trace.fail('service network', `${short(service.where)} is not associated with ${network.name} (the network of ${short(association.where)})${elsewhere.length ? `; its associations: ${elsewhere.join(', ')}` : ''}`);
  }
  trace.pass('service network', `${short(association.where)} and ${short(serviceAssociation.where)}: the VPC and ${service.name} in ${network.name}`);

  const listener = model.lattice.listeners.find((l) => names(l.serviceIdentifier, service) && l.port === port);
  if (!listener) {
    const ports = model.lattice.listeners.filter((l) => names(l.serviceIdentifier, service)).map((l) => `${l.protocol} ${l.port}`);
    return trace.fail('listener', `${short(service.where)} has no listener on ${port} (listeners: ${ports.join(', ') || 'none'})`);
  }
  if (listener.protocol !== 'HTTPS') {
    // The caller speaks TLS: whether the targets would terminate it (TLS_PASSTHROUGH) is not in the templates.
    return trace.unknown('listener', `${short(listener.where)} is ${listener.protocol} on ${port}: Lattice does not terminate the caller's TLS`);
  }
  if (by === 'name') {
    // HTTPS to a custom name is served with the service's own certificate only, chosen by SNI (AWS: service-byoc.html, service-custom-domain-name.html).
    if (service.customDomainName !== host) return trace.fail('certificate', `${host} is not ${short(service.where)}'s custom domain name (${service.customDomainName ?? 'none'}): Lattice has no certificate for it`);
    const certificate = service.certificateArn ? model.certificates.get(service.certificateArn) : undefined;
    if (!certificate) {
      if (service.certificateArn) return trace.unknown('certificate', `${short(service.where)} uses ${service.certificateArn}, which no template of the environment creates`);
      return trace.fail('certificate', `${short(service.where)} has no certificate: HTTPS to a custom domain name fails without one (no default certificate as fallback)`);
    }
    if (!certificate.names.some((n) => certificateCovers(n, host))) return trace.fail('certificate', `${short(certificate.where)} (${certificate.names.join(', ')}) does not cover ${host}`);
    trace.pass('listener', `HTTPS ${port} (${short(listener.where)}), custom domain name ${host}, certificate ${short(certificate.where)} covers it`);
  } else {
    trace.pass('listener', `HTTPS ${port} (${short(listener.where)}), ${host}: the generated name, served with VPC Lattice's own certificate`);
  }
  authHop(model, trace, service, network, authRow);

  const groups = model.lattice.targetGroups.filter((g) => listener.targetGroupIdentifiers.some((id) => names(id, g)));
  const served = groups.flatMap((group) => model.ecsServices.flatMap((ecs) => ecs.latticeTargets.filter((t) => t.targetGroupArn === group.arn).map((target) => ({ group, ecs, target }))));
  if (served.length === 0) return trace.fail('target group', `${short(listener.where)} forwards to no target group an ECS service of the assembly registers in (VpcLatticeConfigurations)`);
  const legs: Trace[] = [];
  for (const { group, ecs, target } of served) {
    trace.touch(group.arn, group.id);
    const taskGroups = groupsOf(model, ecs.securityGroupIds);
    for (const subnetId of ecs.subnetIds) {
      const leg = new Trace();
      legs.push(leg);
      const taskSubnet = model.subnets.get(subnetId);
      if (target.containerPort === undefined) {
        leg.fail('target group', `${short(ecs.where)} registers port "${target.portName}" in ${short(group.where)}, and its task definition has no port mapping of that name`);
        continue;
      }
      if (!taskSubnet) {
        leg.fail('targets', `${short(ecs.where)}: subnet ${subnetId} is not in the assembly`);
        continue;
      }
      if (group.vpcId !== taskSubnet.vpcId) {
        leg.fail('target group', `${short(group.where)} is in VPC ${group.vpcId ?? 'none'}, the tasks of ${short(ecs.where)} in ${taskSubnet.vpcId}: IP targets must be in the group's VPC`);
        continue;
      }
      leg.pass('target group', `${short(group.where)} (${group.type} targets) <- ${short(ecs.where)} port "${target.portName}" = container port ${target.containerPort}`);
      const containerPort = target.containerPort;
      // Requests and health checks reach the targets from Lattice's addresses (AWS: security-groups.html).
      const fromLattice = { groupIds: [] as string[], sameVpc: false, prefixList, label: `VPC Lattice (${prefixList})` };
      const ok = networkAclHop(model, leg, taskSubnet, false, 'tcp', { from: containerPort, to: containerPort }, anywhere, mode)
        && securityGroupHop(model, leg, 'task ingress', taskGroups, 'ingress', 'tcp', containerPort, fromLattice, mode)
        && networkAclHop(model, leg, taskSubnet, true, 'tcp', EPHEMERAL, anywhere, mode);
      if (ok) leg.pass('targets', short(taskSubnet.where));
    }
  }
  const passed = legs.filter((l) => l.hops.at(-1)?.ok);
  trace.append(mode === 'all' ? legs.find((l) => !l.hops.at(-1)?.ok) ?? legs[0] : passed[0] ?? legs[0]);
  return mode === 'all' ? passed.length === legs.length : passed.length > 0;
}
