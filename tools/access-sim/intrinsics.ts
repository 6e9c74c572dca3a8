/**
 * Resolves the CloudFormation intrinsics of synthesized templates into the strings AWS would see
 * (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split, Fn::GetStackOutput, Fn::ImportValue), so policies can
 * be evaluated offline. Physical names CloudFormation would generate become stable placeholders
 * (`<stack>-<logicalId>`); every Ref and GetAtt of the same resource agrees with them.
 *
 * Anything it cannot resolve throws, naming the stack, the logical id and what to add: a call
 * that silently resolved to nothing would make a policy look stricter or looser than it is.
 */

/** One synthesized stack: what the resolver needs to know about it. */
export interface StackTemplate {
  /** The CloudFormation stack name, e.g. `Dev-ApiService`. */
  readonly stackName: string;
  /** The construct path, e.g. `Dev/ApiService`. */
  readonly path: string;
  readonly account: string;
  readonly region: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly template: { Resources?: Record<string, CfnResource>; Parameters?: Record<string, any>; Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }> };
}

/** A resource as it appears in a template. */
export interface CfnResource {
  readonly Type: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly Properties?: Record<string, any>;
}

/** Thrown for an intrinsic or resource type the resolver does not know. */
export class UnresolvableIntrinsic extends Error {
  constructor(stack: StackTemplate, what: string, fix: string) {
    super(`${stack.path}: cannot resolve ${what}; ${fix}`);
    this.name = 'UnresolvableIntrinsic';
  }
}

type Physical = (r: Context) => string;
interface Context {
  readonly stack: StackTemplate;
  readonly logicalId: string;
  readonly resource: CfnResource;
  /** The resource's physical name: its name property when set, else a generated placeholder. */
  readonly name: string;
  readonly arnPrefix: (service: string) => string;
}

/** How Ref and GetAtt answer, per resource type. Add a type here when a call needs it. */
const TYPES: Record<string, { nameProperty?: string; lowercase?: boolean; ref: Physical; attributes?: Record<string, Physical> }> = {
  'AWS::IAM::Role': {
    nameProperty: 'RoleName',
    ref: (c) => c.name,
    attributes: { Arn: (c) => `arn:aws:iam::${c.stack.account}:role${c.resource.Properties?.Path ?? '/'}${c.name}`, RoleId: (c) => `AROA${c.logicalId.toUpperCase()}` },
  },
  'AWS::Logs::LogGroup': {
    nameProperty: 'LogGroupName',
    ref: (c) => c.name,
    // GetAtt Arn of a log group ends in ":*" (every stream); IAM and KMS contexts use the bare ARN.
    attributes: { Arn: (c) => `${c.arnPrefix('logs')}log-group:${c.name}:*` },
  },
  'AWS::S3::Bucket': {
    nameProperty: 'BucketName',
    lowercase: true,
    ref: (c) => c.name,
    attributes: { Arn: (c) => `arn:aws:s3:::${c.name}`, DomainName: (c) => `${c.name}.s3.amazonaws.com`, RegionalDomainName: (c) => `${c.name}.s3.${c.stack.region}.amazonaws.com` },
  },
  'AWS::KMS::Key': {
    ref: (c) => keyId(c),
    attributes: { Arn: (c) => `${c.arnPrefix('kms')}key/${keyId(c)}`, KeyId: (c) => keyId(c) },
  },
  'AWS::SNS::Topic': {
    nameProperty: 'TopicName',
    ref: (c) => `${c.arnPrefix('sns')}${c.name}`,
    attributes: { TopicArn: (c) => `${c.arnPrefix('sns')}${c.name}`, TopicName: (c) => c.name },
  },
  'AWS::CodeBuild::Project': {
    nameProperty: 'Name',
    ref: (c) => c.name,
    attributes: { Arn: (c) => `${c.arnPrefix('codebuild')}project/${c.name}` },
  },
  'AWS::Lambda::Function': {
    nameProperty: 'FunctionName',
    ref: (c) => c.name,
    attributes: { Arn: (c) => `${c.arnPrefix('lambda')}function:${c.name}` },
  },
  'AWS::AppSync::GraphQLApi': {
    ref: (c) => `${c.arnPrefix('appsync')}apis/${c.logicalId.toLowerCase()}`,
    attributes: { ApiId: (c) => c.logicalId.toLowerCase(), Arn: (c) => `${c.arnPrefix('appsync')}apis/${c.logicalId.toLowerCase()}` },
  },
  'AWS::EC2::VPC': { ref: (c) => `vpc-${hexOf(c)}` },
  'AWS::EC2::TransitGateway': { ref: (c) => `tgw-${hexOf(c)}`, attributes: { Id: (c) => `tgw-${hexOf(c)}` } },
  'AWS::EC2::VPCEndpointService': { ref: (c) => `vpce-svc-${hexOf(c)}` },
  'AWS::SSM::Parameter': { nameProperty: 'Name', ref: (c) => c.name },
  'AWS::EC2::Subnet': { ref: (c) => `subnet-${hexOf(c)}`, attributes: { SubnetId: (c) => `subnet-${hexOf(c)}` } },
  'AWS::EC2::SecurityGroup': { ref: (c) => `sg-${hexOf(c)}`, attributes: { GroupId: (c) => `sg-${hexOf(c)}` } },
  'AWS::Route53::HostedZone': { ref: (c) => `Z${hexOf(c).toUpperCase()}`, attributes: { Id: (c) => `Z${hexOf(c).toUpperCase()}` } },
  'AWS::ECS::Cluster': { nameProperty: 'ClusterName', ref: (c) => c.name, attributes: { Arn: (c) => `${c.arnPrefix('ecs')}cluster/${c.name}` } },
  'AWS::CloudWatch::Alarm': {
    nameProperty: 'AlarmName',
    ref: (c) => c.name,
    attributes: { Arn: (c) => `${c.arnPrefix('cloudwatch')}alarm:${c.name}` },
  },
  'AWS::CodePipeline::Pipeline': { nameProperty: 'Name', ref: (c) => c.name },
  // Network resources, for the reachability analysis (tools/reachability).
  'AWS::EC2::RouteTable': { ref: (c) => `rtb-${hexOf(c)}` },
  'AWS::EC2::NetworkAcl': { ref: (c) => `acl-${hexOf(c)}` },
  'AWS::EC2::InternetGateway': { ref: (c) => `igw-${hexOf(c)}` },
  'AWS::EC2::NatGateway': { ref: (c) => `nat-${hexOf(c)}` },
  'AWS::EC2::TransitGatewayAttachment': { ref: (c) => `tgw-attach-${hexOf(c)}`, attributes: { Id: (c) => `tgw-attach-${hexOf(c)}` } },
  'AWS::EC2::TransitGatewayVpcAttachment': { ref: (c) => `tgw-attach-${hexOf(c)}`, attributes: { Id: (c) => `tgw-attach-${hexOf(c)}` } },
  'AWS::EC2::TransitGatewayRouteTable': { ref: (c) => `tgw-rtb-${hexOf(c)}`, attributes: { TransitGatewayRouteTableId: (c) => `tgw-rtb-${hexOf(c)}` } },
  'AWS::EC2::VPCEndpoint': { ref: (c) => `vpce-${hexOf(c)}`, attributes: { Id: (c) => `vpce-${hexOf(c)}` } },
  'AWS::ElasticLoadBalancingV2::LoadBalancer': {
    nameProperty: 'Name',
    ref: (c) => `${c.arnPrefix('elasticloadbalancing')}loadbalancer/${loadBalancerKind(c)}/${loadBalancerName(c)}/${hexOf(c)}`,
    attributes: {
      DNSName: (c) => `${loadBalancerName(c)}-${hexOf(c)}.elb.${c.stack.region}.amazonaws.com`,
      CanonicalHostedZoneID: (c) => `Z${hexOf(c).toUpperCase()}ELB`,
      LoadBalancerFullName: (c) => `${loadBalancerKind(c)}/${loadBalancerName(c)}/${hexOf(c)}`,
    },
  },
  'AWS::ElasticLoadBalancingV2::TargetGroup': {
    nameProperty: 'Name',
    ref: (c) => `${c.arnPrefix('elasticloadbalancing')}targetgroup/${c.name.slice(0, 32)}/${hexOf(c)}`,
    attributes: { TargetGroupFullName: (c) => `targetgroup/${c.name.slice(0, 32)}/${hexOf(c)}` },
  },
  'AWS::ElasticLoadBalancingV2::Listener': { ref: (c) => `${c.arnPrefix('elasticloadbalancing')}listener/${hexOf(c)}` },
  'AWS::CertificateManager::Certificate': { ref: (c) => `${c.arnPrefix('acm')}certificate/${keyId(c)}` },
  'AWS::ECS::TaskDefinition': { ref: (c) => `${c.arnPrefix('ecs')}task-definition/${c.name}:1` },
  'AWS::ECS::Service': { ref: (c) => `${c.arnPrefix('ecs')}service/${c.name}` },
  // VPC Lattice: Ref of a service network, service or target group is its ARN (not its id).
  'AWS::VpcLattice::ServiceNetwork': {
    ref: (c) => `${c.arnPrefix('vpc-lattice')}servicenetwork/sn-${hexOf(c)}`,
    attributes: { Arn: (c) => `${c.arnPrefix('vpc-lattice')}servicenetwork/sn-${hexOf(c)}`, Id: (c) => `sn-${hexOf(c)}` },
  },
  'AWS::VpcLattice::Service': {
    nameProperty: 'Name',
    ref: (c) => `${c.arnPrefix('vpc-lattice')}service/svc-${hexOf(c)}`,
    attributes: {
      Arn: (c) => `${c.arnPrefix('vpc-lattice')}service/svc-${hexOf(c)}`,
      Id: (c) => `svc-${hexOf(c)}`,
      'DnsEntry.DomainName': (c) => `${c.name.toLowerCase()}-${hexOf(c)}.7d67968.vpc-lattice-svcs.${c.stack.region}.on.aws`,
      'DnsEntry.HostedZoneId': (c) => `Z${hexOf(c).toUpperCase()}LATTICE`,
    },
  },
  'AWS::VpcLattice::TargetGroup': {
    ref: (c) => `${c.arnPrefix('vpc-lattice')}targetgroup/tg-${hexOf(c)}`,
    attributes: { Arn: (c) => `${c.arnPrefix('vpc-lattice')}targetgroup/tg-${hexOf(c)}`, Id: (c) => `tg-${hexOf(c)}` },
  },
  'AWS::VpcLattice::ServiceNetworkVpcAssociation': {
    ref: (c) => `${c.arnPrefix('vpc-lattice')}servicenetworkvpcassociation/snva-${hexOf(c)}`,
    attributes: { Arn: (c) => `${c.arnPrefix('vpc-lattice')}servicenetworkvpcassociation/snva-${hexOf(c)}`, Id: (c) => `snva-${hexOf(c)}` },
  },
  'AWS::VpcLattice::ServiceNetworkServiceAssociation': {
    ref: (c) => `${c.arnPrefix('vpc-lattice')}servicenetworkserviceassociation/snsa-${hexOf(c)}`,
    attributes: { Arn: (c) => `${c.arnPrefix('vpc-lattice')}servicenetworkserviceassociation/snsa-${hexOf(c)}`, Id: (c) => `snsa-${hexOf(c)}` },
  },
};

/** `net` or `app`, as in a load balancer's ARN. */
function loadBalancerKind(c: Context): string {
  return c.resource.Properties?.Type === 'network' ? 'net' : 'app';
}

/** A load balancer's name: its Name property, else a 32-character generated one (as CloudFormation shortens). */
function loadBalancerName(c: Context): string {
  return c.name.replace(/[^a-zA-Z0-9-]/g, '-').slice(0, 32);
}

/** A deterministic hex id per stack and resource, like the ids AWS generates. */
function hexOf(c: Context): string {
  let h = 0x811c9dc5;
  for (const ch of `${c.stack.stackName}/${c.logicalId}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return (h.toString(16).padStart(8, '0') + '0000000000000000').slice(0, 17);
}

function keyId(c: Context): string {
  const h = hexOf(c);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-0000-${c.logicalId.length.toString().padStart(12, '0')}`;
}

const PSEUDO: Record<string, (s: StackTemplate) => string> = {
  'AWS::AccountId': (s) => s.account,
  'AWS::Region': (s) => s.region,
  'AWS::Partition': () => 'aws',
  'AWS::URLSuffix': () => 'amazonaws.com',
  'AWS::StackName': (s) => s.stackName,
  'AWS::StackId': (s) => `arn:aws:cloudformation:${s.region}:${s.account}:stack/${s.stackName}/00000000-0000-0000-0000-000000000000`,
};

/** Attributes (type.attribute) that AWS computes at deploy time: tokens under {@link ResolverOptions.deployTimeValues}. */
const DEPLOY_TIME_ATTRIBUTES = new Set(['AWS::Route53::HostedZone.NameServers', 'AWS::EC2::VPC.DefaultSecurityGroup', 'AWS::EC2::VPCEndpoint.DnsEntries']);

/** Marks a value that `AWS::NoValue` removed. */
const NO_VALUE = Symbol('AWS::NoValue');

/** How a resolver answers for values that exist only once the stacks are deployed. */
export interface ResolverOptions {
  /**
   * Resolve a shared SSM parameter (a stack parameter of type `AWS::SSM::Parameter::Value<...>`)
   * to the value its writer's `AWS::SSM::Parameter` resource in the assembly sets, instead of
   * throwing. The access simulation turns this on: a role's grant on a resource another account
   * creates (a Lattice service's ARN) names it through such a parameter, and resolving it through
   * its writer is what shows the grant names that resource and no other.
   * @default false
   */
  readonly sharedParameters?: boolean;
  /**
   * Shared parameters as {@link sharedParameters}, and an attribute AWS computes at deploy time (a
   * custom resource's output, a hosted zone's name servers) as a stable token
   * `{{deploy-time:<stack>/<logicalId>.<attribute>}}` that compares equal wherever the same
   * attribute is read. The access simulation leaves this off: its calls are derived from
   * configuration where a value is known only at deploy time.
   * @default false
   */
  readonly deployTimeValues?: boolean;
}

/** The token {@link ResolverOptions.deployTimeValues} gives an attribute AWS computes at deploy time. */
export function deployTimeToken(stack: StackTemplate, logicalId: string, attribute: string): string {
  return `{{deploy-time:${stack.stackName}/${logicalId}.${attribute}}}`;
}

/** Resolves values of the templates of one cloud assembly. */
export class TemplateResolver {
  private readonly byName: Map<string, StackTemplate>;
  /** `account/region/name` -> the stack and logical id of the `AWS::SSM::Parameter` that writes it. */
  private readonly parameterWriters = new Map<string, { stack: StackTemplate; logicalId: string }>();

  constructor(public readonly stacks: readonly StackTemplate[], private readonly options: ResolverOptions = {}) {
    this.byName = new Map(stacks.map((s) => [s.stackName, s]));
    if (this.resolvesSharedParameters) {
      for (const stack of stacks) {
        for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
          if (resource.Type !== 'AWS::SSM::Parameter' || typeof resource.Properties?.Name !== 'string') continue;
          this.parameterWriters.set(`${stack.account}/${stack.region}/${resource.Properties.Name}`, { stack, logicalId });
        }
      }
    }
  }

  private get resolvesSharedParameters(): boolean {
    return Boolean(this.options.sharedParameters || this.options.deployTimeValues);
  }

  /** The stack called `stackName`; throws when the assembly has none. */
  stackNamed(stackName: string): StackTemplate {
    const stack = this.byName.get(stackName);
    if (!stack) throw new Error(`no stack named ${stackName} in the assembly (${[...this.byName.keys()].join(', ')})`);
    return stack;
  }

  /** `value` with every intrinsic resolved, as AWS would see it in `stack`. */
  resolve<T = unknown>(stack: StackTemplate, value: unknown): T {
    return this.walk(stack, value) as T;
  }

  /** Ref of a resource or parameter of `stack`. */
  ref(stack: StackTemplate, logicalId: string): string {
    return this.walk(stack, { Ref: logicalId }) as string;
  }

  /** The physical name a resource gets (its name property, else `<stack>-<logicalId>`). */
  physicalName(stack: StackTemplate, logicalId: string): string {
    return this.context(stack, logicalId).name;
  }

  private context(stack: StackTemplate, logicalId: string): Context {
    const resource = stack.template.Resources?.[logicalId];
    if (!resource) throw new UnresolvableIntrinsic(stack, `a reference to ${logicalId}`, 'no such resource or parameter in this template.');
    const type = TYPES[resource.Type];
    const explicit = type?.nameProperty ? resource.Properties?.[type.nameProperty] : undefined;
    const generated = `${stack.stackName}-${logicalId}`;
    const name = explicit !== undefined ? String(this.walk(stack, explicit)) : type?.lowercase ? generated.toLowerCase() : generated;
    return { stack, logicalId, resource, name, arnPrefix: (service) => `arn:aws:${service}:${stack.region}:${stack.account}:` };
  }

  private walk(stack: StackTemplate, value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.walk(stack, v)).filter((v) => v !== NO_VALUE);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1 && (entries[0][0] === 'Ref' || entries[0][0].startsWith('Fn::'))) {
      return this.intrinsic(stack, entries[0][0], entries[0][1]);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      const resolved = this.walk(stack, v);
      if (resolved !== NO_VALUE) out[k] = resolved;
    }
    return out;
  }

  private intrinsic(stack: StackTemplate, name: string, arg: unknown): unknown {
    switch (name) {
      case 'Ref': {
        const id = arg as string;
        if (id === 'AWS::NoValue') return NO_VALUE;
        if (PSEUDO[id]) return PSEUDO[id](stack);
        const parameter = stack.template.Parameters?.[id];
        if (parameter) return this.parameter(stack, id, parameter);
        const c = this.context(stack, id);
        const type = TYPES[c.resource.Type];
        if (!type) throw new UnresolvableIntrinsic(stack, `Ref ${id} (${c.resource.Type})`, 'add the type to TYPES in tools/access-sim/intrinsics.ts.');
        return type.ref(c);
      }
      case 'Fn::GetAtt': {
        const [id, attribute] = (typeof arg === 'string' ? arg.split('.') : arg) as [string, string];
        const c = this.context(stack, id);
        const getter = TYPES[c.resource.Type]?.attributes?.[attribute];
        if (!getter && this.options.deployTimeValues && (c.resource.Type.startsWith('Custom::') || DEPLOY_TIME_ATTRIBUTES.has(`${c.resource.Type}.${attribute}`))) {
          return deployTimeToken(stack, id, attribute);
        }
        if (!getter) throw new UnresolvableIntrinsic(stack, `Fn::GetAtt ${id}.${attribute} (${c.resource.Type})`, 'add the attribute to TYPES in tools/access-sim/intrinsics.ts.');
        return getter(c);
      }
      case 'Fn::Join': {
        const [separator, parts] = arg as [string, unknown[]];
        return (this.walk(stack, parts) as unknown[]).map((p) => this.scalar(stack, p, 'Fn::Join')).join(separator);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [number | string, unknown];
        const items = this.walk(stack, list) as unknown[];
        if (!Array.isArray(items) || items[Number(index)] === undefined) throw new UnresolvableIntrinsic(stack, `Fn::Select ${index}`, 'the list is shorter than the index.');
        return items[Number(index)];
      }
      case 'Fn::Split': {
        const [separator, source] = arg as [string, unknown];
        return this.scalar(stack, this.walk(stack, source), 'Fn::Split').split(separator);
      }
      case 'Fn::Sub': {
        const [text, variables] = (typeof arg === 'string' ? [arg, {}] : arg) as [string, Record<string, unknown>];
        return text.replace(/\$\{([^}!]+)\}/g, (_m, expr: string) => {
          if (expr in variables) return this.scalar(stack, this.walk(stack, variables[expr]), 'Fn::Sub');
          return this.scalar(stack, this.walk(stack, expr.includes('.') ? { 'Fn::GetAtt': expr.split('.') } : { Ref: expr }), 'Fn::Sub');
        });
      }
      case 'Fn::ImportValue': {
        // An export of a stack in the same account and region.
        const name = this.scalar(stack, this.walk(stack, arg), 'Fn::ImportValue');
        for (const source of this.stacks.filter((s) => s.account === stack.account && s.region === stack.region)) {
          const output = Object.values(source.template.Outputs ?? {}).find((o) => o.Export !== undefined && this.walk(source, o.Export.Name) === name);
          if (output) return this.walk(source, output.Value);
        }
        throw new UnresolvableIntrinsic(stack, `Fn::ImportValue ${name}`, 'no stack of the assembly in this account and region exports that name.');
      }
      case 'Fn::GetStackOutput': {
        const { StackName, OutputName } = arg as { StackName: string; OutputName: string };
        const source = this.stackNamed(StackName);
        const output = source.template.Outputs?.[OutputName];
        if (!output) throw new UnresolvableIntrinsic(stack, `Fn::GetStackOutput ${StackName}.${OutputName}`, 'the source stack has no such output.');
        return this.walk(source, output.Value);
      }
      default:
        throw new UnresolvableIntrinsic(stack, name, 'add it to TemplateResolver.intrinsic in tools/access-sim/intrinsics.ts.');
    }
  }

  private parameter(stack: StackTemplate, id: string, parameter: { Type: string; Default?: string }): string {
    // A shared SSM parameter's value exists only after another account's deploy.
    if (parameter.Type.startsWith('AWS::SSM::Parameter::Value') && this.resolvesSharedParameters && parameter.Default !== undefined) {
      const arn = /^arn:[^:]+:ssm:([^:]*):(\d*):parameter(\/.*)$/.exec(parameter.Default);
      const [region, account, name] = arn ? [arn[1], arn[2], arn[3]] : [stack.region, stack.account, parameter.Default];
      const writer = this.parameterWriters.get(`${account}/${region}/${name}`);
      if (!writer) throw new UnresolvableIntrinsic(stack, `Ref ${id} (SSM parameter ${parameter.Default})`, 'no stack of the assembly writes that parameter (an AWS::SSM::Parameter of that name in that account and region).');
      return this.scalar(writer.stack, this.walk(writer.stack, writer.stack.template.Resources![writer.logicalId].Properties!.Value), 'an SSM parameter value');
    }
    if (parameter.Type.startsWith('AWS::SSM::Parameter::Value')) {
      throw new UnresolvableIntrinsic(stack, `Ref ${id} (the value of SSM parameter ${parameter.Default})`, 'known only at deploy time; derive the call from configuration instead.');
    }
    if (parameter.Default === undefined) throw new UnresolvableIntrinsic(stack, `Ref ${id}`, 'the parameter has no default.');
    return parameter.Default;
  }

  private scalar(stack: StackTemplate, value: unknown, where: string): string {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw new UnresolvableIntrinsic(stack, `${where} over ${JSON.stringify(value)}`, 'expected a string.');
  }
}
