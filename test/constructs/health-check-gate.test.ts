import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { HealthCheckGate } from '../../lib/constructs/health-check-gate';
import { DEFAULT_READINESS_TIMEOUT_MS, RESPONSE_MARGIN_MS } from '../../lib/runtime/graphql-resolver/src/healthcheck-gate';
import { bareStack } from '../helpers';

/** A bare stack with a check function (inline code: the gate never looks inside it) and its gate. */
function build(checkTimeout = Duration.seconds(90)) {
  const stack = bareStack();
  const check = new lambda.Function(stack, 'Check', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}'), timeout: checkTimeout });
  const gate = new HealthCheckGate(stack, 'Gate', { checkFunction: check, checkedInputs: { apiBaseUrl: 'https://api.dev.example.com' }, logRetention: logs.RetentionDays.ONE_MONTH });
  return { stack, check, gate, template: Template.fromStack(stack) };
}

interface Statement { Action: string | string[]; Resource: unknown }

describe('HealthCheckGate', () => {
  const { stack, check, gate, template } = build();
  const versionRef = stack.resolve(check.currentVersion.functionArn);
  const statements = Object.entries(template.findResources('AWS::IAM::Policy'))
    .filter(([id]) => id.startsWith('GateFunctionRole'))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);

  test('its handler may read the check version\'s state (to wait for an idle function) and invoke it: that version only', () => {
    const onCheck = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('lambda:')));
    expect(onCheck).toEqual([expect.objectContaining({ Action: ['lambda:GetFunctionConfiguration', 'lambda:InvokeFunction'], Resource: versionRef })]);
  });

  test('beyond that, it may read this stack\'s status and write its own log group, nothing else', () => {
    const actions = statements.flatMap((s) => [s.Action].flat()).sort();
    expect(actions).toEqual(['cloudformation:DescribeStacks', 'lambda:GetFunctionConfiguration', 'lambda:InvokeFunction', 'logs:CreateLogStream', 'logs:PutLogEvents']);
  });

  test('its handler outlives the wait for Active plus the check, and answers before CloudFormation\'s service timeout', () => {
    const handler = template.findResources('AWS::Lambda::Function')[stack.getLogicalId(gate.handler.node.defaultChild as lambda.CfnFunction)];
    const handlerTimeoutMs = handler.Properties.Timeout * 1000;
    expect(handlerTimeoutMs).toBeGreaterThanOrEqual(DEFAULT_READINESS_TIMEOUT_MS + check.timeout!.toMilliseconds() + RESPONSE_MARGIN_MS);
    const [resource] = Object.values(template.findResources('Custom::HealthCheckGate'));
    expect(Number(resource.Properties.ServiceTimeout) * 1000).toBeGreaterThan(handlerTimeoutMs);
    expect(handler.Properties.VpcConfig).toBeUndefined();
  });

  test('runs again when the check\'s code or an input changes: both are properties of the resource', () => {
    template.hasResourceProperties('Custom::HealthCheckGate', { CheckFunctionArn: versionRef, CheckedInputs: { apiBaseUrl: 'https://api.dev.example.com' } });
  });

  test('its handler, role and log group are siblings (GateFunction*), so gates deployed before the construct keep their logical ids', () => {
    expect(Object.keys(template.findResources('AWS::Logs::LogGroup'))).toContainEqual(expect.stringMatching(/^GateFunctionLogs[0-9A-F]{8}$/));
    expect(Object.keys(template.findResources('AWS::IAM::Role'))).toContainEqual(expect.stringMatching(/^GateFunctionRole[0-9A-F]{8}$/));
    expect(Object.keys(template.findResources('Custom::HealthCheckGate'))).toEqual(['Gate']);
  });

  test('fails when the check\'s timeout leaves no room within Lambda\'s 15 minutes, naming the longest that fits', () => {
    expect(() => build(Duration.minutes(14))).toThrow(/Test\/Gate: the check function's timeout of 840 s leaves the gate no time .* give the check a timeout of at most 765 s/);
  });
});
