import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { StackEncryptionKey } from './stack-encryption-key';

/**
 * A stack's alarm topic: encrypted with the stack's key (whose policy lets CloudWatch use it), TLS
 * only, and publishable by this account's CloudWatch alarms. A topic policy replaces SNS's default
 * one, so with only the TLS deny nothing may publish and the alarms would never notify.
 * A plain topic created at `id` (no wrapper construct), so an existing topic keeps its logical id.
 */
export function createAlarmTopic(scope: Construct, id: string, displayName: string): sns.Topic {
  const stack = Stack.of(scope);
  // The caller's scope and id on purpose: the API stack's existing topic keeps its logical id.
  // eslint-disable-next-line awscdk/require-passing-this, awscdk/no-variable-construct-id
  const topic = new sns.Topic(scope, id, { displayName, masterKey: StackEncryptionKey.of(scope), enforceSSL: true });
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
      },
    }),
  );
  return topic;
}
