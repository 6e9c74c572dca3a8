/** Lambda entry of the validation-record cleanup: {@link handleCleanupEvent} wired to Route 53. */
import { ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand, ListResourceRecordSetsCommandOutput, Route53Client } from '@aws-sdk/client-route-53';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { respondToCloudFormation } from '../../custom-resource/respond';
import { CleanupDependencies, handleCleanupEvent, RecordSet } from './cleanup';

const route53 = new Route53Client({});

const aws: CleanupDependencies = {
  async listRecordSets(hostedZoneId) {
    const all: RecordSet[] = [];
    let next: Pick<ListResourceRecordSetsCommandOutput, 'NextRecordName' | 'NextRecordType'> | undefined;
    do {
      const page: ListResourceRecordSetsCommandOutput = await route53.send(
        new ListResourceRecordSetsCommand({ HostedZoneId: hostedZoneId, StartRecordName: next?.NextRecordName, StartRecordType: next?.NextRecordType }),
      );
      all.push(...((page.ResourceRecordSets ?? []) as RecordSet[]));
      next = page.IsTruncated ? page : undefined;
    } while (next);
    return all;
  },
  async deleteRecordSets(hostedZoneId, recordSets) {
    await route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: hostedZoneId,
        ChangeBatch: {
          Comment: 'ACM validation records, removed so the zone can be deleted',
          Changes: recordSets.map((r) => ({ Action: 'DELETE', ResourceRecordSet: { Name: r.Name, Type: 'CNAME', TTL: r.TTL, ResourceRecords: r.ResourceRecords?.map((v) => ({ Value: v.Value })) } })),
        },
      }),
    );
  },
  respond: respondToCloudFormation,
};

export const handler = async (event: CloudFormationCustomResourceEvent): Promise<void> => {
  await handleCleanupEvent(event, aws);
};
