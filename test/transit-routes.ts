import { Stack } from 'aws-cdk-lib';
import { templateOf } from './helpers';

/** A resource of a synthesized template, loosely typed. */
type Resource = { Type: string; Properties?: Record<string, unknown> };
type TemplateJson = { Resources?: Record<string, Resource>; Parameters?: Record<string, { Default?: string }> };

/** What the transit gateway of an environment will route, derived from its synthesized templates. */
export interface GatewayRouting {
  /** VPC CIDR -> route table ids its attachment is associated with. */
  readonly associations: ReadonlyMap<string, string[]>;
  /** VPC CIDR -> destination CIDRs the gateway routes for traffic entering from that VPC's attachment. */
  readonly routesFrom: ReadonlyMap<string, string[]>;
}

const refOf = (value: unknown): string | undefined =>
  typeof value === 'object' && value !== null && 'Ref' in value ? String((value as { Ref: unknown }).Ref) : undefined;

/** Both CloudFormation types of a VPC attachment (PrivateNetwork uses the second, which takes the subnets without replacing the attachment). */
const TGW_ATTACHMENT_TYPES = new Set(['AWS::EC2::TransitGatewayVpcAttachment', 'AWS::EC2::TransitGatewayAttachment']);

/**
 * Evaluates a gateway's routing the way AWS would, from the templates of every stack that touches
 * it: the default route table (when the gateway associates and propagates by default), route
 * tables, associations, propagations and static routes. Attachments in other accounts are found
 * through the shared parameters that carry their ids (the parameter ARN a reader's stack parameter
 * defaults to ends in the name the writer's parameter has).
 */
export function gatewayRouting(stacks: readonly Stack[]): GatewayRouting {
  const templates = stacks.map((s) => templateOf(s).toJSON() as TemplateJson);
  const gateways = templates.flatMap((t) => Object.values(t.Resources ?? {}).filter((r) => r.Type === 'AWS::EC2::TransitGateway'));
  if (gateways.length > 1) throw new Error('more than one transit gateway in these stacks');

  // Attachments: a global key -> the CIDR of the VPC it attaches, plus the names of parameters carrying its id.
  const attachmentCidr = new Map<string, string>();
  const attachmentByParameterName = new Map<string, string>();
  templates.forEach((t, ti) => {
    const resources = t.Resources ?? {};
    for (const [id, r] of Object.entries(resources)) {
      if (!TGW_ATTACHMENT_TYPES.has(r.Type)) continue;
      const vpc = resources[refOf(r.Properties!.VpcId)!];
      attachmentCidr.set(`${ti}/${id}`, String(vpc.Properties!.CidrBlock));
    }
    for (const r of Object.values(resources)) {
      if (r.Type !== 'AWS::SSM::Parameter') continue;
      const ref = refOf(r.Properties!.Value);
      if (ref && TGW_ATTACHMENT_TYPES.has(resources[ref]?.Type ?? '')) attachmentByParameterName.set(String(r.Properties!.Name), `${ti}/${ref}`);
    }
  });
  const attachmentOf = (ti: number, value: unknown): string => {
    const ref = refOf(value);
    const parameterArn = ref ? templates[ti].Parameters?.[ref]?.Default : undefined;
    const name = parameterArn?.replace(/^arn:[^:]+:ssm:[^:]*:\d*:parameter/, '');
    const attachment = name && attachmentByParameterName.get(name);
    if (!attachment) throw new Error(`cannot tell which attachment ${JSON.stringify(value)} is`);
    return attachment;
  };

  const associated = new Map<string, Set<string>>();
  const propagated = new Map<string, Set<string>>();
  const staticRoutes = new Map<string, Set<string>>();
  const add = (m: Map<string, Set<string>>, key: string, value: string) => m.set(key, (m.get(key) ?? new Set()).add(value));
  const gateway = gateways[0]?.Properties ?? {};
  for (const attachment of attachmentCidr.keys()) {
    if (gateway.DefaultRouteTableAssociation !== 'disable') add(associated, attachment, 'default');
    if (gateway.DefaultRouteTablePropagation !== 'disable') add(propagated, 'default', attachmentCidr.get(attachment)!);
  }
  templates.forEach((t, ti) => {
    for (const r of Object.values(t.Resources ?? {})) {
      const table = (): string => `${ti}/${refOf(r.Properties!.TransitGatewayRouteTableId)}`;
      if (r.Type === 'AWS::EC2::TransitGatewayRouteTableAssociation') add(associated, attachmentOf(ti, r.Properties!.TransitGatewayAttachmentId), table());
      if (r.Type === 'AWS::EC2::TransitGatewayRouteTablePropagation') add(propagated, table(), attachmentCidr.get(attachmentOf(ti, r.Properties!.TransitGatewayAttachmentId))!);
      if (r.Type === 'AWS::EC2::TransitGatewayRoute' && r.Properties!.Blackhole !== true) add(staticRoutes, table(), String(r.Properties!.DestinationCidrBlock));
    }
  });

  const associations = new Map<string, string[]>();
  const routesFrom = new Map<string, string[]>();
  for (const [attachment, cidr] of attachmentCidr) {
    const tables = [...(associated.get(attachment) ?? [])];
    associations.set(cidr, tables);
    const destinations = new Set(tables.flatMap((tb) => [...(propagated.get(tb) ?? []), ...(staticRoutes.get(tb) ?? [])]));
    // A VPC's own CIDR is local to it, never routed back through the gateway.
    destinations.delete(cidr);
    routesFrom.set(cidr, [...destinations].sort());
  }
  return { associations, routesFrom };
}
