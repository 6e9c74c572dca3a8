import { Duration } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { addAlarmActions, validateMetricNamespace } from './monitoring-common';
import { InternalNlbService } from './internal-nlb-service';

/** Properties of {@link ApiMonitoring}. */
export interface ApiMonitoringProps {
  /** The service to watch. */
  readonly service: InternalNlbService;
  /** The API's certificate (days to expiry). */
  readonly certificate: acm.ICertificate;
  /** Tasks in normal operation (the healthy-hosts alarm's floor). */
  readonly desiredCount: number;
  /**
   * Namespace of the metrics taken from the service's logs. It must differ per environment: a
   * metric filter cannot add a constant dimension, so the namespace is what keeps Dev's 5xx out of
   * Prod's alarm when both run in one account (#14).
   */
  readonly metricNamespace: string;
  /** Prefix of the alarm and dashboard names, e.g. `internal-api-dev-api`; unique per environment. */
  readonly name: string;
  /**
   * Topic notified when an alarm changes state.
   * @default - alarms without actions
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Alarm when the certificate expires in fewer days than this (ACM renews DNS-validated
   * certificates 60 days ahead; still under this means renewal is stuck).
   * @default 30
   */
  readonly certificateExpiryDays?: number;
}

/**
 * The API side's monitoring, one unit per environment: the alarms (unhealthy and too few hosts,
 * target resets, 5xx from the request log, certificate expiry) and one dashboard with the NLB,
 * the service and the certificate.
 */
export class ApiMonitoring extends Construct {
  /** Every alarm, for extra actions. */
  public readonly alarms: readonly cloudwatch.Alarm[];
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ApiMonitoringProps) {
    super(scope, id);
    validateMetricNamespace(this, props.metricNamespace);
    const { service } = props;
    const period = Duration.minutes(1);
    // One JSON line per request (lib/runtime/api-service): { msg: "request", status, durationMs }.
    const requestLine = logs.FilterPattern.stringValue('$.msg', '=', 'request');
    const fromLogs = (metricName: string, filterPattern: logs.IFilterPattern, metricValue: string, unit: cloudwatch.Unit, defaultValue?: number) =>
      new logs.MetricFilter(this, metricName, {
        logGroup: service.logGroup,
        filterPattern,
        metricNamespace: props.metricNamespace,
        metricName,
        metricValue,
        unit,
        defaultValue,
      }).metric({ period });
    const serverErrors = fromLogs('ServerErrors', logs.FilterPattern.all(requestLine, logs.FilterPattern.numberValue('$.status', '>=', 500)), '1', cloudwatch.Unit.COUNT, 0);
    const latency = fromLogs('Latency', requestLine, '$.durationMs', cloudwatch.Unit.MILLISECONDS);

    const lb = service.loadBalancer.metrics;
    const tg = service.targetGroup.metrics;
    const alarm = (alarmId: string, metric: cloudwatch.Metric, options: Omit<cloudwatch.CreateAlarmOptions, 'alarmName'>) =>
      metric.createAlarm(this, alarmId, { alarmName: `${props.name}-${alarmId}`, ...options });
    const expiryDays = props.certificateExpiryDays ?? 30;
    this.alarms = [
      alarm('UnhealthyHosts', tg.unHealthyHostCount({ period, statistic: 'Maximum' }), {
        alarmDescription: 'A target fails the /healthz check.',
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      alarm('TooFewHealthyHosts', tg.healthyHostCount({ period, statistic: 'Minimum' }), {
        alarmDescription: `Fewer healthy targets than the desired count (${props.desiredCount}).`,
        threshold: props.desiredCount,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      }),
      alarm('TargetResets', lb.tcpTargetResetCount({ period, statistic: 'Sum' }), {
        alarmDescription: 'Targets reset TCP connections (crashing or overloaded tasks).',
        threshold: 10,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      alarm('Target5xx', serverErrors.with({ statistic: 'Sum' }), {
        alarmDescription: 'The API answers with 5xx (an NLB has no HTTP metrics; counted from the request log lines).',
        threshold: 5,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      alarm('CertificateExpiry', props.certificate.metricDaysToExpiry({ period: Duration.days(1), statistic: 'Minimum' }), {
        alarmDescription: `The API certificate expires in fewer than ${expiryDays} days: ACM renewal (DNS validation in the API zone) is stuck.`,
        threshold: expiryDays,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      }),
    ];
    addAlarmActions(this.alarms, props.alarmTopic);

    const runningTasks = new cloudwatch.Metric({
      namespace: 'ECS/ContainerInsights',
      metricName: 'RunningTaskCount',
      dimensionsMap: { ClusterName: service.service.cluster.clusterName, ServiceName: service.service.serviceName },
      period,
      statistic: 'Minimum',
    });
    const graph = (title: string, left: cloudwatch.IMetric[]) => new cloudwatch.GraphWidget({ title, left, width: 8 });
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.name,
      widgets: [
        [
          graph('NLB: active flows', [lb.activeFlowCount({ period, statistic: 'Average' })]),
          graph('NLB: TLS negotiation errors, target resets', [
            lb.custom('ClientTLSNegotiationErrorCount', { period, statistic: 'Sum' }),
            lb.tcpTargetResetCount({ period, statistic: 'Sum' }),
          ]),
          graph('NLB: healthy / unhealthy hosts', [tg.healthyHostCount({ period, statistic: 'Minimum' }), tg.unHealthyHostCount({ period, statistic: 'Maximum' })]),
        ],
        [
          graph('Service: CPU and memory (%)', [service.service.metricCpuUtilization({ period }), service.service.metricMemoryUtilization({ period })]),
          graph('Service: running tasks', [runningTasks]),
          graph('Service: 5xx (from the request log)', [serverErrors.with({ statistic: 'Sum' })]),
        ],
        [
          graph('Service: latency (ms, from the request log)', [latency.with({ statistic: 'p50' }), latency.with({ statistic: 'p99' })]),
          new cloudwatch.SingleValueWidget({ title: 'Certificate: days to expiry', metrics: [props.certificate.metricDaysToExpiry()], width: 8 }),
          new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...this.alarms], width: 8 }),
        ],
      ],
    });
  }
}
