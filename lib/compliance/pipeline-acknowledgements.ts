import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { IConstruct } from 'constructs';

/** One reviewed group of findings: the exact ids and why they are acceptable. */
interface Acknowledgement {
  readonly ids: readonly string[];
  readonly reason: string;
}

const nag = (finding: string) => `AwsSolutions::AwsSolutions-${finding}`;

/**
 * The findings CDK Pipelines' generated roles raise, each by exact id with its reason.
 * The grants are CDK's own, scoped to the pipeline's artifact bucket, key, CodeBuild projects
 * and the bootstrap roles; what stays on "*" is what the services cannot scope. Ids that name
 * a logical id are computed from the built pipeline, so a renamed construct resurfaces as an
 * unacknowledged finding rather than being silently covered.
 */
export function acknowledgeCdkPipelineGrants(pipeline: pipelines.CodePipeline): void {
  const stack = Stack.of(pipeline);
  const logicalId = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnResource);
  const arn = (service: string, resource: string) => `arn:${stack.partition}:${service}:${stack.region}:${stack.account}:${resource}`;
  const projects = pipeline.node.findAll().filter((c): c is codebuild.Project => c instanceof codebuild.Project);
  const autoApprove = pipeline.node.findAll().filter((c): c is lambda.Function => c instanceof lambda.Function);
  const artifactBucket = pipeline.pipeline.artifactBucket as s3.Bucket;

  const acknowledgements: Acknowledgement[] = [
    {
      ids: ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'].map((a) => nag(`IAM5[Action::${a}]`)),
      reason: 'CDK\'s bucket and key grants (read/write of pipeline artifacts); every such statement is limited to the pipeline\'s own artifact bucket and KMS key.',
    },
    {
      ids: [nag(`IAM5[Resource::<${logicalId(artifactBucket)}.Arn>/*]`)],
      reason: 'Objects of the pipeline\'s own artifact bucket: artifact names are generated per execution.',
    },
    {
      ids: projects.flatMap((p) => [
        nag(`IAM5[Resource::${arn('codebuild', `report-group/<${logicalId(p)}>-*`)}]`),
        nag(`IAM5[Resource::${arn('logs', `log-group:/aws/codebuild/<${logicalId(p)}>:*`)}]`),
      ]),
      reason: 'Each CodeBuild project may write its own log streams and test reports; stream and report names are generated per build.',
    },
    {
      ids: [nag(`IAM5[Resource::${arn('codebuild', 'report-group/*')}]`), nag(`IAM5[Resource::${arn('logs', 'log-group:/aws/codebuild/*')}]`)],
      reason: 'The asset-publishing roles are shared by all asset projects, whose names CDK generates; scoped to CodeBuild logs and reports of the tools account.',
    },
    {
      ids: [nag('IAM5[Resource::*]')],
      reason:
        'codebuild:StartBuild/BatchGetBuilds/StopBuild and cloudformation:DescribeStacks/s3:ListBucket (self-mutation) on "*" are CDK Pipelines\' grants; ' +
        'sts:AssumeRole on "*" is conditioned on the aws-cdk:bootstrap-role tag (deploy roles only); codepipeline:PutApprovalResult on "*" is conditioned on the SECURITY_CHECK tag.',
    },
    {
      ids: [nag('IAM5[Resource::arn:*:iam::' + stack.account + ':role/*]')],
      reason: 'Self-mutation assumes the CDK bootstrap roles, conditioned on their aws-cdk:bootstrap-role tag (image-publishing, file-publishing, deploy).',
    },
    {
      ids: autoApprove.map((f) => nag(`IAM5[Resource::<${logicalId(f)}.Arn>:*]`)),
      reason: 'The security check may invoke CDK\'s auto-approve function and its versions (":*" qualifier); no other function.',
    },
    {
      ids: [nag('IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]')],
      reason: 'CDK Pipelines\' internal auto-approve function (permissions-broadening check) is created with the basic Lambda logging policy and offers no role override.',
    },
  ];
  for (const { ids, reason } of acknowledgements) {
    for (const id of ids) Validations.of(pipeline).acknowledge({ id, reason });
  }
  for (const fn of autoApprove) {
    const acknowledge = (id: string, reason: string) => Validations.of(fn).acknowledge({ id, reason });
    const internal = 'CDK Pipelines\' internal auto-approve function for the permissions-broadening check, run once per prod deployment';
    acknowledge('NIST.800.53.R5::NIST.800.53.R5-LambdaConcurrency', `${internal}; reserved concurrency can fail the deploy in accounts with the new-account quota of 10.`);
    acknowledge('NIST.800.53.R5::NIST.800.53.R5-LambdaDLQ', `${internal}, invoked synchronously by CodeBuild.`);
    acknowledge('NIST.800.53.R5::NIST.800.53.R5-LambdaInsideVPC', `${internal}; it calls the CodePipeline API and has no VPC of its own.`);
    acknowledge('cdk-validator-cfnguard::lambda_inside_vpc_check', `${internal}; it calls the CodePipeline API and has no VPC of its own.`);
  }
  for (const project of projects.filter((p) => p.node.path.includes('/Assets/Docker'))) {
    Validations.of(project).acknowledge({
      id: 'cdk-validator-cfnguard::codebuild_project_environment_privileged_check',
      reason: 'Builds and publishes the API\'s container image: docker build needs privileged mode. No other project (synth included) runs privileged; a unit test asserts it.',
    });
  }
}
