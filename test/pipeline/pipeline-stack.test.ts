import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BuiltApp } from '../../lib/app';
import { NODE_MAJOR, SYNTH_COMMANDS } from '../../lib/pipeline/pipeline-stack';
import { exampleConfig } from '../../lib/config/environments';
import { stageIdFor } from '../../lib/stages/environment-stage';
import { exampleTestApp, resourcesOf, templateOf } from '../helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const packageJson = require('../../package.json') as { engines: { node: string } };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cdkLibPackageJson = require('aws-cdk-lib/package.json') as { engines: { node: string } };
type Action = { Name: string; RunOrder: number; ActionTypeId: { Category: string; Provider: string }; Configuration?: Record<string, unknown>; RoleArn?: unknown };
// Every test here reads the example's whole app (the pipeline synthesizes every stage while it is
// built), built once for the file before the first test.
let app: BuiltApp['app'];
let pipeline: BuiltApp['pipeline'];
let environmentStages: BuiltApp['stages'];
let t: Template;
let stages: { Name: string; Actions: Action[] }[];
beforeAll(() => {
  ({ app, pipeline, stages: environmentStages } = exampleTestApp());
  t = templateOf(pipeline);
  const [[, pipelineResource]] = resourcesOf(t, 'AWS::CodePipeline::Pipeline');
  stages = pipelineResource.Properties!.Stages as { Name: string; Actions: Action[] }[];
});
const stageNamed = (name: string) => stages.find((s) => s.Name === name)!;

describe('PipelineStack (tools account)', () => {
  test('lives in the tools account', () => {
    expect(pipeline.account).toBe('111111111111');
    expect(pipeline.region).toBe('eu-west-1');
  });

  test('stages run source, synth, self-mutation, assets, then each environment in config order', () => {
    expect(stages.map((s) => s.Name)).toEqual(['Source', 'Build', 'UpdatePipeline', 'Assets', ...exampleConfig.environments.map(stageIdFor)]);
  });

  test('sources from the configured CodeStar connection, repository and branch', () => {
    expect(stageNamed('Source').Actions[0]).toMatchObject({
      ActionTypeId: { Category: 'Source', Provider: 'CodeStarSourceConnection' },
      Configuration: {
        ConnectionArn: 'arn:aws:codeconnections:eu-west-1:111111111111:connection/00000000-0000-0000-0000-000000000000',
        FullRepositoryId: 'example-org/internal-api-cross-account',
        BranchName: 'main',
      },
    });
  });

  test('synth runs CI\'s gate (tests, validate) before the cloud assembly it deploys, without Docker', () => {
    // The same gate as CI: nothing untested or with unacknowledged findings reaches an account.
    const ci = readFileSync(join(__dirname, '..', '..', '.ci', 'run'), 'utf8').split('\n').filter((l) => /^(npm|npx) /.test(l) && !l.startsWith('npx -y node@')).map((l) => l.replace(/ --no-audit --no-fund| -q( 2>&1 \|.*)?$/g, ''));
    expect(new Set(SYNTH_COMMANDS)).toEqual(new Set(ci));
    expect(SYNTH_COMMANDS.indexOf('npm test')).toBeLessThan(SYNTH_COMMANDS.indexOf('npx cdk synth'));
    expect(SYNTH_COMMANDS.indexOf('npm run validate')).toBeLessThan(SYNTH_COMMANDS.indexOf('npx cdk synth'));
    const synthProject = resourcesOf(t, 'AWS::CodeBuild::Project').find(([id]) => id.includes('Synth'))![1];
    const buildSpec = JSON.parse((synthProject.Properties!.Source as { BuildSpec: string }).BuildSpec);
    expect(buildSpec.phases.build.commands).toEqual(SYNTH_COMMANDS);
    expect((synthProject.Properties!.Environment as { PrivilegedMode: boolean }).PrivilegedMode).toBe(false);
  });

  test('every CodeBuild project runs the Node.js major the project tests with, one aws-cdk-lib supports', () => {
    // engines admits it (its floor may stay lower, for older local machines).
    expect(NODE_MAJOR).toBeGreaterThanOrEqual(Number(packageJson.engines.node.match(/\d+/)![0]));
    // CI runs the suite on the same major.
    expect(readFileSync(join(__dirname, '..', '..', '.ci', 'run'), 'utf8')).toContain(`npx -y node@${NODE_MAJOR} `);
    expect(NODE_MAJOR).toBeGreaterThanOrEqual(Number(cdkLibPackageJson.engines.node.match(/\d+/)![0]));
    const projects = resourcesOf(t, 'AWS::CodeBuild::Project');
    expect(projects.length).toBeGreaterThan(3);
    for (const [id, project] of projects) {
      const spec = (project.Properties!.Source as { BuildSpec: unknown }).BuildSpec;
      const text = typeof spec === 'string' ? spec : JSON.stringify(spec);
      expect({ id, pinned: text.replace(/\\"/g, '"').match(/"runtime-versions":\s*\{\s*"nodejs":\s*(\d+)/)?.[1] }).toEqual({ id, pinned: String(NODE_MAJOR) });
    }
  });

  test('the source action may use the connection with the action prefix of its ARN', () => {
    const roleArn = stageNamed('Source').Actions[0].RoleArn as { 'Fn::GetAtt': [string, string] };
    const statements = resourcesOf(t, 'AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties!.Roles).includes(roleArn['Fn::GetAtt'][0]))
      .flatMap(([, p]) => (p.Properties!.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement);
    const connectionArn = (stageNamed('Source').Actions[0].Configuration as { ConnectionArn: string }).ConnectionArn;
    expect(connectionArn).toMatch(/^arn:aws:codeconnections:/);
    expect(statements.some((st) => [st.Action].flat().includes('codeconnections:UseConnection') && st.Resource === connectionArn)).toBe(true);
  });

  test('every CodeBuild project may write to the log group its LogsConfig names', () => {
    // Setting the log group through the L1 does not grant the role: CodeBuild would not start.
    const policies = resourcesOf(t, 'AWS::IAM::Policy');
    for (const [id, project] of resourcesOf(t, 'AWS::CodeBuild::Project')) {
      const group = (project.Properties!.LogsConfig as { CloudWatchLogs: { GroupName: { Ref: string } } }).CloudWatchLogs.GroupName.Ref;
      const role = (project.Properties!.ServiceRole as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const granted = policies.some(([, p]) => JSON.stringify(p.Properties!.Roles).includes(role) &&
        (p.Properties!.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement.some((st) =>
          [st.Action].flat().includes('logs:PutLogEvents') && JSON.stringify(st.Resource) === JSON.stringify({ 'Fn::GetAtt': [group, 'Arn'] })));
      expect({ id, granted }).toEqual({ id, granted: true });
    }
  });

  test('only the image-asset publishing step runs privileged (Docker)', () => {
    const privileged = resourcesOf(t, 'AWS::CodeBuild::Project')
      .filter(([, p]) => (p.Properties!.Environment as { PrivilegedMode: boolean }).PrivilegedMode)
      .map(([id]) => id);
    // One per distinct API image (the example's two runtime folders), nothing else.
    const images = new Set(exampleConfig.environments.flatMap((e) => e.apis.filter((a) => a.service.image.kind === 'asset').map((a) => a.runtime ?? 'api-service')));
    expect(privileged).toHaveLength(images.size);
    for (const id of privileged) expect(id).toMatch(/Docker/);
  });

  test('uses cross-account keys with rotation', () => {
    const keys = resourcesOf(t, 'AWS::KMS::Key');
    // The artifact key (shared with the target accounts) and the stack's log key.
    expect(keys).toHaveLength(2);
    for (const [, key] of keys) expect(key.Properties!.EnableKeyRotation).toBe(true);
    const bucket = resourcesOf(t, 'AWS::S3::Bucket').find(([id]) => id.includes('ArtifactsBucket'))![1];
    const [artifactKeyId, artifactKey] = keys.find(([id]) => JSON.stringify(bucket.Properties!.BucketEncryption).includes(id))!;
    expect(artifactKeyId).toMatch(/ArtifactsBucketEncryptionKey/);
    // Cross-account: the target accounts' deploy roles may decrypt the artifacts.
    const keyPolicy = JSON.stringify(artifactKey.Properties!.KeyPolicy);
    const targets = new Set([exampleConfig.accounts.network, exampleConfig.accounts.dns, ...exampleConfig.environments.flatMap((e) => [...e.apis.map((a) => a.account), ...e.consumers.map((c) => c.account)])]);
    for (const account of targets) {
      expect(keyPolicy).toContain(`${account}:role/cdk-hnb659fds-deploy-role-${account}-${exampleConfig.region}`);
    }
    expect(bucket.Properties).toMatchObject({
      LoggingConfiguration: { LogFilePrefix: 'artifacts/' },
      VersioningConfiguration: { Status: 'Enabled' },
    });
  });

  test('self-mutation is on', () => {
    expect(stageNamed('UpdatePipeline').Actions.map((a) => a.Name)).toEqual(['SelfMutate']);
  });

  test('prod waits for a permissions-broadening check, then a manual approval, before any deploy', () => {
    const prod = stageNamed('Prod').Actions;
    const order = (name: string) => prod.find((a) => a.Name === name)!.RunOrder;
    const firstDeploy = Math.min(...prod.filter((a) => a.ActionTypeId.Category === 'Deploy').map((a) => a.RunOrder));
    expect(order('CheckPermissionsBroadening.Check')).toBeLessThan(order('Promote-to-Prod'));
    expect(prod.find((a) => a.Name === 'Promote-to-Prod')!.ActionTypeId.Category).toBe('Approval');
    expect(order('Promote-to-Prod')).toBeLessThan(firstDeploy);
    expect(stageNamed('Dev').Actions.some((a) => a.ActionTypeId.Category === 'Approval')).toBe(false);
  });

  test('within an environment, deploys follow the stack dependencies (the health check gates the stage)', () => {
    const dev = stageNamed('Dev').Actions.filter((a) => a.Name.endsWith('.Deploy'));
    const order = (stack: string) => dev.find((a) => a.Name === `${stack}.Deploy`)!.RunOrder;
    const env = exampleConfig.environments[0];
    for (const { name } of env.apis) {
      expect(order('TransitHub')).toBeLessThan(order(`ApiNetwork-${name}`));
      expect(order('DelegationRole')).toBeLessThan(order(`ApiDns-${name}`));
      expect(order(`ApiNetwork-${name}`)).toBeLessThan(order(`ApiService-${name}`));
      expect(order(`ApiDns-${name}`)).toBeLessThan(order(`ApiService-${name}`));
      // Every consumer app (with its deploy-time health checks) comes after the services it calls.
      for (const c of env.consumers.filter((x) => x.calls.includes(name))) expect(order(`ApiService-${name}`)).toBeLessThan(order(`ConsumerApp-${c.name}`));
    }
    // The consumer apps are the last thing in the stage.
    for (const c of env.consumers) expect(order(`ConsumerApp-${c.name}`)).toBe(Math.max(...dev.map((a) => a.RunOrder)));
  });

  test('every stack of every environment is deployed by exactly one CREATE_UPDATE action (no change-set pair)', () => {
    for (const stage of environmentStages) {
      const actions = stages.filter((s) => s.Name === stage.stageName || s.Name.startsWith(`${stage.stageName}.`)).flatMap((s) => s.Actions)
        .filter((a) => a.ActionTypeId.Provider === 'CloudFormation');
      const deployed = actions.map((a) => (a.Configuration as { StackName: string; ActionMode: string }));
      expect(deployed.map((c) => c.ActionMode)).toEqual(deployed.map(() => 'CREATE_UPDATE'));
      expect(deployed.map((c) => c.StackName).sort()).toEqual(stage.node.children.filter(Stack.isStack).map((s) => s.stackName).sort());
    }
  });

  test('each deploy action assumes the CDK deploy role of its own account', () => {
    const dev = stageNamed('Dev').Actions.filter((a) => a.Name.endsWith('.Deploy'));
    const accountOf = (name: string) => JSON.stringify(dev.find((a) => a.Name === `${name}.Deploy`)!.RoleArn).match(/iam::(\d{12}):role\/cdk-hnb659fds-deploy-role/)![1];
    const env = exampleConfig.environments[0];
    expect(accountOf('TransitHub')).toBe(exampleConfig.accounts.network);
    expect(accountOf('DelegationRole')).toBe(exampleConfig.accounts.dns);
    for (const api of env.apis) expect(accountOf(`ApiService-${api.name}`)).toBe(api.account);
    for (const c of env.consumers) expect(accountOf(`ConsumerApp-${c.name}`)).toBe(c.account);
  });

  test('the pipeline deploys the very stages that cdk deploy selects: one instance of each, byte-identical templates', () => {
    // A second copy of a stage inside the pipeline would give construct paths (and so some
    // logical ids) that differ from the CLI's, and a hand-over between the two ways of deploying
    // would replace resources.
    expect(pipeline.stages).toEqual(environmentStages);
    const assembly = app.synth();
    const stackNames = [...assembly.stacks, ...assembly.nestedAssemblies.flatMap((a) => a.nestedAssembly.stacks)].map((s) => s.stackName);
    expect(stackNames.length).toBeGreaterThan(1);
    expect(stackNames.filter((name, i) => stackNames.indexOf(name) !== i)).toEqual([]);
    // Every deploy action of the pipeline points at a template of those top-level stage assemblies.
    const templatePaths = JSON.stringify(templateOf(pipeline).toJSON()).match(/Synth_Output::[^"]+\.template\.json/g) ?? [];
    const expected = environmentStages.flatMap((stage) => stage.node.findAll().filter((c): c is Stack => c instanceof Stack)
      .map((stack) => `Synth_Output::${stage.artifactId}/${stack.templateFile}`));
    expect([...new Set(templatePaths)].sort()).toEqual(expected.sort());
  });
});

describe('no cross-account CloudFormation references', () => {
  test('no template imports a value (Fn::ImportValue) or reads an output (Fn::GetStackOutput) of another account', () => {
    const stacks = app.node.findAll().filter((c): c is Stack => c instanceof Stack);
    expect(stacks.length).toBe(1 + environmentStages.reduce((n, stage) => n + stage.node.findAll().filter((c) => c instanceof Stack).length, 0));
    const accountByName = new Map(stacks.map((s) => [s.stackName, s.account]));
    let sameAccountReferences = 0;
    for (const stack of stacks) {
      const json = JSON.stringify(templateOf(stack).toJSON());
      expect(json).not.toContain('Fn::ImportValue');
      for (const match of json.matchAll(/"Fn::GetStackOutput":\{"StackName":"([^"]+)"/g)) {
        expect({ reader: stack.node.path, source: match[1], account: accountByName.get(match[1]) }).toEqual({ reader: stack.node.path, source: match[1], account: stack.account });
        sameAccountReferences++;
      }
      expect(json).not.toMatch(/"Fn::GetStackOutput":\{[^}]*"RoleArn"/);
    }
    // The service reads its VPC and certificate from stacks of its own account: the check saw them.
    expect(sameAccountReferences).toBeGreaterThan(0);
  });
});
