/**
 * Waits until AWS has verified the private DNS name of a VPC endpoint service (PrivateLink mode).
 * A consumer's interface endpoint with private DNS on fails to create while the name is
 * `pendingVerification`, so the API stack does not complete (and no consumer stack starts) before
 * the name is `verified`. aws-cdk-lib's VpcEndpointServiceDomainName writes the TXT record and
 * starts a verification; this resource then polls, starts the verification again if AWS reports
 * `failed` (the TXT record may not have propagated at the first check), and fails the deploy with
 * a message naming the name and the record to check when the deadline passes. Delete does nothing.
 */
import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse } from 'aws-lambda';

/** `PrivateDnsNameConfiguration.State` of the service: pendingVerification | verified | failed. */
export interface PrivateDnsState {
  readonly state: string;
  /** The TXT record AWS looks for: `<Name>.<domain>` with the value `<Value>`. */
  readonly txtName?: string;
  readonly txtValue?: string;
}

/** What the wait needs from AWS and the clock, injected so the logic is tested without either. */
export interface WaitDependencies {
  describe(serviceId: string): Promise<PrivateDnsState>;
  startVerification(serviceId: string): Promise<void>;
  sleep(ms: number): Promise<void>;
  /** Milliseconds left before the function must answer CloudFormation itself. */
  remainingMs(): number;
  respond(responseUrl: string, response: CloudFormationCustomResourceResponse): Promise<void>;
}

/** Time between two checks. */
export const POLL_INTERVAL_MS = 15_000;
/** Kept back from the function's timeout to answer CloudFormation. */
export const ANSWER_MARGIN_MS = 20_000;

type Outcome = { status: 'SUCCESS' | 'FAILED'; reason: string };

async function waitForVerification(serviceId: string, name: string, deps: WaitDependencies): Promise<Outcome> {
  let restarts = 0;
  for (let checks = 1; ; checks++) {
    const current = await deps.describe(serviceId);
    if (current.state === 'verified') return { status: 'SUCCESS', reason: `private DNS name ${name} of ${serviceId} verified after ${checks} check(s)` };
    if (current.state === 'failed') {
      restarts++;
      await deps.startVerification(serviceId);
    }
    if (deps.remainingMs() < POLL_INTERVAL_MS + ANSWER_MARGIN_MS) {
      const record = current.txtName ? ` Check the TXT record ${current.txtName} = "${current.txtValue ?? ''}" in the API's zone (public DNS must answer it),` : '';
      return {
        status: 'FAILED',
        reason:
          `private DNS name ${name} of ${serviceId} is still "${current.state}" after ${checks} checks and ${restarts} restarted verification(s), ` +
          `so consumer endpoints with private DNS could not be created.${record} then deploy again.`,
      };
    }
    await deps.sleep(POLL_INTERVAL_MS);
  }
}

/** Handles one event and always answers CloudFormation; returns what it did, for tests and logs. */
export async function handleWaitEvent(event: CloudFormationCustomResourceEvent, deps: WaitDependencies): Promise<Outcome> {
  const serviceId = String(event.ResourceProperties.ServiceId ?? '');
  const name = String(event.ResourceProperties.PrivateDnsName ?? '');
  let outcome: Outcome;
  try {
    outcome = event.RequestType === 'Delete' ? { status: 'SUCCESS', reason: 'nothing to do on delete' } : await waitForVerification(serviceId, name, deps);
  } catch (err) {
    outcome = { status: 'FAILED', reason: `could not read the private DNS state of ${serviceId}: ${err instanceof Error ? err.message : String(err)}` };
  }
  console.log(JSON.stringify({ msg: 'private dns verification', requestType: event.RequestType, serviceId, name, ...outcome }));
  await deps.respond(event.ResponseURL, {
    Status: outcome.status,
    Reason: outcome.reason.slice(0, 1000),
    PhysicalResourceId: `${serviceId}-private-dns-verified`,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  });
  return outcome;
}
