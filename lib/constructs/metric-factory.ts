import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { validateMetricNamespace } from './monitoring-common';

/** Properties of {@link MetricFactory}. */
export interface MetricFactoryProps {
  /**
   * Namespace of the metrics the factory derives from logs. It must differ per environment: a
   * metric filter cannot add a constant dimension, so the namespace is what keeps one
   * environment's 5xx out of another's alarm when both run in one account.
   */
  readonly namespace: string;
  /**
   * Period of every metric it makes (alarms and graphs).
   * @default Duration.minutes(1)
   */
  readonly period?: Duration;
}

/** One place that decides the period and the custom namespace of a monitoring unit's metrics (as cdk-monitoring-constructs' MetricFactory). */
export class MetricFactory {
  /** The custom namespace of metrics derived from logs. */
  public readonly namespace: string;
  /** The period of every metric. */
  public readonly period: Duration;

  constructor(props: MetricFactoryProps) {
    this.namespace = props.namespace;
    this.period = props.period ?? Duration.minutes(1);
  }

  /** A metric from a CDK `metricXxx(options)` method, at this factory's period. */
  public metric(make: (options: cloudwatch.MetricOptions) => cloudwatch.Metric, statistic: string): cloudwatch.Metric {
    return make({ period: this.period, statistic });
  }

  /** A metric published by a metric filter on `logGroup` into this factory's namespace; the filter is created in `scope` as `metricName`. */
  public fromLogs(scope: Construct, logGroup: logs.ILogGroup, options: { metricName: string; filterPattern: logs.IFilterPattern; metricValue: string; unit: cloudwatch.Unit; defaultValue?: number; dimensions?: Record<string, string> }): cloudwatch.Metric {
    validateMetricNamespace(scope, this.namespace);
    // Created in the caller's construct (not `this`: the factory is no construct), so the filter's logical id is the caller's.
    // eslint-disable-next-line awscdk/require-passing-this
    return new logs.MetricFilter(scope, options.metricName, {
      logGroup,
      filterPattern: options.filterPattern,
      metricNamespace: this.namespace,
      metricName: options.metricName,
      metricValue: options.metricValue,
      unit: options.unit,
      defaultValue: options.defaultValue,
      dimensions: options.dimensions,
    }).metric({ period: this.period });
  }
}
