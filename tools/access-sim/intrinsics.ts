/**
 * Resolves the CloudFormation intrinsics of synthesized templates into the strings AWS would see
 * (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split, Fn::GetStackOutput), so policies can
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
  readonly template: { Resources?: Record<string, CfnResource>; Parameters?: Record<string, any>; Outputs?: Record<string, { Value: unknown }> };
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
};

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

/** Marks a value that `AWS::NoValue` removed. */
const NO_VALUE = Symbol('AWS::NoValue');

/** Resolves values of the templates of one cloud assembly. */
export class TemplateResolver {
  private readonly byName: Map<string, StackTemplate>;

  constructor(public readonly stacks: readonly StackTemplate[]) {
    this.byName = new Map(stacks.map((s) => [s.stackName, s]));
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
