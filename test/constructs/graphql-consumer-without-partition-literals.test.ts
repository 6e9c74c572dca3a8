import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { addComplianceChecks } from '../../lib/compliance/compliance';
import { GraphqlConsumer } from '../../lib/constructs/graphql-consumer';
import { CDK_JSON_CONTEXT, NO_BUNDLING, catalogueConsumerApis } from '../helpers';

const PARTITION_LITERALS = '@aws-cdk/core:enablePartitionLiterals';

/**
 * A team that builds the construct in its own app, without this project's cdk.json (so without
 * the partition-literals feature flag), and runs every cdk-nag pack and cfn-guard from a script.
 */
function synthWithoutPartitionLiterals() {
  // Findings outside the construct (the bare test VPC has no flow logs) are read from the report
  // instead of failing synth; a crash still throws.
  const context: Record<string, unknown> = { ...CDK_JSON_CONTEXT, ...NO_BUNDLING, '@aws-cdk/core:failSynthOnValidationErrors': false };
  delete context[PARTITION_LITERALS];
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'no-partition-literals-')), context, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Consumer', { env: { account: '555555555555', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    natGateways: 0,
    subnetConfiguration: [{ name: 'Workload', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  new GraphqlConsumer(stack, 'Graphql', {
    vpc,
    subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ...catalogueConsumerApis(),
    apiName: 'storefront',
    logRetention: logs.RetentionDays.ONE_MONTH,
  });
  addComplianceChecks(app, 'full');
  return { app, stack, synth: () => app.synth() };
}

describe('GraphqlConsumer built without the partition-literals feature flag', () => {
  test('the flag is really off: the stack\'s partition is a token', () => {
    const { stack } = synthWithoutPartitionLiterals();
    expect(stack.resolve(stack.partition)).toEqual({ Ref: 'AWS::Partition' });
  });

  test('synthesizes under every cdk-nag pack and cfn-guard with no crash, and no finding of the construct left unacknowledged',
    () => {
      const { app, synth } = synthWithoutPartitionLiterals();
      // An acknowledgement id holding a token crashed here (KeyMustResolveToString); an id that
      // does not match its finding's resource string leaves the finding standing (ValidationFailed).
      expect(synth).not.toThrow();
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const report = require(join(app.outdir, 'validation-report.json')) as { pluginReports: { violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[] }[] };
      const ours = report.pluginReports.flatMap((r) => r.violations).filter((v) => v.violatingConstructs.some((c) => c.constructPath.startsWith('Consumer/Graphql/')));
      expect(ours).toEqual([]);
    },
  );
});
