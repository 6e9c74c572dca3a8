import { exampleConfig } from '../../lib/config/environments';
import { ConfigValidationError } from '../../lib/config/errors';
import { assertValidConfig, validateConfig } from '../../lib/config/validate';
import { configWith, MutableConfig } from '../helpers';
import { privateLinkConfig } from '../stages/privatelink-config';

/** The problems found after applying `edit` to the example config. */
function problemsAfter(edit: (c: MutableConfig) => void) {
  return validateConfig(configWith(edit));
}

describe('validateConfig', () => {
  test('the example configuration is valid', () => {
    expect(validateConfig(exampleConfig)).toEqual([]);
  });

  test.each<[string, (c: MutableConfig) => void, string, RegExp]>([
    ['a tools account that is not 12 digits', (c) => (c.accounts.tools = '12345'), 'accounts.tools', /exactly 12 digits/],
    ['an api account with letters', (c) => (c.environments[0].apis[0].account = '44444444444a'), 'environments[dev].apis[0].account', /exactly 12 digits/],
    ['a consumer account too long', (c) => (c.environments[0].consumers[0].account = '5555555555555'), 'environments[dev].consumers[0].account', /exactly 12 digits/],
    ['fewer than 2 AZs', (c) => (c.availabilityZones = ['euw1-az1']), 'availabilityZones', /at least 2 availability zones/],
    ['an AZ name outside the region', (c) => (c.availabilityZones = ['eu-west-1a', 'us-east-1b']), 'availabilityZones[1]', /not an availability zone of region eu-west-1; use an AZ id such as "euw1-az1"/],
    ['an AZ id of another region', (c) => (c.availabilityZones = ['euw1-az1', 'use1-az2']), 'availabilityZones[1]', /AZ id is not in region eu-west-1; its ids start with "euw1-"/],
    ['an AZ id of a neighbouring region', (c) => (c.availabilityZones = ['euw1-az1', 'euw2-az2']), 'availabilityZones[1]', /not in region eu-west-1/],
    ['AZ ids mixed with names', (c) => (c.availabilityZones = ['euw1-az1', 'eu-west-1b']), 'availabilityZones', /AZ ids for every zone .* not a mix/],
    ['a malformed AZ id', (c) => (c.availabilityZones = ['euw1-az1', 'euw1-azone']), 'availabilityZones[1]', /use an AZ id such as "euw1-az1"/],
    ['an API domain outside the parent zone', (c) => (c.environments[0].apis[0].domain = 'api.dev.example.org'), 'environments[dev].apis[0].domain', /strict subdomain of the parent zone "example.com"/],
    ['an API domain equal to the parent zone', (c) => (c.environments[0].apis[0].domain = 'example.com'), 'environments[dev].apis[0].domain', /strict subdomain/],
    ['an API domain that only ends in the parent name', (c) => (c.environments[0].apis[0].domain = 'api.notexample.com'), 'environments[dev].apis[0].domain', /strict subdomain/],
    ['an imported TGW id that is not tgw- + hex', (c) => (c.environments[0].transitGateway = { mode: 'import', transitGatewayId: 'tgw-XYZ' }), 'environments[dev].transitGateway.transitGatewayId', /"tgw-" followed by 8 or 17 hex digits/],
    ['an empty consumer list', (c) => (c.environments[0].consumers = []), 'environments[dev].consumers', /at least one consumer/],
    ['a VPC CIDR too small for its subnets', (c) => (c.environments[0].apis[0].cidr = '10.10.0.0/24'), 'environments[dev].apis[0].cidr', /too small for 2 AZs: each AZ takes a \/22 workload slot and a \/28 transit slot, 2080 addresses in all; the block has 256/],
    ['an added AZ whose slots do not fit', (c) => (c.availabilityZones = ['euw1-az1', 'euw1-az2', 'euw1-az3', 'euw1-az4']), 'environments[dev].apis[0].cidr', /too small for 4 AZs/],
    ['a malformed CIDR', (c) => (c.environments[0].apis[0].cidr = '10.10.0.1/20'), 'environments[dev].apis[0].cidr', /start of its block/],
    ['a parent zone id that is not a Route 53 id', (c) => (c.parentZone.id = '/hostedzone/abc'), 'parentZone.id', /Route 53 hosted zone id/],
    ['desired count below 2', (c) => (c.environments[0].apis[0].service = { ...c.environments[0].apis[0].service, desiredCount: 1, minCapacity: 1 }), 'environments[dev].apis[0].service.desiredCount', /at least 2 tasks/],
    ['an invalid Fargate memory size', (c) => (c.environments[0].apis[0].service = { ...c.environments[0].apis[0].service, memoryMiB: 4096 }), 'environments[dev].apis[0].service.memoryMiB', /not a valid Fargate memory size for cpu 256/],
    ['an imported TGW id of 10 hex digits', (c) => (c.environments[0].transitGateway = { mode: 'import', transitGatewayId: 'tgw-0123456789' }), 'environments[dev].transitGateway.transitGatewayId', /8 or 17 hex digits/],
    ['an environment named like the pipeline stack', (c) => (c.environments[1].name = 'pipeline'), 'environments[1].name', /would name its Stage like the pipeline stack/],
    ['an alarm topic in another region', (c) => (c.environments[0].apis[0].service = { ...c.environments[0].apis[0].service, alarmTopicArn: 'arn:aws:sns:us-east-1:444444444444:alerts' }), 'environments[dev].apis[0].service.alarmTopicArn', /region eu-west-1/],
    ['API_KEY auth without an expiry', (c) => (c.environments[0].consumers[0] = { ...c.environments[0].consumers[0], graphqlAuth: 'API_KEY' }), 'environments[dev].consumers[0].apiKeys', /API_KEY authorization needs 1 to 50 keys/],
    ['a connection ARN whose id is not a UUID', (c) => (c.pipeline.connectionArn = 'arn:aws:codeconnections:eu-west-1:111111111111:connection/abc'), 'pipeline.connectionArn', /connection\/<uuid>/],
    ['a connection ARN that is not a connection', (c) => (c.pipeline.connectionArn = 'arn:aws:codecommit:eu-west-1:111111111111:repo'), 'pipeline.connectionArn', /arn:aws:codeconnections:<region>:<tools account>:connection\/<uuid>/],
    ['an image tag of latest', (c) => (c.environments[0].apis[0].service = { ...c.environments[0].apis[0].service, image: { kind: 'ecr', repositoryName: 'team/api', tag: 'latest' } }), 'environments[dev].apis[0].service.image.tag', /immutable tag/],
  ])('fails on %s, naming the field and the fix', (_name, edit, field, message) => {
    const problems = problemsAfter(edit);
    expect(problems).toContainEqual(expect.objectContaining({ field, fix: expect.stringMatching(message) }));
  });

  test('accepts three AZs given as AZ ids, and AZ names of the region for a sandbox', () => {
    expect(problemsAfter((c) => (c.availabilityZones = ['euw1-az1', 'euw1-az2', 'euw1-az3']))).toEqual([]);
    expect(problemsAfter((c) => (c.availabilityZones = ['eu-west-1a', 'eu-west-1b']))).toEqual([]);
  });

  test('fails on overlapping CIDRs of VPCs sharing a transit gateway', () => {
    const problems = problemsAfter((c) => (c.environments[0].consumers[0].cidr = '10.10.0.0/19'));
    expect(problems).toEqual([
      expect.objectContaining({
        field: 'environments[dev].consumers[0].cidr',
        value: '10.10.0.0/19',
        fix: expect.stringMatching(/overlaps environments\[dev\]\.apis\[0\]\.cidr \(10\.10\.0\.0\/20\)/),
      }),
    ]);
  });

  test('allows the same CIDRs in two environments with their own gateways', () => {
    const problems = problemsAfter((c) => {
      c.environments[1].apis[0].cidr = c.environments[0].apis[0].cidr;
      c.environments[1].consumers[0].cidr = c.environments[0].consumers[0].cidr;
    });
    expect(problems).toEqual([]);
  });

  test('fails on overlapping CIDRs across environments that import the same gateway', () => {
    const problems = problemsAfter((c) => {
      c.environments[0].transitGateway = { mode: 'import', transitGatewayId: 'tgw-0123456789abcdef0' };
      c.environments[1].transitGateway = { mode: 'import', transitGatewayId: 'tgw-0123456789abcdef0' };
      c.environments[1].apis[0].cidr = c.environments[0].apis[0].cidr;
    });
    expect(problems).toContainEqual(expect.objectContaining({ field: `environments[${exampleConfig.environments[1].name}].apis[0].cidr`, fix: expect.stringMatching(/overlaps environments\[dev\]\.apis\[0\]\.cidr/) }));
  });

  describe('connectivity', () => {
    test('privatelink mode: consumers may reuse the API\'s CIDR and each other\'s (nothing is routed between them)', () => {
      expect(validateConfig(privateLinkConfig)).toEqual([]);
    });

    test('fails on a transit gateway in privatelink mode', () => {
      expect(problemsAfter((c) => (c.environments[0].connectivity = 'privatelink'))).toEqual([
        expect.objectContaining({ field: 'environments[dev].transitGateway', value: { mode: 'create' }, fix: expect.stringMatching(/privatelink mode has no transit gateway: remove transitGateway/) }),
      ]);
    });

    test('fails on transit-gateway mode without a transit gateway', () => {
      expect(problemsAfter((c) => delete c.environments[0].transitGateway)).toEqual([
        expect.objectContaining({ field: 'environments[dev].transitGateway', fix: expect.stringMatching(/transit-gateway mode needs one/) }),
      ]);
    });
  });

  test('fails on duplicate environment names', () => {
    const problems = problemsAfter((c) => (c.environments[1].name = 'dev'));
    expect(problems).toContainEqual(expect.objectContaining({ field: 'environments[1].name', fix: expect.stringMatching(/must be unique; environments\[0\] is already "dev"/) }));
  });

  test('fails on two environments sharing an API domain', () => {
    const problems = problemsAfter((c) => (c.environments[1].apis[0].domain = c.environments[0].apis[0].domain));
    expect(problems).toContainEqual(expect.objectContaining({ field: `environments[${exampleConfig.environments[1].name}].apis[0].domain`, fix: expect.stringMatching(/already uses this name/) }));
  });

  test('fails on API domains that nest', () => {
    const problems = problemsAfter((c) => (c.environments[1].apis[0].domain = `x.${c.environments[0].apis[0].domain}`));
    expect(problems).toContainEqual(expect.objectContaining({ field: `environments[${exampleConfig.environments[1].name}].apis[0].domain`, fix: expect.stringMatching(/nests with/) }));
  });

  test('fails on two APIs of one environment sharing a domain', () => {
    const problems = problemsAfter((c) => (c.environments[0].apis[1].domain = c.environments[0].apis[0].domain));
    expect(problems).toContainEqual(expect.objectContaining({ field: `environments[${exampleConfig.environments[0].name}].apis[1].domain`, fix: expect.stringMatching(/already uses this name; each API needs its own domain/) }));
  });

  test('reports every problem at once', () => {
    const problems = problemsAfter((c) => {
      c.accounts.dns = 'x';
      c.availabilityZones = ['euw1-az1'];
      c.environments[0].consumers = [];
      c.environments[1].apis[0].domain = 'api.example.org';
    });
    expect(problems.map((p) => p.field)).toEqual(
      expect.arrayContaining(['accounts.dns', 'availabilityZones', 'environments[dev].consumers', `environments[${exampleConfig.environments[1].name}].apis[0].domain`]),
    );
  });

  test('assertValidConfig throws one error listing field, value and fix of each problem', () => {
    const bad = configWith((c) => {
      c.accounts.tools = '1';
      c.environments[0].apis[0].cidr = '10.10.0.0/24';
    });
    expect(() => assertValidConfig(bad)).toThrow(ConfigValidationError);
    expect(() => assertValidConfig(bad)).toThrow(/2 problems[\s\S]*accounts\.tools = "1": [\s\S]*environments\[dev\]\.apis\[0\]\.cidr = "10\.10\.0\.0\/24": too small/);
  });
});
