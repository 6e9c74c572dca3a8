/**
 * The table of calls the design depends on, derived from the synthesized templates: each source
 * below finds the resources that make a call (every CodeBuild project, every alarm with actions,
 * every encrypted log group, ...) and states what must be allowed or denied. A new project, alarm
 * or log group is covered without editing this file; a new *kind* of call is a new source,
 * appended to {@link CALL_SOURCES}.
 */
import { AppConfig } from '../../lib/config/types';
import { AssemblyIndex, PolicyDocument } from './assembly-index';
import { CallSource, STRANGER_ACCOUNT } from './call-source';
import { deployRoleArn, deployRolePolicies } from './deploy-role';
import { latticeInvokeCalls } from './lattice-calls';
import { AccessCall } from './simulate';

export { CallSource, STRANGER_ACCOUNT };

const arnAccount = (arn: string) => arn.split(':')[4];
/** CloudFormation's execution role in an account bootstrapped with the default qualifier. */
const cfnExecutionRole = (account: string, region: string) => `arn:aws:iam::${account}:role/cdk-hnb659fds-cfn-exec-role-${account}-${region}`;
/** The execution policy docs/deploying.md bootstraps every account with. */
const ADMINISTRATOR_ACCESS = { name: 'AdministratorAccess', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } as PolicyDocument };
const logStream = (region: string, account: string, group: string, stream: string) => `arn:aws:logs:${region}:${account}:log-group:${group}:log-stream:${stream}`;

/** Every CodeBuild project: its build log, and the pipeline artifacts it reads and writes. */
export const codeBuildCalls: CallSource = (index) => {
  const calls: AccessCall[] = [];
  const actions = index.resourcesOfType('AWS::CodePipeline::Pipeline').flatMap((pipeline) => {
    const p = pipeline.resource.Properties!;
    const store = p.ArtifactStore ?? p.ArtifactStores?.[0]?.ArtifactStore;
    const bucket = index.resolve<string>(pipeline.stack, store.Location);
    return (p.Stages as { Actions: { Configuration?: { ProjectName?: unknown }; OutputArtifacts?: unknown[] }[] }[])
      .flatMap((s) => s.Actions)
      .filter((a) => a.Configuration?.ProjectName !== undefined)
      .map((a) => ({ pipeline, bucket, project: index.resolve<string>(pipeline.stack, a.Configuration!.ProjectName), writes: (a.OutputArtifacts ?? []).length > 0 }));
  });
  for (const project of index.resourcesOfType('AWS::CodeBuild::Project')) {
    const { stack } = project;
    const props = project.resource.Properties!;
    const name = index.resolver.ref(stack, project.logicalId);
    const role = index.resolve<string>(project.stack, props.ServiceRole);
    const identityPolicies = index.identityPolicies(role);
    const logs = props.LogsConfig?.CloudWatchLogs;
    // Without a configured group CodeBuild writes to /aws/codebuild/<project>.
    const group = logs?.GroupName !== undefined ? index.resolve<string>(stack, logs.GroupName) : `/aws/codebuild/${name}`;
    for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents']) {
      calls.push({ call: `CodeBuild ${name} writes its build log`, principal: role, action, resource: logStream(stack.region, stack.account, group, `${name}/build-1`), resourceAccount: stack.account, identityPolicies, expected: 'allowed' });
    }
    const uses = actions.filter((a) => a.project === name);
    if (uses.length === 0) throw new Error(`${stack.path}/${project.logicalId}: no pipeline action runs CodeBuild project ${name}`);
    const key = props.EncryptionKey !== undefined ? index.key(index.resolve<string>(stack, props.EncryptionKey)) : undefined;
    for (const { pipeline, bucket, writes } of uses) {
      const bucketPolicy = index.bucket(bucket).policy;
      const object = `arn:aws:s3:::${bucket}/${index.resolver.ref(pipeline.stack, pipeline.logicalId)}/artifact/object`;
      const s3 = writes ? ['s3:GetObject', 's3:PutObject'] : ['s3:GetObject'];
      for (const action of s3) {
        calls.push({ call: `CodeBuild ${name} ${action === 's3:GetObject' ? 'reads' : 'writes'} pipeline artifacts`, principal: role, action, resource: object, resourceAccount: pipeline.stack.account, identityPolicies, resourcePolicy: bucketPolicy, expected: 'allowed' });
      }
      if (key) {
        for (const action of writes ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt']) {
          calls.push({ call: `CodeBuild ${name} uses the artifact key`, principal: role, action, resource: index.resolve<string>(stack, props.EncryptionKey), resourceAccount: key.stack.account, identityPolicies, resourcePolicy: key.policy, expected: 'allowed' });
        }
      }
    }
  }
  return calls;
};

/** Every alarm with actions: CloudWatch publishes to each topic (topic policy and topic key). */
export const alarmCalls: CallSource = (index) => {
  const calls: AccessCall[] = [];
  for (const alarm of index.resourcesOfType('AWS::CloudWatch::Alarm')) {
    const { stack } = alarm;
    const props = alarm.resource.Properties!;
    const alarmArn = index.resolve<string>(stack, { 'Fn::GetAtt': [alarm.logicalId, 'Arn'] });
    const targets = new Set(index.resolve<string[]>(stack, [...(props.AlarmActions ?? []), ...(props.OKActions ?? []), ...(props.InsufficientDataActions ?? [])]));
    for (const target of [...targets].filter((t) => t.startsWith('arn:aws:sns:'))) {
      // A topic from configuration (service.alarmTopicArn) has its policy outside this app.
      const topic = index.topic(target);
      if (!topic) continue;
      const principal = 'cloudwatch.amazonaws.com';
      const context = { 'aws:SourceAccount': stack.account, 'aws:SourceArn': alarmArn };
      const name = alarmArn.split(':alarm:')[1];
      calls.push({ call: `alarm ${name} notifies its topic`, principal, action: 'sns:Publish', resource: target, resourceAccount: arnAccount(target), identityPolicies: [], resourcePolicy: topic.policy, context, expected: 'allowed' });
      calls.push({ call: 'an alarm of another account publishes to the topic', principal, action: 'sns:Publish', resource: target, resourceAccount: arnAccount(target), identityPolicies: [], resourcePolicy: topic.policy, context: { 'aws:SourceAccount': STRANGER_ACCOUNT, 'aws:SourceArn': alarmArn.replace(`:${stack.account}:`, `:${STRANGER_ACCOUNT}:`) }, expected: 'denied' });
      const keyRef = topic.resource.Properties?.KmsMasterKeyId;
      if (keyRef === undefined) continue;
      const keyArn = index.resolve<string>(topic.stack, keyRef);
      const key = index.key(keyArn);
      for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
        calls.push({ call: `alarm ${name} uses its topic's key`, principal, action, resource: keyArn, resourceAccount: key.stack.account, identityPolicies: [], resourcePolicy: key.policy, context, expected: 'allowed' });
      }
    }
  }
  return calls;
};

/** The pipeline's source action: uses the connection, with the action prefix of its ARN. */
export const sourceConnectionCalls: CallSource = (index) => index.resourcesOfType('AWS::CodePipeline::Pipeline').flatMap((pipeline) =>
  (pipeline.resource.Properties!.Stages as { Actions: { ActionTypeId: { Provider: string }; RoleArn: unknown; Configuration: { ConnectionArn: unknown } }[] }[])
    .flatMap((s) => s.Actions)
    .filter((a) => a.ActionTypeId.Provider === 'CodeStarSourceConnection')
    .map((a) => {
      const role = index.resolve<string>(pipeline.stack, a.RoleArn);
      const connection = index.resolve<string>(pipeline.stack, a.Configuration.ConnectionArn);
      // IAM matches the action's prefix to the ARN's: codeconnections: or codestar-connections:.
      const action = `${connection.split(':')[2]}:UseConnection`;
      return { call: 'the source action uses the connection', principal: role, action, resource: connection, resourceAccount: arnAccount(connection), identityPolicies: index.identityPolicies(role), expected: 'allowed' as const };
    }));

/** CloudWatch Logs uses the KMS key of every encrypted log group, for that log group only. */
export const logGroupKeyCalls: CallSource = (index) => index.resourcesOfType('AWS::Logs::LogGroup')
  .filter((g) => g.resource.Properties?.KmsKeyId !== undefined)
  .flatMap((group) => {
    const { stack } = group;
    const keyArn = index.resolve<string>(stack, group.resource.Properties!.KmsKeyId);
    const key = index.key(keyArn);
    const name = index.resolver.ref(stack, group.logicalId);
    const principal = `logs.${stack.region}.amazonaws.com`;
    const own = `arn:aws:logs:${stack.region}:${stack.account}:log-group:${name}`;
    const base = { principal, resource: keyArn, resourceAccount: key.stack.account, identityPolicies: [], resourcePolicy: key.policy };
    return [
      ...['kms:GenerateDataKey', 'kms:Decrypt'].map((action) => ({ ...base, call: `CloudWatch Logs encrypts ${name}`, action, context: { 'kms:EncryptionContext:aws:logs:arn': own }, expected: 'allowed' as const })),
      { ...base, call: 'CloudWatch Logs, for another account\'s log group', action: 'kms:Decrypt', context: { 'kms:EncryptionContext:aws:logs:arn': own.replace(`:${stack.account}:`, `:${STRANGER_ACCOUNT}:`) }, expected: 'denied' as const },
    ];
  });

/** ELB log delivery writes each network load balancer's access logs to its bucket. */
export const loadBalancerLogCalls: CallSource = (index) => index.resourcesOfType('AWS::ElasticLoadBalancingV2::LoadBalancer').flatMap((lb) => {
  const { stack } = lb;
  const attributes = Object.fromEntries(index.resolve<{ Key: string; Value: string }[]>(stack, lb.resource.Properties!.LoadBalancerAttributes ?? []).map((a) => [a.Key, a.Value]));
  if (attributes['access_logs.s3.enabled'] !== 'true') return [];
  if (lb.resource.Properties!.Type !== 'network') throw new Error(`${stack.path}/${lb.logicalId}: only network load balancer log delivery is modelled`);
  const bucketName = attributes['access_logs.s3.bucket'];
  const bucket = index.bucket(bucketName);
  const prefix = attributes['access_logs.s3.prefix'] ? `${attributes['access_logs.s3.prefix']}/` : '';
  const principal = 'delivery.logs.amazonaws.com';
  const context = { 'aws:SourceAccount': stack.account, 'aws:SourceArn': `arn:aws:logs:${stack.region}:${stack.account}:*` };
  const base = { principal, resourceAccount: bucket.stack.account, identityPolicies: [], resourcePolicy: bucket.policy, expected: 'allowed' as const };
  return [
    { ...base, call: 'ELB log delivery checks the access-log bucket', action: 's3:GetBucketAcl', resource: `arn:aws:s3:::${bucketName}`, context },
    { ...base, call: 'ELB log delivery writes NLB access logs', action: 's3:PutObject', resource: `arn:aws:s3:::${bucketName}/${prefix}AWSLogs/${stack.account}/elasticloadbalancing/${stack.region}/2026/01/01/log.gz`, context: { ...context, 's3:x-amz-acl': 'bucket-owner-full-control' } },
  ];
});

/** S3 server access logging writes each logged bucket's access logs to its target bucket. */
export const serverAccessLogCalls: CallSource = (index) => index.resourcesOfType('AWS::S3::Bucket')
  .filter((b) => b.resource.Properties?.LoggingConfiguration?.DestinationBucketName !== undefined)
  .map((source) => {
    const { stack } = source;
    const logging = source.resource.Properties!.LoggingConfiguration;
    const targetName = index.resolve<string>(stack, logging.DestinationBucketName);
    const target = index.bucket(targetName);
    const sourceArn = index.resolve<string>(stack, { 'Fn::GetAtt': [source.logicalId, 'Arn'] });
    return {
      call: `S3 logs access to ${index.resolver.ref(stack, source.logicalId)}`,
      principal: 'logging.s3.amazonaws.com', action: 's3:PutObject',
      resource: `arn:aws:s3:::${targetName}/${logging.LogFilePrefix ?? ''}2026-01-01-00-00-00-0000000000000000`,
      resourceAccount: target.stack.account, identityPolicies: [], resourcePolicy: target.policy,
      context: { 'aws:SourceAccount': stack.account, 'aws:SourceArn': sourceArn },
      expected: 'allowed' as const,
    };
  });

/** The ECS task execution role pulls the image the task definition names and writes its log group. */
export const taskExecutionCalls: CallSource = (index) => index.resourcesOfType('AWS::ECS::TaskDefinition').flatMap((taskDefinition) => {
  const { stack } = taskDefinition;
  const props = taskDefinition.resource.Properties!;
  const role = index.resolve<string>(taskDefinition.stack, props.ExecutionRoleArn);
  const identityPolicies = index.identityPolicies(role);
  const base = { principal: role, identityPolicies, expected: 'allowed' as const };
  const calls: AccessCall[] = [{ ...base, call: 'ECS gets an ECR login for the task', action: 'ecr:GetAuthorizationToken', resource: '*', resourceAccount: stack.account }];
  for (const container of props.ContainerDefinitions as { Name: string; Image: unknown; LogConfiguration?: { LogDriver: string; Options: Record<string, unknown> } }[]) {
    const image = index.resolve<string>(stack, container.Image);
    const ecr = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([^:@]+)/.exec(image);
    if (!ecr) throw new Error(`${stack.path}/${taskDefinition.logicalId}: container ${container.Name} image ${image} is not in ECR; model its pull`);
    const repository = `arn:aws:ecr:${ecr[2]}:${ecr[1]}:repository/${ecr[3]}`;
    for (const action of ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability']) {
      calls.push({ ...base, call: `ECS pulls ${container.Name}'s image`, action, resource: repository, resourceAccount: ecr[1] });
    }
    if (container.LogConfiguration?.LogDriver === 'awslogs') {
      const group = index.resolve<string>(stack, container.LogConfiguration.Options['awslogs-group']);
      for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents']) {
        calls.push({ ...base, call: `ECS writes ${container.Name}'s log`, action, resource: logStream(stack.region, stack.account, group, `api/${container.Name}/task-1`), resourceAccount: stack.account });
      }
    }
  }
  return calls;
});

/**
 * The zone delegation: the api account's provider assumes the dns account's role (only that
 * providers of its environment's APIs may), which may write only the NS records of its own environment's API names.
 */
export const zoneDelegationCalls: CallSource = (index) => {
  const delegations = index.resourcesOfType('Custom::CrossAccountZoneDelegation').map((d) => ({ d, props: index.resolve<{ ServiceToken: string; AssumeRoleArn: string; ParentZoneId: string; DelegatedZoneName: string }>(d.stack, {
    ServiceToken: d.resource.Properties!.ServiceToken, AssumeRoleArn: d.resource.Properties!.AssumeRoleArn, ParentZoneId: d.resource.Properties!.ParentZoneId, DelegatedZoneName: d.resource.Properties!.DelegatedZoneName,
  }) }));
  return delegations.flatMap(({ d, props }) => {
    const { stack } = d;
    const handler = index.resourcesOfType('AWS::Lambda::Function').find((f) => f.stack === stack && index.resolve(stack, { 'Fn::GetAtt': [f.logicalId, 'Arn'] }) === props.ServiceToken);
    if (!handler) throw new Error(`${stack.path}/${d.logicalId}: no handler function ${props.ServiceToken}`);
    const provider = index.resolve<string>(handler.stack, handler.resource.Properties!.Role);
    const delegationRole = props.AssumeRoleArn;
    const dnsAccount = arnAccount(delegationRole);
    const trust = index.trustPolicy(delegationRole);
    const other = `arn:aws:iam::${stack.account}:role/any-other-role`;
    const anyAssume: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] };
    const change = (call: string, names: string[], types: string[], expected: 'allowed' | 'denied'): AccessCall => ({
      call, principal: delegationRole, action: 'route53:ChangeResourceRecordSets', resource: `arn:aws:route53:::hostedzone/${props.ParentZoneId}`, resourceAccount: dnsAccount,
      identityPolicies: index.identityPolicies(delegationRole), expected,
      context: { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': names, 'route53:ChangeResourceRecordSetsRecordTypes': types, 'route53:ChangeResourceRecordSetsActions': ['UPSERT'] },
    });
    const name = props.DelegatedZoneName;
    // The names another environment's role delegates (one role per environment, for all its APIs).
    const otherEnvironments = delegations.filter((o) => o.props.AssumeRoleArn !== delegationRole).map((o) => o.props.DelegatedZoneName);
    return [
      { call: `the delegation provider assumes the ${name} delegation role`, principal: provider, action: 'sts:AssumeRole', resource: delegationRole, resourceAccount: dnsAccount, identityPolicies: index.identityPolicies(provider), resourcePolicy: trust, expected: 'allowed' as const },
      { call: 'another role of the api account assumes it', principal: other, action: 'sts:AssumeRole', resource: delegationRole, resourceAccount: dnsAccount, identityPolicies: [{ name: 'any', policy: anyAssume }], resourcePolicy: trust, expected: 'denied' as const },
      change(`delegation writes the NS record of ${name}`, [name], ['NS'], 'allowed'),
      change(`delegation writes an A record for ${name}`, [name], ['A'], 'denied'),
      change('delegation writes the NS record of another name', [`other.${name}`], ['NS'], 'denied'),
      ...otherEnvironments.map((n) => change(`delegation writes the NS record of ${n}`, [n], ['NS'], 'denied')),
    ];
  });
};

/**
 * Every VPC Lambda's role places network interfaces in its own VPC only: creating one is allowed
 * there and denied in any other VPC. Deleting an interface and moving its addresses are allowed
 * on every resource of the function's account and region, the form Lambda checks for itself at
 * CreateFunction (an ec2:Vpc condition there fails that check), and denied anywhere else.
 */
export const vpcFunctionCalls: CallSource = (index) => index.resourcesOfType('AWS::Lambda::Function')
  .filter((f) => f.resource.Properties?.VpcConfig !== undefined)
  .flatMap((fn) => {
    const { stack } = fn;
    const props = fn.resource.Properties!;
    const role = index.resolve<string>(fn.stack, props.Role);
    const identityPolicies = index.identityPolicies(role);
    const name = index.resolver.ref(stack, fn.logicalId);
    const [subnet] = index.resolve<string[]>(stack, props.VpcConfig.SubnetIds);
    const [sgRef] = props.VpcConfig.SecurityGroupIds as { 'Fn::GetAtt': [string, string] }[];
    const securityGroup = index.resolve<string>(stack, sgRef);
    const vpcId = index.resolve<string>(stack, stack.template.Resources![sgRef['Fn::GetAtt'][0]].Properties!.VpcId);
    const ec2 = (resource: string, region = stack.region) => `arn:aws:ec2:${region}:${stack.account}:${resource}`;
    const base = { principal: role, resourceAccount: stack.account, identityPolicies };
    const create = (vpc: string, subnetId: string, expected: 'allowed' | 'denied', where: string): AccessCall => (
      { ...base, call: `${name} creates an ENI ${where}`, action: 'ec2:CreateNetworkInterface', resource: ec2(`subnet/${subnetId}`), context: { 'ec2:Vpc': ec2(`vpc/${vpc}`), 'ec2:SubnetID': subnetId }, expected }
    );
    const manage = (vpc: string, subnetId: string, region: string, expected: 'allowed' | 'denied', where: string): AccessCall[] =>
      ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'].map((action) => ({
        ...base, call: `${name} manages an ENI ${where}`, action, resource: ec2('network-interface/eni-0123456789abcdef0', region), context: { 'ec2:Vpc': ec2(`vpc/${vpc}`, region), 'ec2:Subnet': ec2(`subnet/${subnetId}`, region) }, expected,
      }));
    const otherRegion = stack.region === 'us-east-1' ? 'us-west-2' : 'us-east-1';
    return [
      create(vpcId, subnet, 'allowed', 'in its VPC'),
      { ...base, call: `${name} creates an ENI in its VPC`, action: 'ec2:CreateNetworkInterface', resource: ec2(`security-group/${securityGroup}`), context: { 'ec2:Vpc': ec2(`vpc/${vpcId}`) }, expected: 'allowed' },
      { ...base, call: `${name} creates an ENI in its VPC`, action: 'ec2:CreateNetworkInterface', resource: ec2('network-interface/*'), expected: 'allowed' },
      ...['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'].map((action) => ({ ...base, call: `${name} describes ENIs and subnets`, action, resource: '*', expected: 'allowed' as const })),
      ...manage(vpcId, subnet, stack.region, 'allowed', 'in its VPC'),
      // Lambda's own check at CreateFunction: no interface id and no ec2:Vpc key to match yet.
      ...['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'].map((action) => ({
        ...base, call: `Lambda's CreateFunction check: ${name} may manage its ENIs`, action, resource: ec2('network-interface/*'), expected: 'allowed' as const,
      })),
      ...manage('vpc-0ther0000000000', 'subnet-0ther000000000', stack.region, 'allowed', 'in another VPC of its account and region'),
      create('vpc-0ther0000000000', 'subnet-0ther000000000', 'denied', 'in another VPC'),
      ...manage('vpc-0ther0000000000', 'subnet-0ther000000000', otherRegion, 'denied', `in ${otherRegion}`),
      { ...base, call: `${name} creates an ENI in ${otherRegion}`, action: 'ec2:CreateNetworkInterface', resource: ec2('network-interface/*', otherRegion), expected: 'denied' },
    ];
  });

/**
 * Each stack that reads a shared parameter (an SSM parameter type with the parameter's ARN):
 * CloudFormation resolves it during CreateChangeSet or UpdateStack with the caller's credentials, the bootstrap
 * deploy role that the stack's pipeline deploy action (and `cdk deploy`) assumes, with the policy
 * the bootstrap template gives it; another account's parameter is read through its RAM share. The
 * caller is taken from the pipeline action that creates or updates the stack (a change set's
 * Prepare action, or the one CREATE_UPDATE action the pipeline uses), so a pipeline that deploys
 * with another role is checked with that role.
 */
export const sharedParameterCalls: CallSource = (index) => {
  const shared = new Map<string, string[]>();
  for (const share of index.resourcesOfType('AWS::RAM::ResourceShare')) {
    const props = index.resolve<{ ResourceArns: string[]; Principals: string[] }>(share.stack, { ResourceArns: share.resource.Properties!.ResourceArns, Principals: share.resource.Properties!.Principals });
    for (const arn of props.ResourceArns) shared.set(arn, [...(shared.get(arn) ?? []), ...props.Principals]);
  }
  /** The CloudFormation action modes that make CloudFormation read the template's parameters. */
  const DEPLOYING_MODES = new Set(['CHANGE_SET_REPLACE', 'CREATE_UPDATE', 'REPLACE_ON_FAILURE']);
  type DeployAction = { ActionTypeId: { Category: string; Provider: string }; Configuration?: { StackName?: string; ActionMode?: string }; RoleArn?: unknown };
  const deployCallers = new Map<string, string>();
  for (const pipeline of index.resourcesOfType('AWS::CodePipeline::Pipeline')) {
    for (const action of (pipeline.resource.Properties!.Stages as { Actions: DeployAction[] }[]).flatMap((s) => s.Actions)) {
      if (action.ActionTypeId.Provider !== 'CloudFormation' || !DEPLOYING_MODES.has(action.Configuration?.ActionMode ?? '')) continue;
      deployCallers.set(action.Configuration!.StackName!, index.resolve<string>(pipeline.stack, action.RoleArn));
    }
  }
  const shareOf = (arn: string): PolicyDocument => {
    const principals = shared.get(arn) ?? [];
    return { Version: '2012-10-17', Statement: principals.length ? [{ Effect: 'Allow', Principal: { AWS: principals.map((a) => `arn:aws:iam::${a}:root`) }, Action: ['ssm:GetParameter', 'ssm:GetParameters'], Resource: arn }] : [] };
  };
  const reads = index.stacks.flatMap((stack) => Object.values((stack.template.Parameters ?? {}) as Record<string, { Type: string; Default?: string }>)
    .filter((p) => p.Type.startsWith('AWS::SSM::Parameter::Value') && p.Default?.startsWith('arn:'))
    .map((p) => ({ stack, arn: p.Default! })));
  // The access matrix at this layer: an account that reads shared parameters of an environment
  // (a consumer, an API) but is not among a parameter's share principals may not read that one
  // (a consumer, another API's parameters it does not call).
  const environmentOf = (arn: string) => arn.split(':parameter')[1].split('/').slice(0, 3).join('/');
  const denied = [...shared.keys()].filter((arn) => arn.includes(':parameter/')).flatMap((arn) => {
    const readers = new Set(reads.filter((r) => environmentOf(r.arn) === environmentOf(arn) && arnAccount(r.arn) !== r.stack.account).map((r) => r.stack));
    const outsiders = [...new Map([...readers].filter((s) => s.account !== arnAccount(arn) && !(shared.get(arn) ?? []).includes(s.account)).map((s) => [s.account, s])).values()];
    return outsiders.map((stack) => ({
      call: `${stack.path}'s account, not a principal of its share, resolves ${arn.split(':parameter')[1]}`,
      principal: deployRoleArn(stack.account, stack.region), action: 'ssm:GetParameters', resource: arn, resourceAccount: arnAccount(arn),
      identityPolicies: deployRolePolicies(index.bootstrapTemplate, stack.account, stack.region), resourcePolicy: shareOf(arn), expected: 'denied' as const,
    }));
  });
  return [...reads.map(({ stack, arn }) => {
      const caller = deployCallers.get(stack.stackName);
      if (caller === undefined) throw new Error(`${stack.path}: no pipeline action creates or updates ${stack.stackName}`);
      if (caller !== deployRoleArn(stack.account, stack.region)) throw new Error(`${stack.path}: the stack is deployed by ${caller}, not the bootstrap deploy role; model its policy here`);
      // A RAM share grants read to its principals: modelled as the resource policy it acts as.
      // A parameter of the stack's own account needs no share (single-account sandboxes).
      const share = shareOf(arn);
      const foreign = arnAccount(arn) !== stack.account;
      return {
        call: `${stack.path}'s change set resolves ${arn.split(':parameter')[1]}${foreign ? ' (RAM-shared)' : ''}`,
        principal: caller, action: 'ssm:GetParameters', resource: arn, resourceAccount: arnAccount(arn),
        identityPolicies: deployRolePolicies(index.bootstrapTemplate, stack.account, stack.region),
        ...(foreign ? { resourcePolicy: share } : {}),
        expected: 'allowed' as const,
      };
    }), ...denied];
};

/**
 * Every VPC endpoint service (PrivateLink mode): CloudFormation in each consumer account of the
 * service's environment creates an interface endpoint to it; any other account of the
 * configuration, or a stranger, may not. Two checks, as AWS makes them: the caller's IAM allows
 * `ec2:CreateVpcEndpoint` on an endpoint in its own account (bootstrap's AdministratorAccess
 * execution policy), then the service's allowed principals must admit the caller (iam-simulate
 * knows no resource type for the service side, so the list is checked by `admits` in simulate.ts).
 */
export const endpointServiceCalls: CallSource = (index) => index.resourcesOfType('AWS::EC2::VPCEndpointServicePermissions').flatMap((permissions) => {
  const { stack } = permissions;
  const props = permissions.resource.Properties!;
  const serviceId = index.resolve<string>(stack, props.ServiceId);
  const allowed = index.resolve<string[]>(stack, props.AllowedPrincipals ?? []);
  // The consumers: stacks with an interface endpoint whose service name is a parameter reading the
  // shared parameter this stack publishes with the service's name.
  const serviceName = `com.amazonaws.vpce.${stack.region}.${serviceId}`;
  const resolvesTo = (value: unknown): unknown => {
    try {
      return index.resolve(stack, value);
    } catch {
      return undefined; // another parameter, with a value known only at deploy time (a certificate ARN)
    }
  };
  const published = index.resourcesOfType('AWS::SSM::Parameter').filter((r) => r.stack.path === stack.path && resolvesTo(r.resource.Properties!.Value) === serviceName).map((r) => r.resource);
  if (published.length !== 1) throw new Error(`${stack.path}: expected one shared parameter with the endpoint service's name, found ${published.length}`);
  const parameterArn = `arn:aws:ssm:${stack.region}:${stack.account}:parameter${index.resolve<string>(stack, published[0].Properties!.Name)}`;
  const consumers = [...new Set(index.resourcesOfType('AWS::EC2::VPCEndpoint').filter((e) => {
    const ref = (e.resource.Properties?.ServiceName as { Ref?: string } | undefined)?.Ref;
    return ref !== undefined && (e.stack.template.Parameters?.[ref] as { Default?: string } | undefined)?.Default === parameterArn;
  }).map((e) => e.stack.account))];
  if (consumers.length === 0) throw new Error(`${stack.path}: an endpoint service and no interface endpoint reading ${parameterArn}`);
  // Every other account of the configuration (other environments' consumers, the api, network and
  // tools accounts) is outside the boundary.
  const others = [...new Set(index.stacks.map((s) => s.account))].filter((a) => /^\d{12}$/.test(a) && !consumers.includes(a));
  const create = (account: string, who: string, expected: 'allowed' | 'denied'): AccessCall => ({
    call: `${who} (${account}) creates an interface endpoint to ${stack.path}'s endpoint service`,
    principal: cfnExecutionRole(account, stack.region),
    action: 'ec2:CreateVpcEndpoint', resource: `arn:aws:ec2:${stack.region}:${account}:vpc-endpoint/*`, resourceAccount: account,
    context: { 'ec2:VpceServiceName': serviceName },
    identityPolicies: [ADMINISTRATOR_ACCESS], allowedPrincipals: allowed, expected,
  });
  return [
    ...consumers.map((account) => create(account, 'a consumer account of this environment', 'allowed')),
    ...others.map((account) => create(account, 'another account of the configuration', 'denied')),
    create(STRANGER_ACCOUNT, 'an account outside the configuration', 'denied'),
  ];
});

/** Every kind of call the design depends on. Append a source to cover a new kind. */
export const CALL_SOURCES: readonly CallSource[] = [
  codeBuildCalls,
  sourceConnectionCalls,
  alarmCalls,
  logGroupKeyCalls,
  loadBalancerLogCalls,
  serverAccessLogCalls,
  taskExecutionCalls,
  zoneDelegationCalls,
  vpcFunctionCalls,
  sharedParameterCalls,
  endpointServiceCalls,
  latticeInvokeCalls,
];

/** The whole call table of an assembly. */
export function callsOf(index: AssemblyIndex, config: AppConfig, sources: readonly CallSource[] = CALL_SOURCES): AccessCall[] {
  return sources.flatMap((source) => source(index, config));
}
