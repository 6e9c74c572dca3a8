/**
 * Lambda entry of the health-check gate: {@link handleGateEvent} wired to AWS. The AWS SDK v3
 * clients come from the Node.js Lambda runtime (kept out of the bundle).
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetFunctionConfigurationCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { respondToCloudFormation } from '../../custom-resource/respond';
import { GateDependencies, handleGateEvent } from './healthcheck-gate';

const cloudFormation = new CloudFormationClient({});
const lambda = new LambdaClient({});

const aws: GateDependencies = {
  async stackStatus(stackId) {
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackId }));
    const status = Stacks?.[0]?.StackStatus;
    if (!status) throw new Error(`no status for ${stackId}`);
    return status;
  },
  async runCheck(functionArn) {
    const result = await lambda.send(new InvokeCommand({ FunctionName: functionArn, InvocationType: 'RequestResponse' }));
    if (!result.FunctionError) return undefined;
    const payload = result.Payload ? new TextDecoder().decode(result.Payload) : '';
    try {
      return String((JSON.parse(payload) as { errorMessage?: unknown }).errorMessage ?? payload);
    } catch {
      return payload || `the check failed (${result.FunctionError})`;
    }
  },
  async functionState(functionArn) {
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionArn }));
    return { state: config.State, lastUpdateStatus: config.LastUpdateStatus, stateReason: config.StateReason ?? config.LastUpdateStatusReason, timeoutSeconds: config.Timeout };
  },
  respond: respondToCloudFormation,
};

export const handler = async (event: CloudFormationCustomResourceEvent, context: Context): Promise<void> => {
  await handleGateEvent(event, aws, { remainingTimeMs: () => context.getRemainingTimeInMillis() });
};
