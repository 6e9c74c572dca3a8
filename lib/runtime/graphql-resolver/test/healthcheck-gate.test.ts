import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse } from 'aws-lambda';
import { FunctionState, GateDependencies, handleGateEvent, isNotReadyError, isRollingBack, RESPONSE_MARGIN_MS } from '../src/healthcheck-gate';

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
    functionState: async () => ({ state: 'Active', lastUpdateStatus: 'Successful', timeoutSeconds: 90 }),
    respond: async (_url, response) => {
      responses.push(response);
    },
  };
  return { deps, responses, checksRun };
}

/** Lambda's refusal to invoke a function that is not ready, as the SDK throws it. */
function notReady(message = 'The function is inactive and its VPC connection is no longer available. Wait for the VPC connection to reestablish and try again.'): Error {
  return Object.assign(new Error(message), { name: 'ResourceNotReadyException' });
}

/**
 * A check function that went idle: its states, one per read (the last one repeats), and a fake
 * clock that the gate's pauses advance. Invoking it while it is not Active is refused, as Lambda does.
 */
function idleFunction(aws: ReturnType<typeof fakeAws>, states: FunctionState[], gateTimeoutMs = 240_000) {
  let reads = 0;
  let current: FunctionState = states[0];
  const clock = { nowMs: 0, pauses: 0 };
  aws.deps.functionState = async () => {
    current = states[Math.min(reads++, states.length - 1)];
    return current;
  };
  const passing = aws.deps.runCheck;
  aws.deps.runCheck = async (arn) => {
    if (current.state !== 'Active') throw notReady();
    return passing(arn);
  };
  const readiness = {
    pollIntervalMs: 5_000,
    remainingTimeMs: () => gateTimeoutMs - clock.nowMs,
    sleep: async (ms: number) => {
      clock.nowMs += ms;
      clock.pauses += 1;
    },
  };
  return { readiness, clock };
}

const PENDING: FunctionState = { state: 'Pending', stateReason: 'Lambda is creating the network interface', timeoutSeconds: 90 };
const INACTIVE: FunctionState = { state: 'Inactive', stateReason: 'The function is idle', timeoutSeconds: 90 };
const ACTIVE: FunctionState = { state: 'Active', lastUpdateStatus: 'Successful', timeoutSeconds: 90 };

describe('health-check gate', () => {
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

  test('an idle check function (Inactive, then Pending) is woken and waited for: the check runs once it is Active, and passes', async () => {
    const aws = fakeAws('UPDATE_IN_PROGRESS');
    const { readiness, clock } = idleFunction(aws, [INACTIVE, PENDING, PENDING, PENDING, ACTIVE]);
    const outcome = await handleGateEvent(event('Update'), aws.deps, readiness);
    expect(outcome).toMatchObject({ ran: true, status: 'SUCCESS' });
    expect(aws.checksRun).toEqual([CHECK_ARN]);
    expect(clock.pauses).toBe(4);
    expect(aws.responses).toEqual([expect.objectContaining({ Status: 'SUCCESS' })]);
  });

  test('a refused invoke ("currently in the following state: Pending") is retried, not reported as a broken API', async () => {
    const aws = fakeAws('UPDATE_IN_PROGRESS');
    let refusals = 1;
    aws.deps.runCheck = async (arn) => {
      if (refusals-- > 0) throw Object.assign(new Error('The operation cannot be performed at this time. The function is currently in the following state: Pending'), { name: 'ResourceConflictException' });
      aws.checksRun.push(arn);
      return undefined;
    };
    const outcome = await handleGateEvent(event('Update'), aws.deps, { pollIntervalMs: 1, sleep: async () => {} });
    expect(outcome).toMatchObject({ ran: true, status: 'SUCCESS' });
    expect(aws.checksRun).toEqual([CHECK_ARN]);
  });

  test('a function that never becomes Active within the bound fails the gate, saying so (not blaming the API)', async () => {
    const aws = fakeAws('UPDATE_IN_PROGRESS');
    const { readiness, clock } = idleFunction(aws, [INACTIVE, PENDING]);
    const outcome = await handleGateEvent(event('Update'), aws.deps, { ...readiness, timeoutMs: 60_000 });
    expect(outcome).toMatchObject({ ran: false, status: 'FAILED' });
    expect(outcome.reason).toMatch(/the health-check function did not become ready to run within 60 s \(last: state Pending \(Lambda is creating the network interface\)\); the API was not checked/);
    expect(clock.nowMs).toBe(60_000);
    expect(aws.checksRun).toEqual([]);
    expect(aws.responses).toEqual([expect.objectContaining({ Status: 'FAILED', Reason: outcome.reason })]);
  });

  test('the wait ends while the check (its own timeout) and the answer still fit in the gate\'s own timeout', async () => {
    const aws = fakeAws('CREATE_IN_PROGRESS');
    const gateTimeoutMs = 150_000;
    const { readiness, clock } = idleFunction(aws, [PENDING], gateTimeoutMs);
    const outcome = await handleGateEvent(event('Create'), aws.deps, { ...readiness, timeoutMs: 10 * 60_000 });
    expect(outcome).toMatchObject({ ran: false, status: 'FAILED' });
    expect(gateTimeoutMs - clock.nowMs).toBeGreaterThanOrEqual(PENDING.timeoutSeconds! * 1000 + RESPONSE_MARGIN_MS);
    expect(clock.nowMs).toBeGreaterThan(0);
  });

  test('a Failed function fails the gate at once with Lambda\'s reason', async () => {
    const aws = fakeAws('UPDATE_IN_PROGRESS');
    const { readiness, clock } = idleFunction(aws, [{ state: 'Failed', stateReason: 'The subnet has no free IP addresses' }]);
    expect(await handleGateEvent(event('Update'), aws.deps, readiness)).toMatchObject({ status: 'FAILED', reason: expect.stringMatching(/state Failed \(The subnet has no free IP addresses\)/) });
    expect(clock.pauses).toBe(0);
  });

  test('a rollback does not wait for the check function either', async () => {
    const aws = fakeAws('UPDATE_ROLLBACK_IN_PROGRESS');
    const { readiness, clock } = idleFunction(aws, [PENDING]);
    expect(await handleGateEvent(event('Update'), aws.deps, readiness)).toMatchObject({ ran: false, status: 'SUCCESS' });
    expect(clock.pauses).toBe(0);
  });

  test('an unreadable function state still runs the check', async () => {
    const aws = fakeAws('UPDATE_IN_PROGRESS');
    aws.deps.functionState = async () => {
      throw new Error('AccessDenied');
    };
    expect(await handleGateEvent(event('Update'), aws.deps)).toMatchObject({ ran: true, status: 'SUCCESS' });
  });

  test('other invoke errors are not mistaken for a function that is not ready', () => {
    expect(isNotReadyError(notReady())).toBe(true);
    expect(isNotReadyError(new Error('The function is currently in the following state: Inactive'))).toBe(true);
    expect(isNotReadyError(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }))).toBe(false);
    expect(isNotReadyError(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }))).toBe(false);
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
