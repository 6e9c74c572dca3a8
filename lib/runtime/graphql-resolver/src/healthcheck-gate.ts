/**
 * The deploy-time promotion gate's custom-resource handler. It runs outside the consumer VPC
 * (it must reach CloudFormation, Lambda and CloudFormation's response URL) and invokes the health
 * check (`healthcheck.ts`), which runs inside the VPC on the same path as the resolver.
 *
 * Why not `aws-cdk-lib/triggers`: when the check fails during an update, CloudFormation rolls back
 * by sending the resource an Update with its old properties; the trigger provider runs the check
 * again against the same broken API, fails again, and the stack ends in UPDATE_ROLLBACK_FAILED.
 * Here a request that arrives while the stack is rolling back succeeds without running the check:
 * the rollback restores the previous state, whose check already passed when it was deployed.
 *
 * Why it waits for the check function first: Lambda reclaims the network interface of a VPC
 * function that has been idle for weeks and marks it Inactive; the next invoke fails and the
 * function is Pending until a new interface exists. A deploy after a quiet month must not report
 * the API broken because the check could not start, so the gate waits (bounded) for Active.
 */
import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse } from 'aws-lambda';
import { log } from './log';

/** What the gate needs from AWS, injected so the logic is tested without AWS. */
export interface GateDependencies {
  /** The stack's current status, e.g. `UPDATE_ROLLBACK_IN_PROGRESS`; throws when unknown. */
  stackStatus(stackId: string): Promise<string>;
  /**
   * Invokes the check function synchronously; resolves with its error message, or undefined when it
   * passed. Throws when the invoke itself fails (e.g. ResourceNotReadyException).
   */
  runCheck(functionArn: string): Promise<string | undefined>;
  /** The check function's state (Lambda GetFunctionConfiguration); throws when it cannot be read. */
  functionState(functionArn: string): Promise<FunctionState>;
  /** Sends the response to CloudFormation's pre-signed URL. */
  respond(responseUrl: string, response: CloudFormationCustomResourceResponse): Promise<void>;
}

/** What Lambda's GetFunctionConfiguration says about whether a function can run. */
export interface FunctionState {
  /** `Pending`, `Active`, `Inactive` or `Failed`. */
  readonly state?: string;
  /** `InProgress` while an update (a new interface, new code) is being applied. */
  readonly lastUpdateStatus?: string;
  /** Lambda's reason for a Pending, Inactive or Failed state. */
  readonly stateReason?: string;
  /** The function's own timeout, in seconds: the longest one check can take. */
  readonly timeoutSeconds?: number;
}

/** How long the gate waits for the check function to become able to run. */
export interface ReadinessOptions {
  /** The longest wait for Active, in milliseconds (a new Hyperplane interface takes a minute or two). */
  readonly timeoutMs: number;
  /** Pause between two reads of the state. */
  readonly pollIntervalMs: number;
  /**
   * Time left before the gate's own Lambda timeout. The wait ends early enough that the check
   * itself (up to its own timeout) and the answer to CloudFormation still fit: a gate that times
   * out leaves CloudFormation waiting for the custom resource's service timeout.
   */
  readonly remainingTimeMs: () => number;
  /** Waits `ms` (injected so tests need no real time). */
  readonly sleep: (ms: number) => Promise<void>;
}

/** Time kept back for the invoke's own overhead and the response to CloudFormation. */
export const RESPONSE_MARGIN_MS = 15_000;

/** Defaults of {@link ReadinessOptions} (the gate's Lambda timeout is sized from these). */
export const DEFAULT_READINESS_TIMEOUT_MS = 120_000;
const DEFAULT_POLL_INTERVAL_MS = 5_000;

/** The check function as Lambda reports it while it cannot run yet (no new invocations accepted). */
export function isNotReadyError(err: unknown): boolean {
  const { name, message } = err instanceof Error ? err : { name: '', message: String(err) };
  // ResourceNotReadyException: "The function is inactive and its VPC connection is no longer
  // available"; ResourceConflictException: "The function is currently in the following state: Pending".
  return name === 'ResourceNotReadyException' || /currently in the following state: (Pending|Inactive)/.test(message);
}

/** What the gate decided, and why (logged, and returned for tests). */
export interface GateOutcome {
  readonly ran: boolean;
  readonly status: 'SUCCESS' | 'FAILED';
  readonly reason: string;
}

/** True for the statuses in which CloudFormation sends requests to undo a failed deployment. */
export function isRollingBack(stackStatus: string): boolean {
  return /ROLLBACK_IN_PROGRESS$/.test(stackStatus);
}

/** Decides, runs the check when due, and always answers CloudFormation (never leaves it waiting). */
export async function handleGateEvent(event: CloudFormationCustomResourceEvent, deps: GateDependencies, readiness: Partial<ReadinessOptions> = {}): Promise<GateOutcome> {
  const options: ReadinessOptions = {
    timeoutMs: DEFAULT_READINESS_TIMEOUT_MS,
    pollIntervalMs: DEFAULT_POLL_INTERVAL_MS,
    remainingTimeMs: () => Number.POSITIVE_INFINITY,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    ...readiness,
  };
  let outcome: GateOutcome;
  try {
    outcome = await decideAndRun(event, deps, options);
  } catch (err) {
    outcome = { ran: false, status: 'FAILED', reason: `health-check gate error: ${err instanceof Error ? err.message : String(err)}` };
  }
  log(outcome.status === 'SUCCESS' ? 'info' : 'error', 'health-check gate', { requestType: event.RequestType, ...outcome });
  await deps.respond(event.ResponseURL, {
    Status: outcome.status,
    // CloudFormation shows the reason in the stack events; it is capped at 4 KB in total.
    Reason: outcome.reason.slice(0, 1000),
    PhysicalResourceId: 'PhysicalResourceId' in event ? event.PhysicalResourceId : `${event.LogicalResourceId}-health-check`,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  });
  return outcome;
}

async function decideAndRun(event: CloudFormationCustomResourceEvent, deps: GateDependencies, readiness: ReadinessOptions): Promise<GateOutcome> {
  if (event.RequestType === 'Delete') return { ran: false, status: 'SUCCESS', reason: 'nothing to check on delete' };
  let stackStatus: string | undefined;
  try {
    stackStatus = await deps.stackStatus(event.StackId);
  } catch (err) {
    // Unknown status: run the check, so the gate never lets a forward deploy pass unchecked.
    log('warn', 'could not read the stack status; running the check', { error: err instanceof Error ? err.message : String(err) });
  }
  if (stackStatus && isRollingBack(stackStatus)) {
    return { ran: false, status: 'SUCCESS', reason: `stack is ${stackStatus}: the rollback restores a state whose check passed; not checking again` };
  }
  const functionArn = String(event.ResourceProperties.CheckFunctionArn ?? '');
  if (!functionArn) return { ran: false, status: 'FAILED', reason: 'the CheckFunctionArn property is missing' };
  const result = await runWhenReady(functionArn, deps, readiness);
  if ('notReady' in result) return { ran: false, status: 'FAILED', reason: result.notReady };
  return result.error === undefined
    ? { ran: true, status: 'SUCCESS', reason: 'health check passed' }
    : { ran: true, status: 'FAILED', reason: result.error };
}

/**
 * Invokes the check once the function can run: waits while it is Pending or updating, wakes an
 * Inactive one (its first invoke fails and starts the new interface), and retries the invokes
 * that Lambda refuses because the function is not ready, all within one bounded wait. Only the
 * check's own verdict, or a function that never became ready, decides the outcome.
 */
async function runWhenReady(functionArn: string, deps: GateDependencies, readiness: ReadinessOptions): Promise<{ error: string | undefined } | { notReady: string }> {
  let waitedMs = 0;
  let checkMs = 0;
  let last: string;
  for (;;) {
    let state: FunctionState | undefined;
    try {
      state = await deps.functionState(functionArn);
    } catch (err) {
      // Unreadable state: invoke anyway, as before; a not-ready refusal is still retried below.
      log('warn', 'could not read the check function\'s state; invoking it', { error: err instanceof Error ? err.message : String(err) });
    }
    if (state?.state === 'Failed') {
      return { notReady: `the health-check function ${functionArn} is in state Failed (${state.stateReason ?? 'no reason given'}); it cannot run the check` };
    }
    const mayInvoke = !state || ((state.state === 'Active' || state.state === 'Inactive') && state.lastUpdateStatus !== 'InProgress');
    if (mayInvoke) {
      try {
        return { error: await deps.runCheck(functionArn) };
      } catch (err) {
        if (!isNotReadyError(err)) throw err;
        last = `invoke refused: ${err instanceof Error ? err.message : String(err)}`;
      }
    } else {
      last = `state ${state!.state}${state!.lastUpdateStatus === 'InProgress' ? ', update in progress' : ''}${state!.stateReason ? ` (${state!.stateReason})` : ''}`;
    }
    checkMs = (state?.timeoutSeconds ?? checkMs / 1000) * 1000;
    // After the next pause there must still be time for the check itself (up to its own timeout)
    // and the answer to CloudFormation, within the gate's own Lambda timeout.
    const outOfTime = waitedMs + readiness.pollIntervalMs > readiness.timeoutMs ||
      readiness.remainingTimeMs() - readiness.pollIntervalMs < checkMs + RESPONSE_MARGIN_MS;
    if (outOfTime) {
      return { notReady: `the health-check function did not become ready to run within ${Math.round(waitedMs / 1000)} s (last: ${last}); the API was not checked. Deploy again once the function is Active.` };
    }
    log('info', 'the health-check function is not ready yet; waiting', { last, waitedMs });
    await readiness.sleep(readiness.pollIntervalMs);
    waitedMs += readiness.pollIntervalMs;
  }
}
