import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { addComplianceChecks } from '../lib/compliance/compliance';
import { buildApp } from '../lib/app';
import { exampleConfig } from '../lib/config/environments';
import { stageIdFor } from '../lib/stages/environment-stage';
import { buildTestApp, CDK_JSON_CONTEXT, configWith, firstEnvironmentOnly, memo, NO_BUNDLING } from './helpers';

describe('the whole app', () => {
  // The one whole-app build with everything `cdk synth` runs: cdk-nag, aws-cdk-lib's CloudFormation
  // validation, the pipeline (bundling aside: the Lambda bundles are tested with their construct).
  const wholeApp = memo(() => buildTestApp(undefined, { cloudFormationValidation: true }).app);

  test('synthesizes every stack of every environment with zero unacknowledged cdk-nag findings', () => {
    const app = wholeApp();
    // Error-level findings make synth throw ValidationFailed.
    const assembly = app.synth();
    const stackNames = assembly.nestedAssemblies.flatMap((a) => a.nestedAssembly.stacks.map((s) => s.stackName)).sort();
    const expected = exampleConfig.environments.flatMap((e) => {
      const stage = stageIdFor(e);
      return [
        ...['TransitHub', 'TransitRouting', 'DelegationRole'],
        ...e.apis.flatMap((a) => ['ApiNetwork', 'ApiDns', 'ApiService'].map((kind) => `${kind}-${a.name}`)),
        ...e.consumers.flatMap((c) => ['ConsumerNetwork', 'ConsumerApp'].map((kind) => `${kind}-${c.name}`)),
      ].map((id) => `${stage}-${id}`);
    });
    expect(stackNames).toEqual(expected.sort());
    // Warnings too: every finding is either fixed or acknowledged with a reason.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const report = require(join(app.outdir, 'validation-report.json'));
    expect(report.pluginReports.flatMap((r: { violations: unknown[] }) => r.violations)).toEqual([]);
  });

  test('no security-group rule in any stack admits or targets 0.0.0.0/0 or ::/0', () => {
    const stacks = wholeApp().node.findAll().filter((c): c is Stack => c instanceof Stack);
    let rules = 0;
    for (const stack of stacks) {
      const t = Template.fromStack(stack);
      const inline = Object.values(t.findResources('AWS::EC2::SecurityGroup')).flatMap((sg) => [...(sg.Properties.SecurityGroupIngress ?? []), ...(sg.Properties.SecurityGroupEgress ?? [])]);
      const standalone = [...Object.values(t.findResources('AWS::EC2::SecurityGroupIngress')), ...Object.values(t.findResources('AWS::EC2::SecurityGroupEgress'))].map((r) => r.Properties);
      for (const rule of [...inline, ...standalone]) {
        rules++;
        expect({ stack: stack.node.path, cidr: rule.CidrIp }).not.toEqual({ stack: stack.node.path, cidr: '0.0.0.0/0' });
        expect({ stack: stack.node.path, cidr: rule.CidrIpv6 }).not.toEqual({ stack: stack.node.path, cidr: '::/0' });
      }
    }
    expect(rules).toBeGreaterThan(10);
  });

  test('cdk-nag registered once on the App reaches a violation planted inside a Stage, and reports it once', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'nag-'));
    const app = new App({ outdir });
    const stage = new Stage(app, 'Planted');
    const stack = new Stack(stage, 'Violating', { env: { account: '111111111111', region: 'eu-west-1' } });
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-12345678', availabilityZones: ['eu-west-1a'] });
    const sg = new ec2.SecurityGroup(stack, 'OpenToTheWorld', { vpc });
    sg.addIngressRule(ec2.Peer.ipv4('0.0.0.0/0'), ec2.Port.tcp(22));
    addComplianceChecks(app);
    expect(() => app.synth()).toThrow(/ERROR The Security Group allows for 0\.0\.0\.0\/0[\s\S]*Planted\/Violating\/OpenToTheWorld\/Resource/);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const report = require(join(outdir, 'validation-report.json'));
    const ec23 = report.pluginReports.flatMap((r: { violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[] }) => r.violations).filter((v: { ruleName: string }) => v.ruleName === 'AwsSolutions-EC23');
    expect(ec23).toHaveLength(1);
    expect(ec23[0].violatingConstructs.map((c: { constructPath: string }) => c.constructPath)).toEqual(['Planted/Violating/OpenToTheWorld/Resource']);
  });
});

describe('a finding inside a Stage fails synth even when the CLI claims the reporting', () => {
  test('buildApp keeps failSynthOnValidationErrors on over the CLI\'s false', () => {
    // `cdk synth` passes this context as false and then reports only the stacks it selected,
    // which for a plain `cdk synth` is none of the stacks inside Stages.
    // One environment is enough to hold the planted violation.
    const { app } = buildApp(configWith(firstEnvironmentOnly), {
      outdir: mkdtempSync(join(tmpdir(), 'cli-ctx-')),
      context: { ...CDK_JSON_CONTEXT, ...NO_BUNDLING, '@aws-cdk/core:failSynthOnValidationErrors': false },
      builtinCloudFormationValidation: false,
    });
    // A fresh Stage: the environment stages are already synthesized by the pipeline, which reads
    // their templates while it is built.
    const stack = new Stack(new Stage(app, 'Planted'), 'Planted', { env: { account: '444444444444', region: 'eu-west-1' } });
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-12345678', availabilityZones: ['eu-west-1a'] });
    new ec2.SecurityGroup(stack, 'Open', { vpc }).addIngressRule(ec2.Peer.ipv4('0.0.0.0/0'), ec2.Port.tcp(443));
    expect(() => app.synth()).toThrow(/AwsSolutions-EC23|Security Group allows for 0\.0\.0\.0\/0/);
  });
});

describe('cdk synth with a bad configuration', () => {
  test('exits non-zero, lists every problem, and writes no cloud assembly', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bad-config-'));
    const configFile = join(dir, 'config.json');
    writeFileSync(configFile, JSON.stringify(configWith((c) => {
      c.accounts.network = '22222';
      c.environments[0].consumers[0].cidr = c.environments[0].apis[0].cidr;
    })));
    const outdir = join(dir, 'cdk.out');
    const result = spawnSync(process.execPath, [require.resolve('aws-cdk/bin/cdk'), 'synth', '-q', '-c', `config=${configFile}`, '-o', outdir], {
      cwd: join(__dirname, '..'),
      encoding: 'utf8',
      env: { ...process.env, CI: 'true' },
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/accounts\.network = "22222": an AWS account id is exactly 12 digits/);
    expect(result.stderr).toMatch(/environments\[dev\]\.consumers\[0\]\.cidr = "10\.10\.0\.0\/20": overlaps environments\[dev\]\.apis\[0\]\.cidr/);
    expect(existsSync(join(outdir, 'manifest.json'))).toBe(false);
    expect(existsSync(outdir) ? readdirSync(outdir).filter((f) => f.endsWith('.template.json') || f.startsWith('assembly-')) : []).toEqual([]);
  });
});
