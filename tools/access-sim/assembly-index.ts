import { App } from 'aws-cdk-lib';
import { cliBootstrapTemplate } from '../deploy/bootstrap-template';
import { CfnResource, StackTemplate, TemplateResolver } from './intrinsics';

/** An IAM policy document, resolved (no intrinsics left). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PolicyDocument = { Version?: string; Statement: any[] };

/** A resource found in a template, with its stack. */
export interface Located {
  readonly stack: StackTemplate;
  readonly logicalId: string;
  readonly resource: CfnResource;
}

/**
 * AWS managed policies that CDK attaches to the roles it creates. Their documents are not in any
 * template; those a call needs are spelled out here (from the AWS managed policy reference).
 */
const AWS_MANAGED_POLICIES: Record<string, PolicyDocument> = {
  'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole': {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' }],
  },
};

/** Every stack of a synthesized app, nested stage assemblies included. */
export function stacksOf(app: App): StackTemplate[] {
  const assembly = app.synth();
  const artifacts = [...assembly.stacks, ...assembly.nestedAssemblies.flatMap((a) => a.nestedAssembly.stacks)];
  return artifacts.map((a) => ({
    stackName: a.stackName,
    path: a.displayName,
    account: a.environment.account,
    region: a.environment.region,
    template: a.template,
  }));
}

/**
 * The synthesized templates, indexed for the questions an access check asks: which policies a
 * role has, which policy guards a key, topic or bucket. Resources are found by their resolved
 * ARN or name, so a reference across stacks of one account finds its target too.
 */
export class AssemblyIndex {
  public readonly resolver: TemplateResolver;
  private readonly roleByArn = new Map<string, Located>();

  /**
   * @param bootstrapTemplate the bootstrap template every account of the assembly is bootstrapped
   * with (its deploy role resolves the stacks' SSM parameter types); `cdk bootstrap`'s own when
   * omitted, as for an account bootstrapped without `--template`.
   */
  constructor(public readonly stacks: readonly StackTemplate[], public readonly bootstrapTemplate: string = cliBootstrapTemplate()) {
    // Shared parameters through their writer: see ResolverOptions.sharedParameters.
    this.resolver = new TemplateResolver(stacks, { sharedParameters: true });
    for (const found of this.resourcesOfType('AWS::IAM::Role')) {
      this.roleByArn.set(this.resolver.resolve(found.stack, { 'Fn::GetAtt': [found.logicalId, 'Arn'] }), found);
    }
  }

  /** Every resource of `type` in every stack. */
  resourcesOfType(type: string): Located[] {
    return this.stacks.flatMap((stack) => Object.entries(stack.template.Resources ?? {})
      .filter(([, r]) => r.Type === type)
      .map(([logicalId, resource]) => ({ stack, logicalId, resource })));
  }

  /** `value` resolved in `stack`. */
  resolve<T = unknown>(stack: StackTemplate, value: unknown): T {
    return this.resolver.resolve<T>(stack, value);
  }

  /** The role with this ARN; throws when no template creates it. */
  role(arn: string): Located {
    const role = this.roleByArn.get(arn);
    if (!role) throw new Error(`no template creates the role ${arn}`);
    return role;
  }

  /**
   * The identity policies of a role: inline, attached `AWS::IAM::Policy` and
   * `AWS::IAM::ManagedPolicy`, and the AWS managed policies it names.
   */
  identityPolicies(roleArn: string): { name: string; policy: PolicyDocument }[] {
    const role = this.role(roleArn);
    const roleName = this.resolver.ref(role.stack, role.logicalId);
    const policies: { name: string; policy: PolicyDocument }[] = [];
    for (const inline of (role.resource.Properties?.Policies ?? []) as { PolicyName: string; PolicyDocument: unknown }[]) {
      policies.push({ name: inline.PolicyName, policy: this.resolve(role.stack, inline.PolicyDocument) });
    }
    for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
      for (const attached of this.resourcesOfType(type).filter((p) => p.stack.account === role.stack.account)) {
        const roles = this.resolve<string[]>(attached.stack, attached.resource.Properties?.Roles ?? []);
        if (roles.includes(roleName)) policies.push({ name: attached.logicalId, policy: this.resolve(attached.stack, attached.resource.Properties!.PolicyDocument) });
      }
    }
    for (const arn of this.resolve<string[]>(role.stack, role.resource.Properties?.ManagedPolicyArns ?? [])) {
      const managed = AWS_MANAGED_POLICIES[arn];
      if (!managed) throw new Error(`${role.stack.path}/${role.logicalId}: managed policy ${arn} is not modelled; add it to AWS_MANAGED_POLICIES in tools/access-sim/assembly-index.ts.`);
      policies.push({ name: arn, policy: managed });
    }
    return policies;
  }

  /** The trust policy of a role. */
  trustPolicy(roleArn: string): PolicyDocument {
    const role = this.role(roleArn);
    return this.resolve(role.stack, role.resource.Properties!.AssumeRolePolicyDocument);
  }

  /** The key with this ARN, and its key policy. */
  key(keyArn: string): Located & { policy: PolicyDocument } {
    const key = this.resourcesOfType('AWS::KMS::Key').find((k) => this.resolve(k.stack, { 'Fn::GetAtt': [k.logicalId, 'Arn'] }) === keyArn);
    if (!key) throw new Error(`no template creates the KMS key ${keyArn}`);
    return { ...key, policy: this.resolve(key.stack, key.resource.Properties!.KeyPolicy) };
  }

  /** The topic with this ARN, if a template creates it, and its topic policy. */
  topic(topicArn: string): (Located & { policy: PolicyDocument }) | undefined {
    const topic = this.resourcesOfType('AWS::SNS::Topic').find((t) => this.resolver.ref(t.stack, t.logicalId) === topicArn);
    if (!topic) return undefined;
    const policies = this.resourcesOfType('AWS::SNS::TopicPolicy').filter((p) => this.resolve<string[]>(p.stack, p.resource.Properties!.Topics).includes(topicArn));
    if (policies.length !== 1) {
      // Without a TopicPolicy SNS applies its default policy, which is not modelled here.
      throw new Error(`${topic.stack.path}/${topic.logicalId}: expected one AWS::SNS::TopicPolicy, found ${policies.length}.`);
    }
    return { ...topic, policy: this.resolve(policies[0].stack, policies[0].resource.Properties!.PolicyDocument) };
  }

  /** The bucket called `bucketName` and its bucket policy (undefined when it has none). */
  bucket(bucketName: string): Located & { policy?: PolicyDocument } {
    const bucket = this.resourcesOfType('AWS::S3::Bucket').find((b) => this.resolver.ref(b.stack, b.logicalId) === bucketName);
    if (!bucket) throw new Error(`no template creates the bucket ${bucketName}`);
    const policy = this.resourcesOfType('AWS::S3::BucketPolicy').find((p) => p.stack === bucket.stack && this.resolve(p.stack, p.resource.Properties!.Bucket) === bucketName);
    return { ...bucket, policy: policy && this.resolve(policy.stack, policy.resource.Properties!.PolicyDocument) };
  }
}
