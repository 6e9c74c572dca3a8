import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What a bundling synth of the consumer construct writes to stderr, seen from outside the
 * process (esbuild runs as a child that writes to the inherited stderr, past any in-process spy).
 * esbuild itself stays silent on success (NODE_BUNDLING's logLevel ERROR). The one line per asset
 * that remains is aws-cdk-lib's own: AssetStaging.bundle writes "Bundling asset <path>..." to
 * stderr before every bundling, with no option to turn it off (aws/aws-cdk#23092, open), and the
 * CLI passes an app's stderr through whatever --quiet says. This test pins that nothing else is
 * printed; the day aws-cdk-lib drops the line, the expectation becomes "nothing".
 */
const SCRIPT = `
const { App, Stack } = require('aws-cdk-lib');
const ec2 = require('aws-cdk-lib/aws-ec2');
const logs = require('aws-cdk-lib/aws-logs');
const { GraphqlConsumer } = require('./lib/constructs/graphql-consumer');
const app = new App({ outdir: process.argv[1], context: { ...require('./cdk.json').context, 'aws:cdk:bundling-stacks': ['**'] } });
const stack = new Stack(app, 'Consumer', { env: { account: '555555555555', region: 'eu-west-1' } });
const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-12345678', availabilityZones: ['eu-west-1a'], isolatedSubnetIds: ['subnet-0000000a'], isolatedSubnetRouteTableIds: ['rtb-0000000a'] });
new GraphqlConsumer(stack, 'Graphql', { vpc, subnets: { subnets: vpc.isolatedSubnets }, apiDestination: ec2.Peer.ipv4('10.10.0.0/20'),
  apiBaseUrl: 'https://api.dev.example.com', apiName: 'storefront', logRetention: logs.RetentionDays.ONE_MONTH });
app.synth();
`;

test('a bundling synth prints nothing on stderr but aws-cdk-lib\'s "Bundling asset" line, once per function', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'bundling-output-'));
  const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', SCRIPT, outdir], { cwd: join(__dirname, '..', '..'), encoding: 'utf8' });
  expect(result.status).toBe(0);
  expect(result.stdout).toBe('');
  expect(result.stderr.split('\n').filter((line) => line !== '').sort()).toEqual(
    ['HealthCheck', 'HealthCheckGateFunction', 'Resolver'].map((fn) => `Bundling asset Consumer/Graphql/${fn}/Code/Stage...`),
  );
});
