import * as path from 'node:path';
import { CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEFAULT_READINESS_TIMEOUT_MS, RESPONSE_MARGIN_MS } from '../runtime/graphql-resolver/src/healthcheck-gate';
import { DeployTimeFunction } from './deploy-time-function';
import { RetainedLogGroup } from './retained-log-group';

/** The gate handler's source (`healthcheck-gate-lambda.ts` wires `healthcheck-gate.ts` to AWS). */
const GATE_ENTRY = path.join(__dirname, '..', 'runtime', 'graphql-resolver', 'src', 'healthcheck-gate-lambda.ts');

/** Lambda's limits: the default timeout of a function that sets none, and the longest allowed. */
const LAMBDA_DEFAULT_TIMEOUT = Duration.seconds(3);
const MAX_LAMBDA_TIMEOUT = Duration.minutes(15);

/** Properties of {@link HealthCheckGate}. */
export interface HealthCheckGateProps {
  /**
   * The check: a function that throws (with the broken layer's name) when the path it checks is
   * broken. The gate invokes its current version, so new check code runs the check again.
   */
  readonly checkFunction: lambda.Function;
  /**
   * Values resolved at deploy time (shared parameters, the API revision): any change is an update
   * of the gate, which runs the check again.
   * @default - none: the check runs on create and when its code changes
   */
  readonly checkedInputs?: Record<string, string>;
  /** Retention of the gate handler's log group. */
  readonly logRetention: logs.RetentionDays;
}

/**
 * The deploy-time promotion gate: a custom resource whose handler, outside any VPC, invokes the
 * check inside it, and fails the deployment with the check's diagnosis. It is deliberately not
 * `aws-cdk-lib/triggers`: it does nothing while the stack rolls back, so a failed check cannot
 * wedge the stack in UPDATE_ROLLBACK_FAILED (see healthcheck-gate.ts).
 *
 * The handler, its role and log group are siblings (`<id>Function`, `<id>FunctionRole`,
 * `<id>FunctionLogs`), so the logical ids of gates deployed before this construct existed stay the same.
 */
export class HealthCheckGate extends CustomResource {
  /** The gate's handler (outside any VPC: it must reach CloudFormation, Lambda and the response URL). */
  public readonly handler: DeployTimeFunction;

  constructor(scope: Construct, id: string, props: HealthCheckGateProps) {
    const check = props.checkFunction.currentVersion;
    const checkTimeout = props.checkFunction.timeout ?? LAMBDA_DEFAULT_TIMEOUT;
    // The wait for Active, then the check (up to its own timeout), then the answer to CloudFormation.
    const handlerTimeout = Duration.millis(DEFAULT_READINESS_TIMEOUT_MS + checkTimeout.toMilliseconds() + RESPONSE_MARGIN_MS);
    if (handlerTimeout.toSeconds() > MAX_LAMBDA_TIMEOUT.toSeconds()) {
      throw new Error(`${scope.node.path}/${id}: the check function's timeout of ${checkTimeout.toSeconds()} s leaves the gate no time to wait for it and answer within Lambda's ` +
        `${MAX_LAMBDA_TIMEOUT.toMinutes()}-minute limit; give the check a timeout of at most ${MAX_LAMBDA_TIMEOUT.toSeconds() - (DEFAULT_READINESS_TIMEOUT_MS + RESPONSE_MARGIN_MS) / 1000} s.`);
    }
    const handler = gateHandler(scope, `${id}Function`, check, handlerTimeout, props.logRetention);
    super(scope, id, {
      serviceToken: handler.functionArn,
      resourceType: 'Custom::HealthCheckGate',
      // A handler that never answers fails the deploy after this, not after CloudFormation's
      // default hour; longer than the handler's own timeout, which always answers itself.
      serviceTimeout: Duration.seconds(Math.max(300, handlerTimeout.toSeconds() + 60)),
      properties: {
        // The version: new check code re-runs the check.
        CheckFunctionArn: check.functionArn,
        CheckedInputs: props.checkedInputs ?? {},
      },
    });
    this.handler = handler;
  }
}

/**
 * The gate's handler: it may read this stack's status (is it rolling back?), read the check
 * version's state (wait for an idle function to become Active again) and invoke it; nothing else.
 */
function gateHandler(scope: Construct, id: string, check: lambda.IVersion, timeout: Duration, logRetention: logs.RetentionDays): DeployTimeFunction {
  // eslint-disable-next-line awscdk/require-passing-this, awscdk/no-variable-construct-id -- siblings keep the deployed logical ids
  const logGroup = new RetainedLogGroup(scope, `${id}Logs`, { retention: logRetention });
  // eslint-disable-next-line awscdk/require-passing-this, awscdk/no-variable-construct-id -- siblings keep the deployed logical ids
  const role = new iam.Role(scope, `${id}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  logGroup.grantWrite(role);
  role.addToPolicy(new iam.PolicyStatement({ actions: ['cloudformation:DescribeStacks'], resources: [Stack.of(scope).stackId] }));
  check.grantInvoke(role);
  role.addToPolicy(new iam.PolicyStatement({ actions: ['lambda:GetFunctionConfiguration'], resources: [check.functionArn] }));
  // eslint-disable-next-line awscdk/require-passing-this, awscdk/no-variable-construct-id -- siblings keep the deployed logical ids
  return new DeployTimeFunction(scope, id, {
    entry: GATE_ENTRY,
    role,
    logGroup,
    timeout,
  });
}
