/**
 * Monitoring on both sides: per-environment names, the alarms that matter, and the proof that
 * two environments in one account cannot share a metric.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { exampleConfig } from '../lib/config/environments';
import { apisCalledBy } from '../lib/config/matrix';
import { validateMetricNamespace } from '../lib/constructs/monitoring-common';
import { bareStack, buildTestStages, configWith, memo, resourcesOf, templateOf } from './helpers';

/**
 * A single-account sandbox: dev and prod (and every consumer) in one account. The environment
 * stages only: what they alarm on does not depend on the pipeline or cdk-nag.
 */
const sandbox = memo(() => buildTestStages(configWith((c) => {
  const account = '444444444444';
  c.accounts = { tools: account, network: account, dns: account };
  for (const env of c.environments) {
    for (const api of env.apis) api.account = account;
    env.consumers = env.consumers.slice(0, 1); // one consumer per account and environment
    env.consumers[0].account = account;
  }
})));

type Resource = { Properties?: Record<string, unknown> };
const metricStacks = memo(() => sandbox().stages.map((stage) => ({
  name: stage.stageName,
  templates: [...[...stage.apis.values()].map((a) => a.service), ...stage.consumerApps.values()].map((stack) => ({ stack: stack.stackName, template: templateOf(stack) })),
})));

/**
 * The identity of every metric an alarm watches or a metric filter publishes. A dimension that
 * refers to a resource of the stack (Ref, GetAtt) names that stack's own resource; only literal
 * identities can collide across stacks, so references are qualified with the stack's name.
 */
function metricIdentities(stack: string, template: Template): string[] {
  const qualify = (value: unknown): string => (typeof value === 'string' ? value : `${stack}:${JSON.stringify(value)}`);
  const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm').map(([, a]: [string, Resource]) => {
    const p = a.Properties!;
    const dims = ((p.Dimensions as Array<{ Name: string; Value: unknown }> | undefined) ?? []).map((d) => `${d.Name}=${qualify(d.Value)}`).sort();
    return `${String(p.Namespace)}|${String(p.MetricName)}|${dims.join(',')}`;
  });
  const filters = resourcesOf(template, 'AWS::Logs::MetricFilter').flatMap(([, f]: [string, Resource]) =>
    (f.Properties!.MetricTransformations as Array<{ MetricNamespace: string; MetricName: string }>).map((m) => `${m.MetricNamespace}|${m.MetricName}|`),
  );
  return [...alarms, ...filters];
}

describe('monitoring', () => {
  test('two environments in one account share no metric: every alarm and metric filter of Dev differs from Prod\'s', () => {
    const [dev, prod] = metricStacks().map((s) => new Set(s.templates.flatMap(({ stack, template }) => metricIdentities(stack, template))));
    expect(dev.size).toBeGreaterThan(10);
    expect([...dev].filter((id) => prod.has(id))).toEqual([]);
  });

  test('alarm and dashboard names carry the environment (and consumer), and are unique in the account', () => {
    const names = metricStacks().flatMap((s) => s.templates.flatMap(({ template }) => [
      ...resourcesOf(template, 'AWS::CloudWatch::Alarm').map(([, a]) => String(a.Properties!.AlarmName)),
      ...resourcesOf(template, 'AWS::CloudWatch::Dashboard').map(([, d]) => String(d.Properties!.DashboardName)),
    ]));
    expect(new Set(names).size).toBe(names.length);
    const expected = exampleConfig.environments.flatMap((e) => [
      ...e.apis.flatMap((a) => [`internal-api-${e.name}-${a.name}`, `internal-api-${e.name}-${a.name}-Target5xx`]),
      ...e.consumers.slice(0, 1).flatMap((c) => [`internal-api-${e.name}-${c.name}`, ...apisCalledBy(e, c).map((a) => `internal-api-${e.name}-${c.name}-${a.name}-ResolverThrottles`)]),
    ]);
    expect(names).toEqual(expect.arrayContaining(expected));
  });

  const [firstApi] = exampleConfig.environments[0].apis;
  const api = memo(() => templateOf(sandbox().stages[0].apis.get(firstApi.name)!.service));
  const consumer = memo(() => templateOf(sandbox().stages[0].consumerApps.get('storefront')!));
  const alarmsBy = (template: Template) => Object.fromEntries(resourcesOf(template, 'AWS::CloudWatch::Alarm').map(([, a]) => [String(a.Properties!.AlarmName), a.Properties!]));

  test('API side: the existing alarms, plus certificate expiry; 5xx and latency come from the request log of this environment', () => {
    const alarms = alarmsBy(api());
    const prefix = `internal-api-dev-${firstApi.name}`;
    expect(Object.keys(alarms).sort()).toEqual(['CertificateExpiry', 'Target5xx', 'TargetResets', 'TooFewHealthyHosts', 'UnhealthyHosts'].map((n) => `${prefix}-${n}`));
    expect(alarms[`${prefix}-Target5xx`]).toMatchObject({ Namespace: `internal-api/dev/${firstApi.name}`, MetricName: 'ServerErrors' });
    expect(alarms[`${prefix}-CertificateExpiry`]).toMatchObject({ Namespace: 'AWS/CertificateManager', MetricName: 'DaysToExpiry', Threshold: 30, ComparisonOperator: 'LessThanThreshold' });
    api().hasResourceProperties('AWS::Logs::MetricFilter', { FilterPattern: '{ ($.msg = "request") && ($.status >= 500) }' });
    api().hasResourceProperties('AWS::Logs::MetricFilter', { MetricTransformations: [{ MetricNamespace: `internal-api/dev/${firstApi.name}`, MetricName: 'Latency', MetricValue: '$.durationMs', Unit: 'Milliseconds' }] });
    const body = JSON.stringify(resourcesOf(api(), 'AWS::CloudWatch::Dashboard')[0][1].Properties!.DashboardBody);
    for (const metric of ['ActiveFlowCount', 'ClientTLSNegotiationErrorCount', 'TCP_Target_Reset_Count', 'HealthyHostCount', 'CPUUtilization', 'MemoryUtilization', 'RunningTaskCount', 'ServerErrors', 'Latency', 'DaysToExpiry']) {
      expect(body).toContain(metric);
    }
  });

  test('consumer side: AppSync 5xx and latency, and per API it calls resolver errors, throttles and duration and the health check, alarming to the consumer account\'s topic', () => {
    const alarms = alarmsBy(consumer());
    const called = apisCalledBy(exampleConfig.environments[0], exampleConfig.environments[0].consumers[0]);
    expect(Object.keys(alarms).sort()).toEqual(
      ['GraphqlLatency', 'GraphqlServerErrors', ...called.flatMap((a) => ['HealthCheckFailed', 'ResolverDuration', 'ResolverErrors', 'ResolverThrottles'].map((n) => `${a.name}-${n}`))]
        .map((n) => `internal-api-dev-storefront-${n}`).sort(),
    );
    const [[topicId]] = resourcesOf(consumer(), 'AWS::SNS::Topic');
    for (const alarm of Object.values(alarms)) {
      expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm.OKActions).toEqual([{ Ref: topicId }]);
    }
    expect(alarms['internal-api-dev-storefront-GraphqlServerErrors']).toMatchObject({ Namespace: 'AWS/AppSync', MetricName: '5XXError' });
    for (const a of called) {
      expect(alarms[`internal-api-dev-storefront-${a.name}-HealthCheckFailed`]).toMatchObject({ Namespace: 'internal-api/dev/storefront', MetricName: `HealthCheckFailed-${a.name}` });
    }
  });

  test('the consumer\'s alarm topic lets this account\'s CloudWatch alarms publish, over TLS only', () => {
    const [[, policy]] = resourcesOf(consumer(), 'AWS::SNS::TopicPolicy');
    const statements = (policy.Properties!.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement;
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Condition: expect.objectContaining({ StringEquals: { 'aws:SourceAccount': '444444444444' } }) }),
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ]));
  });

  test.each(['AWS/ECS', 'has space', ''])('fails when the metric namespace is %j, naming it', (namespace) => {
    const scope = new Construct(bareStack(), 'Monitoring');
    expect(() => validateMetricNamespace(scope, namespace)).toThrow(`Test/Monitoring: metricNamespace "${namespace}" is not a valid custom namespace`);
  });
});
