import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { GraphqlConsumer } from './graphql-consumer';
import { addAlarmActions, validateMetricNamespace } from './monitoring-common';

/** Properties of {@link ConsumerMonitoring}. */
export interface ConsumerMonitoringProps {
  /** The GraphQL API, its resolver and its deploy-time health check. */
  readonly graphql: GraphqlConsumer;
  /**
   * Namespace of the health check's result metrics; it must differ per environment and consumer,
   * since a metric filter cannot add a constant dimension.
   */
  readonly metricNamespace: string;
  /** Prefix of the alarm and dashboard names, e.g. `internal-api-dev-storefront`; unique per environment and consumer. */
  readonly name: string;
  /**
   * Topic notified when an alarm changes state (the consumer account's).
   * @default - alarms without actions
   */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * The consumer side's monitoring, one unit per environment and consumer: AppSync 5xx and latency,
 * the resolver's errors, throttles and duration, and the deploy-time health check's results, as
 * alarms and one dashboard.
 */
export class ConsumerMonitoring extends Construct {
  /** Every alarm, for extra actions. */
  public readonly alarms: readonly cloudwatch.Alarm[];
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ConsumerMonitoringProps) {
    super(scope, id);
    validateMetricNamespace(this, props.metricNamespace);
    const { api } = props.graphql;
    const period = Duration.minutes(1);
    const appsync = (metricName: string, statistic: string) =>
      new cloudwatch.Metric({ namespace: 'AWS/AppSync', metricName, dimensionsMap: { GraphQLAPIId: api.apiId }, period, statistic });
    const alarm = (alarmId: string, metric: cloudwatch.Metric, description: string, threshold: number, evaluationPeriods = 3) =>
      metric.createAlarm(this, alarmId, {
        alarmName: `${props.name}-${alarmId}`,
        alarmDescription: description,
        threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    const graph = (title: string, left: cloudwatch.IMetric[]) => new cloudwatch.GraphWidget({ title, left, width: 8 });

    const alarms = [
      alarm('GraphqlServerErrors', appsync('5XXError', 'Sum'), 'AppSync answers with 5xx.', 5),
      alarm('GraphqlLatency', appsync('Latency', 'p99'), 'AppSync p99 latency over 5 s (the resolver gives up on the API after 5 s).', 5_000),
    ];
    const apiRows: cloudwatch.IWidget[][] = [];
    // Per API the consumer calls: its resolver's health and its deploy-time check, apart.
    for (const [name, { resolver, healthCheck }] of props.graphql.calledApis) {
      // The health check logs one line per run (lib/runtime/graphql-resolver/src/healthcheck.ts).
      const healthCheckResult = (metricName: string, msg: string) =>
        new logs.MetricFilter(this, `${name}-${metricName}Filter`, {
          logGroup: healthCheck.logGroup,
          filterPattern: logs.FilterPattern.stringValue('$.msg', '=', msg),
          metricNamespace: props.metricNamespace,
          metricName: `${metricName}-${name}`,
          metricValue: '1',
          unit: cloudwatch.Unit.COUNT,
        }).metric({ period: Duration.minutes(5), statistic: 'Sum' });
      const healthCheckPassed = healthCheckResult('HealthCheckPassed', 'health check passed');
      const healthCheckFailed = healthCheckResult('HealthCheckFailed', 'health check failed');
      alarms.push(
        alarm(`${name}-ResolverErrors`, resolver.metricErrors({ period, statistic: 'Sum' }), `The ${name} resolver Lambda fails (not GraphQL errors it returns: crashes and timeouts).`, 5),
        alarm(`${name}-ResolverThrottles`, resolver.metricThrottles({ period, statistic: 'Sum' }), `The ${name} resolver is throttled: its reserved concurrency is exhausted.`, 0, 2),
        alarm(`${name}-ResolverDuration`, resolver.metricDuration({ period, statistic: 'p99' }), `The ${name} resolver's p99 duration is over 8 s, close to its 10 s timeout.`, 8_000),
        alarm(`${name}-HealthCheckFailed`, healthCheckFailed, `The deploy-time health check of ${name} failed: the path to that API is broken (its log names the layer).`, 0, 1),
      );
      apiRows.push([
        graph(`${name} resolver: invocations, errors, throttles`, [
          resolver.metricInvocations({ period, statistic: 'Sum' }),
          resolver.metricErrors({ period, statistic: 'Sum' }),
          resolver.metricThrottles({ period, statistic: 'Sum' }),
        ]),
        graph(`${name} resolver: duration (ms)`, [resolver.metricDuration({ period, statistic: 'p50' }), resolver.metricDuration({ period, statistic: 'p99' })]),
        graph(`${name} health check: passed / failed runs`, [healthCheckPassed, healthCheckFailed]),
      ]);
    }
    this.alarms = alarms;
    addAlarmActions(this.alarms, props.alarmTopic);

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.name,
      widgets: [
        [
          graph('AppSync: requests, 4xx, 5xx', [appsync('Requests', 'Sum'), appsync('4XXError', 'Sum'), appsync('5XXError', 'Sum')]),
          graph('AppSync: latency (ms)', [appsync('Latency', 'p50'), appsync('Latency', 'p99')]),
          new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...this.alarms], width: 8 }),
        ],
        ...apiRows,
      ],
    });
  }
}
