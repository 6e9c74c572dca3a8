/**
 * The deploy-time promotion gate's custom-resource handler (#12). It runs outside the consumer VPC
 * (it must reach CloudFormation, Lambda and CloudFormation's response URL) and invokes the health
 * check (`healthcheck.ts`), which runs inside the VPC on the same path as the resolver.
 *
 * Why not `aws-cdk-lib/triggers`: when the check fails during an update, CloudFormation rolls back
 * by sending the resource an Update with its old properties; the trigger provider runs the check
 * again against the same broken API, fails again, and the stack ends in UPDATE_ROLLBACK_FAILED.
 * Here a request that arrives while the stack is rolling back succeeds without running the check:
 * the rollback restores the previous state, whose check already passed when it was deployed.
 */
import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse } from 'aws-lambda';
import { log } from './log';

/** What the gate needs from AWS, injected so the logic is tested without AWS. */
export interface GateDependencies {
  /** The stack's current status, e.g. `UPDATE_ROLLBACK_IN_PROGRESS`; throws when unknown. */
  stackStatus(stackId: string): Promise<string>;
  /** Invokes the check function synchronously; resolves with its error message, or undefined when it passed. */
  runCheck(functionArn: string): Promise<string | undefined>;
  /** Sends the response to CloudFormation's pre-signed URL. */
  respond(responseUrl: string, response: CloudFormationCustomResourceResponse): Promise<void>;
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
export async function handleGateEvent(event: CloudFormationCustomResourceEvent, deps: GateDependencies): Promise<GateOutcome> {
  let outcome: GateOutcome;
  try {
    outcome = await decideAndRun(event, deps);
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

async function decideAndRun(event: CloudFormationCustomResourceEvent, deps: GateDependencies): Promise<GateOutcome> {
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
  const error = await deps.runCheck(functionArn);
  return error === undefined
    ? { ran: true, status: 'SUCCESS', reason: 'health check passed' }
    : { ran: true, status: 'FAILED', reason: error };
}
