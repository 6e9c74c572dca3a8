import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { exampleConfig } from '../../../lib/config/environments';
import { apiProfile, deployCommands, SERVICE_LINKED_ROLES } from '../../../tools/deploy/commands';
import { buildTestStages, exampleTestApp, memo } from '../../helpers';
import { privateLinkConfig } from '../../stages/privatelink-config';
import { latticeConfig } from '../../stages/lattice-config';

const commands = deployCommands(exampleConfig).filter((l) => l.startsWith('npx '));
const awsCommands = deployCommands(exampleConfig).filter((l) => l.startsWith('aws '));
/** Every stack of the example app, built on first use. */
const stacks = memo(() => exampleTestApp().app.node.findAll().filter((c): c is Stack => c instanceof Stack));
/** The account behind each profile name the commands use. */
const profileAccounts = new Map<string, string>([
  ['tools', exampleConfig.accounts.tools],
  ['network', exampleConfig.accounts.network],
  ['dns', exampleConfig.accounts.dns],
  ...exampleConfig.environments.flatMap((e) => [
    ...e.apis.map((a) => [apiProfile(e, a), a.account] as [string, string]),
    ...e.consumers.map((c) => [`${e.name}-${c.name}`, c.account] as [string, string]),
  ]),
]);

describe('deploy commands (docs/deploying.md)', () => {
  test('every account is bootstrapped once, trusting the tools account, with an explicit execution policy', () => {
    const bootstraps = commands.filter((c) => c.startsWith('npx cdk bootstrap'));
    expect(bootstraps).toHaveLength(profileAccounts.size);
    for (const line of bootstraps) {
      expect(line).toMatch(/--cloudformation-execution-policies arn:aws:iam::aws:policy\/\w+/);
      // The deploy role must read the shared parameters: the CLI's own template does not let it.
      expect(line).toContain(' --template cdk.out.bootstrap/template.yaml');
      if (!line.includes(`aws://${exampleConfig.accounts.tools}/`)) expect(line).toContain(`--trust ${exampleConfig.accounts.tools}`);
    }
  });

  test('each deploy names existing stacks of the profile\'s account, and only those (-e)', () => {
    const deploys = commands.filter((c) => c.startsWith('npx cdk deploy'));
    for (const line of deploys) {
      const profile = line.match(/--profile (\S+)/)![1];
      const patterns = [...line.matchAll(/'([^']+)'|deploy (?:-e )?(Pipeline)\b/g)].map((m) => m[1] ?? m[2]);
      expect(patterns.length).toBeGreaterThan(0);
      for (const pattern of patterns) {
        const stack = stacks().find((s) => s.node.path === pattern);
        expect({ pattern, found: !!stack }).toEqual({ pattern, found: true });
        expect({ pattern, account: stack!.account }).toEqual({ pattern, account: profileAccounts.get(profile) });
      }
      if (!line.includes('deploy Pipeline')) expect(line).toContain(' -e ');
    }
  });

  test('the manual order respects every stack dependency', () => {
    const order = commands.filter((c) => c.startsWith('npx cdk deploy -e')).flatMap((l) => [...l.matchAll(/'([^']+)'/g)].map((m) => m[1]));
    const topLevel = stacks().filter((s) => !s.node.path.startsWith('Pipeline'));
    expect(new Set(order)).toEqual(new Set(topLevel.map((s) => s.node.path)));
    for (const stack of topLevel) {
      for (const dependency of stack.dependencies) {
        expect({ stack: stack.node.path, dependencyFirst: order.indexOf(dependency.node.path) < order.indexOf(stack.node.path) }).toEqual({ stack: stack.node.path, dependencyFirst: true });
      }
    }
  });

  test('every API account gets the ECS and Application Auto Scaling service-linked roles, idempotently', () => {
    // One profile per distinct API account: the first API that uses it.
    const byAccount = new Map<string, string>();
    for (const e of exampleConfig.environments) for (const a of e.apis) if (!byAccount.has(a.account)) byAccount.set(a.account, apiProfile(e, a));
    const apiProfiles = [...byAccount.values()];
    expect(awsCommands).toHaveLength(apiProfiles.length * SERVICE_LINKED_ROLES.length);
    for (const profile of apiProfiles) {
      for (const [role, service] of SERVICE_LINKED_ROLES) {
        // Skipped when present: create-service-linked-role fails on an existing role.
        expect(awsCommands).toContain(`aws iam get-role --role-name ${role} --profile ${profile} >/dev/null 2>&1 || aws iam create-service-linked-role --aws-service-name ${service} --profile ${profile}`);
      }
    }
    expect(SERVICE_LINKED_ROLES.map(([, service]) => service)).toEqual(['ecs.amazonaws.com', 'ecs.application-autoscaling.amazonaws.com']);
  });

  test('docs/deploying.md shows exactly these commands', () => {
    const page = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'deploying.md'), 'utf8');
    for (const line of [...commands, ...awsCommands]) expect(page).toContain(line);
  });

  test('the narrower execution-policy guidance names the read CloudFormation makes with the execution role, and grants it no parameter reads', () => {
    const page = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'deploying.md'), 'utf8');
    // The execution-policy paragraph; the next one is about the deploy role.
    const guidance = page.slice(page.indexOf('customer-managed policy'), page.indexOf('\n\n', page.indexOf('customer-managed policy')));
    const bootstrap = page.slice(page.indexOf('## 1. Bootstrap'), page.indexOf('<!-- bootstrap-commands:start -->'));
    const assembly = exampleTestApp().app.synth();
    const templates = [...assembly.stacks, ...assembly.nestedAssemblies.flatMap((a) => a.nestedAssembly.stacks)].map((s) => ({ account: s.environment.account, template: s.template }));
    // Weak cross-stack references are resolved by CloudFormation with the stack's role.
    expect(templates.some(({ template }) => JSON.stringify(template).includes('"Fn::GetStackOutput"'))).toBe(true);
    expect(guidance).toContain('`cloudformation:DescribeStacks`');
    // Shared parameters of other accounts, read through SSM parameter types.
    const foreign = templates.flatMap(({ account, template }) => Object.values((template.Parameters ?? {}) as Record<string, { Type: string; Default?: string }>)
      .filter((p) => p.Type.startsWith('AWS::SSM::Parameter::Value') && p.Default?.startsWith('arn:') && p.Default.split(':')[4] !== account));
    expect(foreign.length).toBeGreaterThan(0);
    // Resolved at CreateChangeSet by the deploy role (the bootstrap template's statement), not here.
    expect(guidance).not.toContain('ssm:GetParameters');
    expect(bootstrap).toMatch(/`ReadSharedParameters`\) on its \*\*deploy role\*\*/);
  });

  test('npm run -s deploy-commands -- --config FILE prints the commands for that file\'s accounts', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'deploy-commands-')), 'mine.json');
    const mine = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'config', 'example.json'), 'utf8'));
    mine.environments[0].consumers[0].account = '999999999999';
    writeFileSync(file, JSON.stringify(mine));
    const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'tools/deploy/commands.ts', '--config', file], {
      cwd: join(__dirname, '..', '..', '..'),
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('npx cdk bootstrap aws://999999999999/eu-west-1 --profile dev-storefront --trust 111111111111');
    expect(result.stdout).not.toContain('aws://555555555555/');
    // The file travels with the repository (cdk.json), and every cdk command names it.
    expect(result.stdout).toContain(`"context": { "config": "${file}"`);
    const cdkLines = result.stdout.split('\n').filter((l) => l.startsWith('npx cdk '));
    expect(cdkLines.length).toBeGreaterThan(0);
    for (const line of cdkLines) expect(line).toMatch(new RegExp(` -c config=${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    expect(result.stdout).toContain(`npm run -s deploy-commands -- --config ${file} --bootstrap-template > cdk.out.bootstrap/template.yaml`);
  });
});

describe('deploy commands follow the connectivity mode', () => {
  test('a privatelink environment has no transit gateway stacks to deploy; a transit-gateway one keeps them', () => {
    const lines = deployCommands(privateLinkConfig);
    expect(lines.filter((l) => l.includes("'Dev/Transit"))).toEqual([]);
    expect(lines).toContain("npx cdk deploy -e 'Prod/TransitHub' --profile network");
    expect(lines).toContain("npx cdk deploy -e 'Prod/TransitRouting' --profile network");
    expect(lines).toContain("npx cdk deploy -e 'Dev/ConsumerApp-billing' --profile dev-billing");
  });

  test('a lattice environment deploys its service network first, and the manual order respects every stack dependency of it', () => {
    const order = deployCommands(latticeConfig).filter((c) => c.startsWith('npx cdk deploy -e')).flatMap((l) => [...l.matchAll(/'([^']+)'/g)].map((m) => m[1]));
    const { stages } = buildTestStages(latticeConfig);
    const all = stages.flatMap((stage) => stage.node.children.filter((c): c is Stack => c instanceof Stack));
    expect(new Set(order)).toEqual(new Set(all.map((s) => s.node.path)));
    expect(order).toContain('Dev/LatticeHub');
    expect(order.filter((p) => p.startsWith('Dev/Transit'))).toEqual([]);
    for (const stack of all) {
      for (const dependency of stack.dependencies) {
        expect({ stack: stack.node.path, dependencyFirst: order.indexOf(dependency.node.path) < order.indexOf(stack.node.path) }).toEqual({ stack: stack.node.path, dependencyFirst: true });
      }
    }
  });
});
