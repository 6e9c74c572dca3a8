import { Duration } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CONTAINER_PORT, DRAIN_TIMEOUT_MS, HEALTH_CHECK_PATH } from '../runtime/api-service/src/settings';

/**
 * The defaults of {@link InternalNlbService}, in one place (as aws-solutions-constructs'
 * fargate-defaults.ts): the smallest Fargate size, two tasks (one per AZ of the two the NLB needs
 * at least), room to double, and the port, path and drain time of the service in lib/runtime.
 */
export const INTERNAL_NLB_SERVICE_DEFAULTS = {
  containerPort: CONTAINER_PORT,
  healthCheckPath: HEALTH_CHECK_PATH,
  appDrainTime: Duration.millis(DRAIN_TIMEOUT_MS),
  desiredCount: 2,
  /** The autoscaling ceiling, as a multiple of `desiredCount`. */
  maxCapacityFactor: 2,
  cpu: 256,
  memoryLimitMiB: 512,
  cpuArchitecture: ecs.CpuArchitecture.X86_64,
  logRetention: logs.RetentionDays.ONE_MONTH,
  // Never SslPolicy.RECOMMENDED: despite its name that is the 2016 policy.
  sslPolicy: elbv2.SslPolicy.TLS13_RES,
  targetCpuUtilizationPercent: 60,
  healthCheckGracePeriod: Duration.seconds(60),
  /** Seconds between the app's drain and Fargate's SIGKILL after stopTimeout. */
  stopMargin: Duration.seconds(10),
} as const;
