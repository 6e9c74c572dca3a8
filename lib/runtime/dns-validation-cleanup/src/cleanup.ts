/**
 * Removes ACM's DNS-validation records from a hosted zone when the zone's stack is deleted or
 * rolled back. CloudFormation writes the validation CNAME into the zone for a DNS-validated
 * certificate but never deletes it, so deleting the zone fails (a zone must be empty but for its
 * SOA and NS records) and the stack ends in DELETE_FAILED. Runs on Delete only; Create and Update
 * do nothing.
 */
import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse } from 'aws-lambda';

/** A record set as Route 53 lists it (the fields a DELETE must repeat exactly). */
export interface RecordSet {
  readonly Name: string;
  readonly Type: string;
  readonly TTL?: number;
  readonly ResourceRecords?: readonly { readonly Value: string }[];
}

/** What the cleanup needs from AWS, injected so the logic is tested without AWS. */
export interface CleanupDependencies {
  /** Every record set of the zone (all pages). */
  listRecordSets(hostedZoneId: string): Promise<RecordSet[]>;
  /** Deletes the record sets in one change batch. */
  deleteRecordSets(hostedZoneId: string, recordSets: readonly RecordSet[]): Promise<void>;
  /** Sends the response to CloudFormation's pre-signed URL. */
  respond(responseUrl: string, response: CloudFormationCustomResourceResponse): Promise<void>;
}

/** ACM's validation records: `_<token>.<name>. CNAME _<token>.<...>.acm-validations.aws.` */
export function acmValidationRecords(recordSets: readonly RecordSet[]): RecordSet[] {
  return recordSets.filter(
    (r) =>
      r.Type === 'CNAME' &&
      r.Name.startsWith('_') &&
      (r.ResourceRecords ?? []).length > 0 &&
      (r.ResourceRecords ?? []).every((v) => /\.acm-validations\.aws\.?$/.test(v.Value)),
  );
}

/** Handles one event and always answers CloudFormation; returns what it did, for tests and logs. */
export async function handleCleanupEvent(event: CloudFormationCustomResourceEvent, deps: CleanupDependencies): Promise<{ status: 'SUCCESS' | 'FAILED'; reason: string }> {
  const hostedZoneId = String(event.ResourceProperties.HostedZoneId ?? '');
  let outcome: { status: 'SUCCESS' | 'FAILED'; reason: string };
  try {
    if (event.RequestType !== 'Delete') {
      outcome = { status: 'SUCCESS', reason: 'nothing to do until the zone is deleted' };
    } else {
      const stale = acmValidationRecords(await deps.listRecordSets(hostedZoneId));
      if (stale.length > 0) await deps.deleteRecordSets(hostedZoneId, stale);
      outcome = { status: 'SUCCESS', reason: `deleted ${stale.length} ACM validation record(s): ${stale.map((r) => r.Name).join(', ') || 'none'}` };
    }
  } catch (err) {
    outcome = { status: 'FAILED', reason: `could not remove the ACM validation records of ${hostedZoneId}: ${err instanceof Error ? err.message : String(err)}` };
  }
  console.log(JSON.stringify({ msg: 'acm validation cleanup', requestType: event.RequestType, hostedZoneId, ...outcome }));
  await deps.respond(event.ResponseURL, {
    Status: outcome.status,
    Reason: outcome.reason.slice(0, 1000),
    PhysicalResourceId: 'PhysicalResourceId' in event ? event.PhysicalResourceId : `${hostedZoneId}-acm-validation-cleanup`,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  });
  return outcome;
}
