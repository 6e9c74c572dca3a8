import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** CloudWatch's namespace rule, checked at synth instead of failing the deploy. */
export function validateMetricNamespace(scope: Construct, namespace: string): void {
  if (!/^[A-Za-z0-9._\-/#:]{1,255}$/.test(namespace) || namespace.startsWith('AWS/')) {
    throw new Error(`${scope.node.path}: metricNamespace "${namespace}" is not a valid custom namespace; use letters, digits and . _ - / # : (not starting with "AWS/"), e.g. "internal-api/dev".`);
  }
}

/** Alarm and OK notifications to the topic, when there is one. */
export function addAlarmActions(alarms: readonly cloudwatch.Alarm[], topic: sns.ITopic | undefined): void {
  if (!topic) return;
  const action = new cwActions.SnsAction(topic);
  for (const alarm of alarms) {
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
  }
}
