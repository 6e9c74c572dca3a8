import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { ApiClients } from '../../lib/constructs/api-clients';
import { ApiMonitoring, ApiMonitoringProps } from '../../lib/constructs/api-monitoring';
import { API_MONITORING_DEFAULTS as D } from '../../lib/constructs/api-monitoring-defaults';
import { InternalNlbService } from '../../lib/constructs/internal-nlb-service';
import { MetricFactory } from '../../lib/constructs/metric-factory';
import { PrivateNetwork } from '../../lib/constructs/private-network';
import { bareStack } from '../helpers';

const AZS = ['eu-west-1a', 'eu-west-1b'];
const DESIRED = 3;

function build(props: Partial<ApiMonitoringProps> = {}): Template {
  const stack = bareStack(AZS);
  const network = new PrivateNetwork(stack, 'Network', {
    cidr: '10.10.0.0/20', availabilityZones: AZS, workloadSubnetMask: 22, transitSubnetMask: 28,
    transitGatewayId: 'tgw-0123456789abcdef0', peerCidrs: ['10.20.0.0/20'], ecrLayerS3Endpoint: true,
  });
  const service = new InternalNlbService(stack, 'Api', {
    network,
    certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:eu-west-1:444444444444:certificate/abc'),
    clients: ApiClients.fromCidrs(['10.20.0.0/20']),
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/example/api:1.0.0'),
    desiredCount: DESIRED,
  });
  new ApiMonitoring(stack, 'Monitoring', { service, name: 'api-test', ...props });
  return Template.fromStack(stack);
}

const thresholdOf = (t: Template, name: string) =>
  (Object.values(t.findResources('AWS::CloudWatch::Alarm')).find((a) => a.Properties.AlarmName === `api-test-${name}`)!.Properties as { Threshold: number; Period?: number }).Threshold;

describe('ApiMonitoring', () => {
  test('with no thresholds: the defaults file, and the service\'s desired count as the healthy-hosts floor', () => {
    const t = build();
    expect({
      UnhealthyHosts: thresholdOf(t, 'UnhealthyHosts'),
      TooFewHealthyHosts: thresholdOf(t, 'TooFewHealthyHosts'),
      TargetResets: thresholdOf(t, 'TargetResets'),
      Target5xx: thresholdOf(t, 'Target5xx'),
      CertificateExpiry: thresholdOf(t, 'CertificateExpiry'),
    }).toEqual({ UnhealthyHosts: D.unhealthyHosts, TooFewHealthyHosts: DESIRED, TargetResets: D.targetResets, Target5xx: D.serverErrors, CertificateExpiry: D.certificateExpiryDays });
  });

  test('takes the thresholds it is given', () => {
    const t = build({ thresholds: { serverErrors: 50, healthyHosts: 1 } });
    expect([thresholdOf(t, 'Target5xx'), thresholdOf(t, 'TooFewHealthyHosts'), thresholdOf(t, 'TargetResets')]).toEqual([50, 1, D.targetResets]);
  });

  test('its metrics come from the factory: namespace and period', () => {
    const t = build({ metricFactory: new MetricFactory({ namespace: 'team/qa', period: Duration.minutes(5) }) });
    t.hasResourceProperties('AWS::Logs::MetricFilter', { MetricTransformations: [{ MetricNamespace: 'team/qa', MetricName: 'ServerErrors', MetricValue: '1', DefaultValue: 0, Unit: 'Count' }] });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'api-test-Target5xx', Namespace: 'team/qa', Period: 300 });
  });

  test('without a factory, the metrics go to the namespace named after the unit (unique per environment, like the name)', () => {
    build().hasResourceProperties('AWS::Logs::MetricFilter', { MetricTransformations: [{ MetricNamespace: 'api-test', MetricName: 'Latency', MetricValue: '$.durationMs', Unit: 'Milliseconds' }] });
  });

  test('an invalid namespace fails at synth, naming it', () => {
    expect(() => build({ metricFactory: new MetricFactory({ namespace: 'AWS/ECS' }) })).toThrow(/metricNamespace "AWS\/ECS" is not a valid custom namespace/);
  });
});
