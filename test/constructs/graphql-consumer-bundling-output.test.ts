import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What a bundling synth of the consumer construct writes, seen from outside the process (a child
 * process's output would pass any in-process spy). `cdk synth -q` passes an app's stdout and
 * stderr through, so anything written here is printed on every quiet synth: NodejsFunction's
 * bundling printed "Bundling asset <path>..." once per function (aws/aws-cdk#23092), which is why
 * the functions bundle through BundledNodeFunction.
 */
const SCRIPT = `
const { App, Stack } = require('aws-cdk-lib');
const ec2 = require('aws-cdk-lib/aws-ec2');
const logs = require('aws-cdk-lib/aws-logs');
const { GraphqlConsumer } = require('./lib/constructs/graphql-consumer');
const app = new App({ outdir: process.argv[1], context: { ...require('./cdk.json').context, 'aws:cdk:bundling-stacks': ['**'] }, builtinCloudFormationValidation: false });
const stack = new Stack(app, 'Consumer', { env: { account: '555555555555', region: 'eu-west-1' } });
const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-12345678', availabilityZones: ['eu-west-1a'], isolatedSubnetIds: ['subnet-0000000a'], isolatedSubnetRouteTableIds: ['rtb-0000000a'] });
const { loadApiRuntime, mergedSchema } = require('./lib/config/api-runtime');
const runtime = loadApiRuntime('api-service');
new GraphqlConsumer(stack, 'Graphql', { vpc, subnets: { subnets: vpc.isolatedSubnets },
  apis: [{ name: 'catalogue', destination: ec2.Peer.ipv4('10.10.0.0/20'), baseUrl: 'https://catalogue.dev.example.com', resolverEntry: runtime.graphql.resolverEntry, graphql: runtime.graphql }],
  schema: mergedSchema([runtime]), apiName: 'storefront', logRetention: logs.RetentionDays.ONE_MONTH });
app.synth();
`;

test('a bundling synth of the three functions prints nothing, and bundles them', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'bundling-output-'));
  const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', SCRIPT, outdir], { cwd: join(__dirname, '..', '..'), encoding: 'utf8' });
  expect(result.status).toBe(0);
  expect(result.stdout).toBe('');
  expect(result.stderr).toBe('');
  expect(readdirSync(outdir).filter((name) => name.startsWith('asset.'))).toHaveLength(3);
});
