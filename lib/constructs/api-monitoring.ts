import { Duration } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { API_MONITORING_DEFAULTS } from './api-monitoring-defaults';
import { MetricFactory } from './metric-factory';
import { addAlarmActions } from './monitoring-common';

/** Alarm thresholds of {@link ApiMonitoring}. */
export interface ApiMonitoringThresholds {
  /**
   * Unhealthy targets tolerated.
   * @default API_MONITORING_DEFAULTS.unhealthyHosts
   */
  readonly unhealthyHosts?: number;
  /**
   * Alarm when fewer targets than this are healthy.
   * @default - the service's desired count
   */
  readonly healthyHosts?: number;
  /**
   * TCP resets by targets per period tolerated.
   * @default API_MONITORING_DEFAULTS.targetResets
   */
  readonly targetResets?: number;
  /**
   * 5xx answers per period tolerated.
   * @default API_MONITORING_DEFAULTS.serverErrors
   */
  readonly serverErrors?: number;
  /**
   * Alarm when the certificate expires in fewer days than this.
   * @default API_MONITORING_DEFAULTS.certificateExpiryDays
   */
  readonly certificateExpiryDays?: number;
}

/**
 * What {@link ApiMonitoring} watches: the tasks, their request log and certificate, and the
 * internal NLB in front of them when there is one (InternalNlbService; a LatticeApiService has none).
 */
export type MonitoredApiService = {
  readonly service: ecs.FargateService;
  readonly logGroup: logs.ILogGroup;
  readonly certificate: acm.ICertificate;
  readonly desiredCount: number;
  readonly loadBalancer?: elbv2.NetworkLoadBalancer;
  readonly targetGroup?: elbv2.NetworkTargetGroup;
};

/** Properties of {@link ApiMonitoring}. */
export interface ApiMonitoringProps {
  /** The service to watch (its load balancer and target group if any, tasks, request log and certificate). */
  readonly service: MonitoredApiService;
  /** Prefix of the alarm and dashboard names, e.g. `internal-api-dev-api`; unique per environment. */
  readonly name: string;
  /**
   * Period and namespace of the metrics. The namespace must differ per environment (see
   * {@link MetricFactoryProps.namespace}).
   * @default - one-minute metrics in the namespace `name`
   */
  readonly metricFactory?: MetricFactory;
  /**
   * Alarm thresholds.
   * @default - API_MONITORING_DEFAULTS, and the service's desired count as the healthy-hosts floor
   */
  readonly thresholds?: ApiMonitoringThresholds;
  /**
   * Topic notified when an alarm changes state.
   * @default - alarms without actions
   */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * The API side's monitoring, one unit per environment: the alarms (unhealthy and too few hosts,
 * target resets, 5xx from the request log, certificate expiry) and one dashboard with the NLB,
 * the service and the certificate.
 */
export class ApiMonitoring extends Construct {
  /** Every alarm, for extra actions. */
  public readonly alarms: readonly cloudwatch.Alarm[];
  /** Requests per calling consumer (dimension `Consumer`), from the request log lines. */
  public readonly requestsByConsumer: cloudwatch.Metric;
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ApiMonitoringProps) {
    super(scope, id);
    const { service } = props;
    const metrics = props.metricFactory ?? new MetricFactory({ namespace: props.name });
    const period = metrics.period;
    const thresholds = { ...API_MONITORING_DEFAULTS, healthyHosts: service.desiredCount, ...props.thresholds };
    // One JSON line per request (lib/runtime/api-service): { msg: "request", status, durationMs }.
    const requestLine = logs.FilterPattern.stringValue('$.msg', '=', 'request');
    const fromLogs = (metricName: string, filterPattern: logs.IFilterPattern, metricValue: string, unit: cloudwatch.Unit, defaultValue?: number) =>
      metrics.fromLogs(this, service.logGroup, { metricName, filterPattern, metricValue, unit, defaultValue });
    const serverErrors = fromLogs('ServerErrors', logs.FilterPattern.all(requestLine, logs.FilterPattern.numberValue('$.status', '>=', 500)), '1', cloudwatch.Unit.COUNT, 0);
    const latency = fromLogs('Latency', requestLine, '$.durationMs', cloudwatch.Unit.MILLISECONDS);
    // Requests per calling consumer (the name caller identity puts in the request line), one metric
    // per consumer by dimension. CloudWatch allows no default value on a filter with dimensions.
    this.requestsByConsumer = metrics.fromLogs(this, service.logGroup, {
      metricName: 'RequestsByConsumer',
      filterPattern: logs.FilterPattern.all(requestLine, logs.FilterPattern.stringValue('$.consumer', '=', '*')),
      metricValue: '1',
      unit: cloudwatch.Unit.COUNT,
      dimensions: { Consumer: '$.consumer' },
    });

    const alarm = (alarmId: string, metric: cloudwatch.IMetric, options: Omit<cloudwatch.CreateAlarmOptions, 'alarmName'>) =>
      new cloudwatch.Alarm(this, alarmId, { alarmName: `${props.name}-${alarmId}`, metric, ...options });
    const expiryDays = thresholds.certificateExpiryDays;
    const certificate = service.certificate;
    const runningTasks = new cloudwatch.Metric({
      namespace: 'ECS/ContainerInsights',
      metricName: 'RunningTaskCount',
      dimensionsMap: { ClusterName: service.service.cluster.clusterName, ServiceName: service.service.serviceName },
      period,
      statistic: 'Minimum',
    });
    const nlb = service.loadBalancer && service.targetGroup ? { lb: service.loadBalancer.metrics, tg: service.targetGroup.metrics } : undefined;
    const frontDoorAlarms = nlb
      ? [
          alarm('UnhealthyHosts', nlb.tg.unHealthyHostCount({ period, statistic: 'Maximum' }), {
            alarmDescription: 'A target fails the /healthz check.',
            threshold: thresholds.unhealthyHosts,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluationPeriods: 2,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          }),
          alarm('TooFewHealthyHosts', nlb.tg.healthyHostCount({ period, statistic: 'Minimum' }), {
            alarmDescription: `Fewer healthy targets than the desired count (${thresholds.healthyHosts}).`,
            threshold: thresholds.healthyHosts,
            comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
            evaluationPeriods: 3,
            treatMissingData: cloudwatch.TreatMissingData.BREACHING,
          }),
          alarm('TargetResets', nlb.lb.tcpTargetResetCount({ period, statistic: 'Sum' }), {
            alarmDescription: 'Targets reset TCP connections (crashing or overloaded tasks).',
            threshold: thresholds.targetResets,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluationPeriods: 3,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          }),
        ]
      : [
          // No load balancer (VPC Lattice registers the tasks): the tasks ECS keeps running, which
          // it replaces when Lattice's health check (the target group's) fails them.
          alarm('TooFewRunningTasks', runningTasks, {
            alarmDescription: `Fewer running tasks than the desired count (${thresholds.healthyHosts}).`,
            threshold: thresholds.healthyHosts,
            comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
            evaluationPeriods: 3,
            treatMissingData: cloudwatch.TreatMissingData.BREACHING,
          }),
        ];
    this.alarms = [
      ...frontDoorAlarms,
      alarm('Target5xx', serverErrors.with({ statistic: 'Sum' }), {
        alarmDescription: `The API answers with 5xx (${nlb ? 'an NLB has no HTTP metrics; ' : ''}counted from the request log lines).`,
        threshold: thresholds.serverErrors,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      alarm('CertificateExpiry', certificate.metricDaysToExpiry({ period: Duration.days(1), statistic: 'Minimum' }), {
        alarmDescription: `The API certificate expires in fewer than ${expiryDays} days: ACM renewal (DNS validation in the API zone) is stuck.`,
        threshold: expiryDays,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      }),
    ];
    addAlarmActions(this.alarms, props.alarmTopic);

    const graph = (title: string, left: cloudwatch.IMetric[]) => new cloudwatch.GraphWidget({ title, left, width: 8 });
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.name,
      widgets: [
        ...(nlb
          ? [[
              graph('NLB: active flows', [nlb.lb.activeFlowCount({ period, statistic: 'Average' })]),
              graph('NLB: TLS negotiation errors, target resets', [
                nlb.lb.custom('ClientTLSNegotiationErrorCount', { period, statistic: 'Sum' }),
                nlb.lb.tcpTargetResetCount({ period, statistic: 'Sum' }),
              ]),
              graph('NLB: healthy / unhealthy hosts', [nlb.tg.healthyHostCount({ period, statistic: 'Minimum' }), nlb.tg.unHealthyHostCount({ period, statistic: 'Maximum' })]),
            ]]
          : []),
        [
          graph('Service: CPU and memory (%)', [service.service.metricCpuUtilization({ period }), service.service.metricMemoryUtilization({ period })]),
          graph('Service: running tasks', [runningTasks]),
          graph('Service: 5xx (from the request log)', [serverErrors.with({ statistic: 'Sum' })]),
        ],
        [
          graph('Service: latency (ms, from the request log)', [latency.with({ statistic: 'p50' }), latency.with({ statistic: 'p99' })]),
          new cloudwatch.SingleValueWidget({ title: 'Certificate: days to expiry', metrics: [certificate.metricDaysToExpiry()], width: 8 }),
          new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...this.alarms], width: 8 }),
        ],
      ],
    });
  }
}
