import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse } from 'aws-lambda';
import { ANSWER_MARGIN_MS, handleWaitEvent, POLL_INTERVAL_MS, PrivateDnsState, WaitDependencies } from '../src/wait';

const SERVICE = 'vpce-svc-0123456789abcdef0';

function event(requestType: 'Create' | 'Update' | 'Delete'): CloudFormationCustomResourceEvent {
  const common = {
    ServiceToken: 'x',
    ResponseURL: 'https://cloudformation-custom-resource-response.example/r',
    StackId: 'arn:aws:cloudformation:eu-west-1:444444444444:stack/Dev-ApiService/1',
    RequestId: 'r1',
    LogicalResourceId: 'PrivateDnsVerified',
    ResourceType: 'Custom::PrivateDnsVerification',
    ResourceProperties: { ServiceToken: 'x', ServiceId: SERVICE, PrivateDnsName: 'api.dev.example.com' },
  };
  if (requestType === 'Create') return { ...common, RequestType: 'Create' };
  if (requestType === 'Update') return { ...common, RequestType: 'Update', PhysicalResourceId: 'p', OldResourceProperties: { ServiceToken: 'x' } };
  return { ...common, RequestType: 'Delete', PhysicalResourceId: 'p' };
}

/** EC2 answering `states` in turn (the last one repeats), a clock that `sleep` advances, a time budget. */
function fake(states: (PrivateDnsState | Error)[], budgetMs = 15 * 60_000) {
  let now = 0;
  const calls = { describe: 0, restarts: 0 };
  const responses: CloudFormationCustomResourceResponse[] = [];
  const deps: WaitDependencies = {
    describe: async (id) => {
      expect(id).toBe(SERVICE);
      const s = states[Math.min(calls.describe++, states.length - 1)];
      if (s instanceof Error) throw s;
      return s;
    },
    startVerification: async () => {
      calls.restarts++;
    },
    sleep: async (ms) => {
      now += ms;
    },
    remainingMs: () => budgetMs - now,
    respond: async (_url, r) => {
      responses.push(r);
    },
  };
  return { deps, calls, responses, elapsed: () => now };
}

const pending: PrivateDnsState = { state: 'pendingVerification', txtName: '_abc.api.dev.example.com', txtValue: 'vpce:xyz' };

describe('private DNS verification wait', () => {
  let logged: string[];
  beforeEach(() => {
    logged = [];
    jest.spyOn(console, 'log').mockImplementation((line: string) => void logged.push(line));
  });
  afterEach(() => jest.restoreAllMocks());

  test('answers SUCCESS as soon as the name is verified (after polling while pending)', async () => {
    const f = fake([pending, pending, { state: 'verified' }]);
    expect((await handleWaitEvent(event('Create'), f.deps)).status).toBe('SUCCESS');
    expect(f.calls.describe).toBe(3);
    expect(f.elapsed()).toBe(2 * POLL_INTERVAL_MS);
    expect(f.responses).toEqual([expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: `${SERVICE}-private-dns-verified`, RequestId: 'r1' })]);
  });

  test('a failed verification is started again (the TXT record may not have propagated), then succeeds', async () => {
    const f = fake([{ state: 'failed' }, pending, { state: 'verified' }]);
    expect((await handleWaitEvent(event('Update'), f.deps)).status).toBe('SUCCESS');
    expect(f.calls.restarts).toBe(1);
  });

  test('still pending at the deadline: FAILED before the function times out, naming the TXT record to check', async () => {
    const budget = 5 * 60_000;
    const f = fake([pending], budget);
    const outcome = await handleWaitEvent(event('Create'), f.deps);
    expect(outcome.status).toBe('FAILED');
    expect(outcome.reason).toContain('api.dev.example.com');
    expect(outcome.reason).toContain('_abc.api.dev.example.com = "vpce:xyz"');
    // It answered with time to spare: at least the margin was left.
    expect(budget - f.elapsed()).toBeGreaterThanOrEqual(ANSWER_MARGIN_MS);
    expect(f.responses).toHaveLength(1);
    expect(f.responses[0].Status).toBe('FAILED');
    // One JSON line for the operator, with the same outcome CloudFormation got.
    expect(logged.map((l) => JSON.parse(l))).toEqual([expect.objectContaining({ msg: 'private dns verification', serviceId: SERVICE, status: 'FAILED', reason: outcome.reason })]);
  });

  test('an EC2 error fails the resource with the message, and CloudFormation is still answered', async () => {
    const f = fake([new Error('UnauthorizedOperation')]);
    const outcome = await handleWaitEvent(event('Create'), f.deps);
    expect(outcome).toEqual({ status: 'FAILED', reason: expect.stringContaining('UnauthorizedOperation') });
    expect(f.responses).toHaveLength(1);
  });

  test('Delete answers SUCCESS without calling EC2 (nothing to undo; a deleted service must not block)', async () => {
    const f = fake([new Error('must not be called')]);
    expect((await handleWaitEvent(event('Delete'), f.deps)).status).toBe('SUCCESS');
    expect(f.calls.describe).toBe(0);
  });
});
