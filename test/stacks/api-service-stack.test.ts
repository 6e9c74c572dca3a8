import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { apiRuntimeOf } from '../../lib/config/api-runtime';
import { exampleConfig } from '../../lib/config/environments';
import { callersOf } from '../../lib/config/matrix';
import { CALLER_KINDS, callerRoleName } from '../../lib/config/names';
import { mapCaller } from '../../lib/runtime/api-service/src/caller-identity-source';
import { loadRuntimeConfig } from '../../lib/runtime/api-service/src/env';
import { buildTestStages, configWith, exampleTestStages, exampleEnvironment, firstEnvironmentOnly, memo, resourcesOf, stageNamed, templateOf } from '../helpers';

// The example's stages, built on first use and shared by the tests below that only read them.
const stages = () => exampleTestStages().stages;
const dev = () => stageNamed(stages(), 'dev');
const devEnv = exampleEnvironment('dev');
const [firstApi] = devEnv.apis;
const unit = () => dev().apis.get(firstApi.name)!;
const service = memo(() => templateOf(unit().service));

describe('ApiService (api account)', () => {
  test('each API\'s service deploys in its account after its own network and DNS', () => {
    for (const api of devEnv.apis) {
      const { network, dns, service: stack } = dev().apis.get(api.name)!;
      expect(stack.account).toBe(api.account);
      expect(stack.dependencies).toEqual(expect.arrayContaining([network, dns]));
    }
  });

  test('turns on its own termination protection from the template, last, so the pipeline and the CLI behave alike', () => {
    // CDK Pipelines ignores Stack.terminationProtection (aws-cdk#17871), so the template turns it on;
    // the manifest says it too, or every CLI deploy would turn it off again.
    expect(unit().service.terminationProtection).toBe(true);
    const resources = service().toJSON().Resources as Record<string, { Type: string; Properties?: { Create?: unknown }; DependsOn?: string[] }>;
    const [[id, protection]] = Object.entries(resources).filter(([, r]) => r.Type === 'Custom::AWS' && JSON.stringify(r.Properties?.Create).includes('updateTerminationProtection'));
    const call = JSON.parse(JSON.stringify(protection.Properties!.Create).replace(/\{"Ref":"AWS::StackId"\}/g, '"<this stack>"').replace(/^\{"Fn::Join":\["",\[/, '').replace(/\]\]\}$/, '').replace(/","/g, '')) as string;
    expect(JSON.parse(call)).toMatchObject({ service: 'CloudFormation', action: 'updateTerminationProtection', parameters: { StackName: '<this stack>', EnableTerminationProtection: true } });
    // After every resource that is not part of it: a failed create never turns protection on.
    const own = new Set(Object.keys(resources).filter((r) => r.startsWith('TerminationProtection') || r.startsWith('AWS679f53fac002430cb0da5b7982bd2287')));
    const others = Object.keys(resources).filter((r) => !own.has(r) && resources[r].Type !== 'AWS::CDK::Metadata');
    expect(others.filter((r) => !(protection.DependsOn ?? []).includes(r))).toEqual([]);
    expect(id).toMatch(/^TerminationProtection/);
  });

  test('publishes the API name as an alias A record to the NLB in the subzone', () => {
    service().hasResourceProperties('AWS::Route53::RecordSet', {
      Name: `${firstApi.domain}.`,
      Type: 'A',
      AliasTarget: { DNSName: Match.anyValue(), HostedZoneId: Match.anyValue() },
    });
    const [[, record]] = resourcesOf(service(), 'AWS::Route53::RecordSet');
    expect(JSON.stringify(record.Properties!.AliasTarget)).toMatch(/LoadBalancer.*DNSName/);
  });

  test('the listener uses the certificate from the DNS stack', () => {
    const [[, listener]] = resourcesOf(service(), 'AWS::ElasticLoadBalancingV2::Listener');
    expect(JSON.stringify(listener.Properties!.Certificates)).toMatch(new RegExp(`Dev-ApiDns-${firstApi.name}.*SubdomainCertificate`));
  });

  test('each API\'s NLB admits the CIDRs of its callers, and of no other consumer', () => {
    const prod = stageNamed(stages(), 'prod');
    for (const api of prod.environment.apis) {
      const t = templateOf(prod.apis.get(api.name)!.service);
      const ingress = resourcesOf(t, 'AWS::EC2::SecurityGroup').flatMap(([, sg]) => (sg.Properties!.SecurityGroupIngress as { CidrIp: string }[]) ?? []);
      expect(ingress.map((r) => r.CidrIp).sort()).toEqual(callersOf(prod.environment, api).map((c) => c.cidr).sort());
    }
  });

  test.each(devEnv.apis.map((a) => [a.name, a]))('API %s: the image is a Docker asset of its runtime folder for the configured platform, staged without Docker', (_name, api) => {
    const assembly = exampleTestStages().app.synth();
    const stackArtifact = assembly.getNestedAssembly(dev().artifactId).getStackByName(dev().apis.get(api.name)!.service.stackName);
    const assetManifest = stackArtifact.dependencies.find((d) => d.id.endsWith('.assets'));
    expect(assetManifest).toBeDefined();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const manifest = require((assetManifest as unknown as { file: string }).file);
    const images = Object.values(manifest.dockerImages) as { source: { directory: string; platform: string; dockerFile?: string } }[];
    expect(images).toHaveLength(1);
    expect(images[0].source.platform).toBe(api.service.architecture === 'ARM64' ? 'linux/arm64' : 'linux/amd64');
    // Staged: the build context (Dockerfile and sources) was copied, nothing was built.
    const context = join(assembly.getNestedAssembly(dev().artifactId).directory, images[0].source.directory);
    const runtime = apiRuntimeOf(api);
    const dockerfile = join(context, images[0].source.dockerFile ?? 'Dockerfile');
    // The service's own folder inside the context (the context itself, or its folder under lib/runtime).
    const staged = runtime.image.file ? join(context, runtime.folder) : context;
    expect(images[0].source.dockerFile).toBe(runtime.image.file);
    expect(readdirSync(staged).sort()).toEqual(expect.arrayContaining(['Dockerfile', 'package-lock.json', 'package.json', 'src']));
    expect(readdirSync(staged)).not.toContain('node_modules');
    expect(readdirSync(staged)).not.toContain('test');
    // A context wider than the folder keeps out the other runtimes (their changes must not rebuild this image).
    if (runtime.image.file) expect(readdirSync(context)).not.toContain('graphql-resolver');
    // Docker Hub rate-limits anonymous pulls from CodeBuild's shared addresses.
    const bases = [...readFileSync(dockerfile, 'utf8').matchAll(/^FROM\s+(?:--\S+\s+)*(\S+)/gm)].map((m) => m[1]);
    expect(bases.length).toBeGreaterThan(0);
    for (const base of bases) expect(base).toMatch(/^public\.ecr\.aws\/docker\/library\//);
  });

  test('without a configured topic, alarms notify the stack\'s own encrypted, TLS-only topic', () => {
    const [[topicId, topic]] = resourcesOf(service(), 'AWS::SNS::Topic');
    expect(JSON.stringify(topic.Properties!.KmsMasterKeyId)).toMatch(/StackEncryptionKey/);
    service().hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    // The topic policy replaces SNS's default one, so CloudWatch needs its own allow;
    // test/access proves the publish together with the key policy.
    service().hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
        Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish',
        Condition: { StringEquals: { 'aws:SourceAccount': firstApi.account }, ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:eu-west-1:${firstApi.account}:alarm:*` } },
      })]) },
    });
    const alarms = resourcesOf(service(), 'AWS::CloudWatch::Alarm');
    expect(alarms).toHaveLength(5);
    for (const [, alarm] of alarms) expect(alarm.Properties!.AlarmActions).toEqual([{ Ref: topicId }]);
    service().hasOutput('AlarmTopicArn', { Value: { Ref: topicId } });
  });

  test('an ECR image from config replaces the asset', () => {
    const { stages: [ecrDev] } = buildTestStages(configWith((c) => {
      firstEnvironmentOnly(c);
      const api = c.environments[0].apis[0];
      api.service = { ...api.service, architecture: 'X86_64', image: { kind: 'ecr', repositoryName: 'team/internal-api', tag: 'v1.2.3' } };
    }));
    const t = templateOf(ecrDev.apis.get(firstApi.name)!.service);
    const [[, taskDef]] = resourcesOf(t, 'AWS::ECS::TaskDefinition');
    expect(JSON.stringify(taskDef.Properties!.ContainerDefinitions)).toMatch(new RegExp(`${firstApi.account}\\.dkr\\.ecr\\.eu-west-1\\..*team/internal-api:v1\\.2\\.3`));
    expect(taskDef.Properties!.RuntimePlatform).toEqual({ CpuArchitecture: 'X86_64', OperatingSystemFamily: 'LINUX' });
  });
});

describe('ApiService: caller identity', () => {
  test('every API of every environment knows exactly the roles the matrix lets call it, by name, and verifies with its region\'s STS', () => {
    for (const stage of stages()) {
      const env = exampleEnvironment(stage.node.id.toLowerCase());
      for (const api of env.apis) {
        const [[, task]] = resourcesOf(templateOf(stage.apis.get(api.name)!.service), 'AWS::ECS::TaskDefinition');
        const container = (task.Properties!.ContainerDefinitions as { Environment?: { Name: string; Value: string }[] }[])[0];
        const vars = Object.fromEntries((container.Environment ?? []).map((e) => [e.Name, e.Value]));
        const expected = callersOf(env, api).flatMap((c) => (['resolver', 'check'] as const).map((kind) => ({ consumer: c.name, account: c.account, role: callerRoleName(exampleConfig, env, c, api, kind) })));
        expect({ api: `${env.name}/${api.name}`, callers: JSON.parse(vars.CALLERS) }).toEqual({ api: `${env.name}/${api.name}`, callers: expected });
        expect([vars.API_NAME, vars.STS_REGION]).toEqual([api.name, exampleConfig.region]);
        // A consumer the matrix does not list for this API is absent (prod: reporting -/-> stock).
        for (const other of env.consumers.filter((c) => !c.calls.includes(api.name))) expect(vars.CALLERS).not.toContain(`"${other.name}"`);
      }
    }
  });

  test('the API\'s own mapping, read from its task definition, admits exactly the matrix\'s two roles per caller: any other role of a caller\'s account (it can make a token too) is refused', () => {
    // The API-side rule of caller identity, evaluated by the runtime's own function on the deployed value.
    for (const env of exampleConfig.environments) {
      const stage = stageNamed(stages(), env.name);
      for (const api of env.apis) {
        const [[, task]] = resourcesOf(templateOf(stage.apis.get(api.name)!.service), 'AWS::ECS::TaskDefinition');
        const container = (task.Properties!.ContainerDefinitions as { Environment: { Name: string; Value: string }[] }[])[0];
        const callers = loadRuntimeConfig(Object.fromEntries(container.Environment.map((e) => [e.Name, e.Value]))).callerIdentity!.callers;
        const session = (account: string, role: string) => `arn:aws:sts::${account}:assumed-role/${role}/session`;
        for (const consumer of env.consumers) {
          const listed = consumer.calls.includes(api.name);
          for (const kind of CALLER_KINDS) {
            const verdict = mapCaller(session(consumer.account, callerRoleName(exampleConfig, env, consumer, api, kind)), callers);
            expect({ api: api.name, consumer: consumer.name, kind, admitted: 'consumer' in verdict ? verdict.consumer : false }).toEqual({ api: api.name, consumer: consumer.name, kind, admitted: listed ? consumer.name : false });
          }
          // Another role of the same account, and this consumer's role for another API, are not callers of this API.
          expect(mapCaller(session(consumer.account, 'Admin'), callers)).toHaveProperty('status', 403);
          for (const other of env.apis.filter((a) => a !== api)) {
            expect(mapCaller(session(consumer.account, callerRoleName(exampleConfig, env, consumer, other, 'resolver')), callers)).toHaveProperty('status', 403);
          }
        }
      }
    }
  });

  test('its callers\' functions bind their tokens to it: API_AUDIENCE is the API\'s name on each resolver and health check', () => {
    for (const [consumerName, app] of dev().consumerApps) {
      const consumer = devEnv.consumers.find((c) => c.name === consumerName)!;
      const functions = resourcesOf(templateOf(app), 'AWS::Lambda::Function').filter(([id]) => /Graphql.*(Resolver|HealthCheck)[0-9A-F]{8}$/.test(id));
      expect(functions.length).toBe(2 * consumer.calls.length);
      for (const [id, fn] of functions) {
        const api = consumer.calls.find((name) => id.startsWith(`Graphql${name}`))!;
        expect((fn.Properties!.Environment as { Variables: Record<string, string> }).Variables.API_AUDIENCE).toBe(api);
      }
    }
  });

  test('a request metric per consumer, by dimension, from the request lines that name one', () => {
    const [[, filter]] = resourcesOf(service(), 'AWS::Logs::MetricFilter').filter(([, f]) => JSON.stringify(f.Properties).includes('RequestsByConsumer'));
    expect(filter.Properties!.FilterPattern).toContain('$.consumer');
    expect((filter.Properties!.MetricTransformations as { Dimensions: unknown[] }[])[0].Dimensions).toEqual([{ Key: 'Consumer', Value: '$.consumer' }]);
  });
});
