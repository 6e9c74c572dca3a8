import { App, CustomResourceProviderBase, Validations } from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';

/**
 * Which checks run at synth.
 * - `standard`: cdk-nag AwsSolutions (every synth, every test).
 * - `full`: also cdk-nag NIST 800-53 R5 and the cfn-guard Control Tower proactive controls
 *   (`npm run validate`, run by CI).
 */
export type ComplianceLevel = 'standard' | 'full';

/**
 * Registers the checks once, on the App. In cdk-nag v3 a registration on the App reaches the
 * stacks inside every Stage; registering on a Stage as well would report each finding twice.
 */
export function addComplianceChecks(app: App, level: ComplianceLevel = 'standard'): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  if (level === 'full') {
    Validations.of(app).addPlugins(new NIST80053R5Checks(app), new CfnGuardValidator());
  }
  acknowledgeAppWide(app);
  acknowledgeCdkProviders(app);
}

/** Rules whose subject is a project-wide choice, each with the reason it holds everywhere. */
function acknowledgeAppWide(app: App): void {
  Validations.of(app).acknowledge(
    {
      id: 'NIST.800.53.R5::NIST.800.53.R5-IAMNoInlinePolicy',
      reason:
        'CDK writes each role\'s grants as an inline policy attached to that one role and deployed with it; customer-managed policies would add shared objects that drift, without narrowing any permission.',
    },
    {
      id: 'cdk-validator-cfnguard::cloudwatch_log_group_retention_period_check',
      reason:
        'Retention is a per-environment setting (service.logRetentionDays; flow logs 30 days) chosen for cost; organisations bound by a one-year rule (CT.CLOUDWATCH.PR.2) set 365 there.',
    },
  );
}

/**
 * CDK's own deploy-time custom-resource providers (zone delegation, default-SG restriction,
 * and the S3 prefix-list read) are Lambdas outside any VPC that call AWS APIs once per deployment.
 */
function acknowledgeCdkProviders(app: App): void {
  const reason = 'A CDK custom-resource provider that calls AWS APIs (Route 53, EC2, Lambda) during deployment only; in the isolated VPCs it would need NAT or more endpoints.';
  for (const provider of app.node.findAll().filter((c) => c instanceof CustomResourceProviderBase)) {
    Validations.of(provider).acknowledge({ id: 'cdk-validator-cfnguard::lambda_inside_vpc_check', reason });
  }
  // AwsCustomResource's singleton function (fixed id), used for the deploy-time S3 prefix-list read.
  for (const fn of app.node.findAll().filter((c) => c.node.id === AWS_CUSTOM_RESOURCE_FUNCTION_ID)) {
    Validations.of(fn).acknowledge(
      { id: 'cdk-validator-cfnguard::lambda_inside_vpc_check', reason },
      { id: 'NIST.800.53.R5::NIST.800.53.R5-LambdaInsideVPC', reason },
      { id: 'NIST.800.53.R5::NIST.800.53.R5-LambdaDLQ', reason: 'Invoked synchronously by CloudFormation once per deployment; a DLQ only receives failed asynchronous invocations.' },
      { id: 'NIST.800.53.R5::NIST.800.53.R5-LambdaConcurrency', reason: 'Runs once per deployment; reserved concurrency can fail the deploy in accounts with the new-account quota of 10.' },
    );
  }
}

/** The construct id AwsCustomResource gives its singleton Lambda in every stack. */
const AWS_CUSTOM_RESOURCE_FUNCTION_ID = 'AWS679f53fac002430cb0da5b7982bd2287';
