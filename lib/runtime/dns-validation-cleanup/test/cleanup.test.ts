import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse } from 'aws-lambda';
import { acmValidationRecords, CleanupDependencies, handleCleanupEvent, RecordSet } from '../src/cleanup';

const ZONE = 'Z0SUBZONE';
const VALIDATION: RecordSet = {
  Name: '_3639ac514e785e898d2646601fa951d5.api.dev.example.com.',
  Type: 'CNAME',
  TTL: 60,
  ResourceRecords: [{ Value: '_98d2646601fa951d53639ac514e785e8.mhbtsbpdnt.acm-validations.aws.' }],
};
const ZONE_RECORDS: RecordSet[] = [
  { Name: 'api.dev.example.com.', Type: 'NS', TTL: 172800, ResourceRecords: [{ Value: 'ns-1.awsdns-00.com.' }] },
  { Name: 'api.dev.example.com.', Type: 'SOA', TTL: 900, ResourceRecords: [{ Value: 'ns-1.awsdns-00.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400' }] },
  { Name: 'api.dev.example.com.', Type: 'A' },
  { Name: 'www.api.dev.example.com.', Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: 'api.dev.example.com.' }] },
  VALIDATION,
];

function event(requestType: 'Create' | 'Delete'): CloudFormationCustomResourceEvent {
  const common = {
    ServiceToken: 'x',
    ResponseURL: 'https://cloudformation-custom-resource-response.example/r',
    StackId: 'arn:aws:cloudformation:eu-west-1:444444444444:stack/Dev-ApiDns/1',
    RequestId: 'r1',
    LogicalResourceId: 'SubdomainValidationCleanup',
    ResourceType: 'Custom::AcmValidationCleanup',
    ResourceProperties: { ServiceToken: 'x', HostedZoneId: ZONE },
  };
  return requestType === 'Create' ? { ...common, RequestType: 'Create' } : { ...common, RequestType: 'Delete', PhysicalResourceId: `${ZONE}-acm-validation-cleanup` };
}

function fakeRoute53(records: RecordSet[]) {
  const deleted: RecordSet[] = [];
  const responses: CloudFormationCustomResourceResponse[] = [];
  const deps: CleanupDependencies = {
    listRecordSets: async (zone) => (zone === ZONE ? records : []),
    deleteRecordSets: async (_zone, sets) => {
      deleted.push(...sets);
    },
    respond: async (_url, r) => {
      responses.push(r);
    },
  };
  return { deps, deleted, responses };
}

describe('ACM validation-record cleanup', () => {
  beforeEach(() => jest.spyOn(console, 'log').mockImplementation(() => {}));
  afterEach(() => jest.restoreAllMocks());

  test('picks ACM\'s validation CNAMEs only, never the zone\'s own or other records', () => {
    expect(acmValidationRecords(ZONE_RECORDS)).toEqual([VALIDATION]);
  });

  test('on delete, removes them exactly as listed (a Route 53 DELETE must repeat TTL and values) and succeeds', async () => {
    const route53 = fakeRoute53(ZONE_RECORDS);
    expect(await handleCleanupEvent(event('Delete'), route53.deps)).toMatchObject({ status: 'SUCCESS' });
    expect(route53.deleted).toEqual([VALIDATION]);
    expect(route53.responses).toEqual([expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: `${ZONE}-acm-validation-cleanup` })]);
  });

  test('on create, touches nothing', async () => {
    const route53 = fakeRoute53(ZONE_RECORDS);
    expect(await handleCleanupEvent(event('Create'), route53.deps)).toMatchObject({ status: 'SUCCESS' });
    expect(route53.deleted).toEqual([]);
  });

  test('an error fails the delete with a reason naming the zone, and still answers CloudFormation', async () => {
    const route53 = fakeRoute53(ZONE_RECORDS);
    route53.deps.deleteRecordSets = async () => {
      throw new Error('AccessDenied');
    };
    expect(await handleCleanupEvent(event('Delete'), route53.deps)).toMatchObject({ status: 'FAILED', reason: expect.stringMatching(/Z0SUBZONE: AccessDenied/) });
    expect(route53.responses).toHaveLength(1);
  });
});
