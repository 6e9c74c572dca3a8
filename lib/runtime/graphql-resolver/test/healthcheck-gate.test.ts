import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse } from 'aws-lambda';
import { GateDependencies, handleGateEvent, isRollingBack } from '../src/healthcheck-gate';

const CHECK_ARN = 'arn:aws:lambda:eu-west-1:555555555555:function:HealthCheck:7';

function event(requestType: 'Create' | 'Update' | 'Delete'): CloudFormationCustomResourceEvent {
  const common = {
    ServiceToken: 'arn:aws:lambda:eu-west-1:555555555555:function:Gate',
    ResponseURL: 'https://cloudformation-custom-resource-response.example/response',
    StackId: 'arn:aws:cloudformation:eu-west-1:555555555555:stack/Dev-ConsumerApp-storefront/1',
    RequestId: 'request-1',
    LogicalResourceId: 'GraphqlHealthCheckGate',
    ResourceType: 'Custom::HealthCheckGate',
    ResourceProperties: { ServiceToken: 'x', CheckFunctionArn: CHECK_ARN },
  };
  if (requestType === 'Create') return { ...common, RequestType: 'Create' };
  const existing = { ...common, PhysicalResourceId: 'GraphqlHealthCheckGate-health-check' };
  return requestType === 'Update' ? { ...existing, RequestType: 'Update', OldResourceProperties: { ServiceToken: 'x', CheckFunctionArn: CHECK_ARN } } : { ...existing, RequestType: 'Delete' };
}

/** Fake AWS: a stack status, a check that passes or fails, and the responses sent. */
function fakeAws(stackStatus: string | Error, checkError?: string) {
  const responses: CloudFormationCustomResourceResponse[] = [];
  const checksRun: string[] = [];
  const deps: GateDependencies = {
    stackStatus: async () => {
      if (stackStatus instanceof Error) throw stackStatus;
      return stackStatus;
    },
    runCheck: async (arn) => {
      checksRun.push(arn);
      return checkError;
    },
    respond: async (_url, response) => {
      responses.push(response);
    },
  };
  return { deps, responses, checksRun };
}

describe('health-check gate (#12)', () => {
  beforeEach(() => {
    jest.spyOn(console, 'log').mockImplementation(() => {});
    jest.spyOn(console, 'warn').mockImplementation(() => {});
    jest.spyOn(console, 'error').mockImplementation(() => {});
  });
  afterEach(() => jest.restoreAllMocks());

  test('a failed check fails the forward update, with the check\'s diagnosis', async () => {
    const aws = fakeAws('UPDATE_IN_PROGRESS', 'Health check of https://api.dev.example.com/healthz failed after 5 attempts. HTTP: /healthz answered 503');
    const outcome = await handleGateEvent(event('Update'), aws.deps);
    expect(aws.checksRun).toEqual([CHECK_ARN]);
    expect(outcome.status).toBe('FAILED');
    expect(aws.responses).toEqual([expect.objectContaining({ Status: 'FAILED', Reason: expect.stringMatching(/answered 503/), PhysicalResourceId: 'GraphqlHealthCheckGate-health-check' })]);
  });

  test('the rollback of that update succeeds without calling the broken API again', async () => {
    const aws = fakeAws('UPDATE_ROLLBACK_IN_PROGRESS', 'still broken');
    const outcome = await handleGateEvent(event('Update'), aws.deps);
    expect(aws.checksRun).toEqual([]);
    expect(outcome).toMatchObject({ ran: false, status: 'SUCCESS' });
    expect(aws.responses).toEqual([expect.objectContaining({ Status: 'SUCCESS', RequestId: 'request-1', LogicalResourceId: 'GraphqlHealthCheckGate' })]);
  });

  test('a create runs the check and passes when the API answers', async () => {
    const aws = fakeAws('CREATE_IN_PROGRESS');
    expect(await handleGateEvent(event('Create'), aws.deps)).toMatchObject({ ran: true, status: 'SUCCESS' });
    expect(aws.responses[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'GraphqlHealthCheckGate-health-check' });
  });

  test('a delete (teardown, or removal after a failed create) never checks', async () => {
    const aws = fakeAws('ROLLBACK_IN_PROGRESS', 'broken');
    expect(await handleGateEvent(event('Delete'), aws.deps)).toMatchObject({ ran: false, status: 'SUCCESS' });
    expect(aws.checksRun).toEqual([]);
  });

  test('an unknown stack status runs the check: the gate never lets a forward deploy through unchecked', async () => {
    const aws = fakeAws(new Error('AccessDenied'), 'broken');
    expect(await handleGateEvent(event('Update'), aws.deps)).toMatchObject({ ran: true, status: 'FAILED' });
  });

  test('always answers CloudFormation, even when invoking the check throws', async () => {
    const aws = fakeAws('UPDATE_IN_PROGRESS');
    aws.deps.runCheck = async () => {
      throw new Error('Rate exceeded');
    };
    expect(await handleGateEvent(event('Update'), aws.deps)).toMatchObject({ status: 'FAILED', reason: expect.stringMatching(/gate error: Rate exceeded/) });
    expect(aws.responses).toHaveLength(1);
  });

  test.each([
    ['UPDATE_ROLLBACK_IN_PROGRESS', true],
    ['ROLLBACK_IN_PROGRESS', true],
    ['UPDATE_IN_PROGRESS', false],
    ['UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', false],
    ['UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', false],
  ])('isRollingBack(%s) = %s', (status, expected) => {
    expect(isRollingBack(status)).toBe(expected);
  });
});
