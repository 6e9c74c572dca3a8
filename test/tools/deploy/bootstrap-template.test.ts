import { exampleConfig } from '../../../lib/config/environments';
import { configWith, exampleTestApp } from '../../helpers';
import { bootstrapTemplate, cliBootstrapTemplate, SHARED_PARAMETER_SID } from '../../../tools/deploy/bootstrap-template';
import { stacksOf } from '../../../tools/access-sim/assembly-index';
import { deployRoleArn, deployRolePolicies } from '../../../tools/access-sim/deploy-role';
import { evaluate } from '../../../tools/access-sim/simulate';

/** Every SSM parameter ARN a template resolves at CreateChangeSet, with the stack's account and region. */
function referencedParameters() {
  return stacksOf(exampleTestApp().app).flatMap((stack) => Object.values((stack.template.Parameters ?? {}) as Record<string, { Type: string; Default?: string }>)
    .filter((p) => p.Type.startsWith('AWS::SSM::Parameter::Value') && p.Default?.startsWith('arn:'))
    .map((p) => ({ stack, arn: p.Default! })));
}

/** Whether the deploy role of `template` may resolve `arn` for a stack in `account`. */
async function deployRoleReads(template: string, account: string, region: string, arn: string): Promise<string> {
  const { decision } = await evaluate({
    call: 'change set resolves a parameter', principal: deployRoleArn(account, region), action: 'ssm:GetParameters', resource: arn, resourceAccount: arn.split(':')[4],
    identityPolicies: deployRolePolicies(template, account, region),
    // The RAM share admits the reader account (checked by the access simulation); here: the identity side.
    resourcePolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'ssm:GetParameters', Resource: arn }] },
    expected: 'allowed',
  });
  return decision;
}

describe('the bootstrap template', () => {
  const template = bootstrapTemplate(exampleConfig);

  test('is the CLI\'s own template plus one deploy-role statement reading the project\'s parameters', () => {
    const cli = cliBootstrapTemplate().split('\n');
    const added = template.split('\n').filter((line) => !cli.includes(line));
    expect(template.split('\n').length - cli.length).toBe(9);
    expect(added.join('\n')).toContain(`- Sid: ${SHARED_PARAMETER_SID}`);
    const statement = deployRolePolicies(template, '555555555555', 'eu-west-1').flatMap((p) => p.policy.Statement).find((s) => s.Sid === SHARED_PARAMETER_SID);
    expect(statement).toEqual({ Sid: SHARED_PARAMETER_SID, Effect: 'Allow', Action: ['ssm:GetParameter', 'ssm:GetParameters'], Resource: [`arn:aws:ssm:eu-west-1:*:parameter/${exampleConfig.projectName}/*`] });
  });

  test('lets each stack\'s deploy role resolve every shared parameter the templates reference; the CLI\'s template does not', async () => {
    const references = referencedParameters();
    // Cross-account reads through RAM are the ones the fix is for: the example must have them.
    expect(references.filter(({ stack, arn }) => arn.split(':')[4] !== stack.account).length).toBeGreaterThan(0);
    for (const { stack, arn } of references) {
      expect({ arn, decision: await deployRoleReads(template, stack.account, stack.region, arn) }).toEqual({ arn, decision: 'allowed' });
      expect({ arn, decision: await deployRoleReads(cliBootstrapTemplate(), stack.account, stack.region, arn) }).toEqual({ arn, decision: 'denied' });
    }
  });

  test('lets the deploy role read only the configured project\'s parameters, whatever the project is called', async () => {
    const other = bootstrapTemplate(configWith((c) => { c.projectName = 'payments'; }));
    const arn = `arn:aws:ssm:eu-west-1:222222222222:parameter/${exampleConfig.projectName}/dev/transit-gateway-id`;
    expect(await deployRoleReads(template, '444444444444', 'eu-west-1', arn)).toBe('allowed');
    expect(await deployRoleReads(other, '444444444444', 'eu-west-1', arn)).toBe('denied');
    expect(await deployRoleReads(other, '444444444444', 'eu-west-1', arn.replace(`/${exampleConfig.projectName}/`, '/payments/'))).toBe('allowed');
  });

  test('fails, naming the fix, when the CLI\'s template no longer has the statement it anchors on', () => {
    expect(() => bootstrapTemplate(exampleConfig, cliBootstrapTemplate().replace('Sid: ReadVersion', 'Sid: Renamed'))).toThrow(/no "ReadVersion" statement: its layout changed; place the ReadSharedParameters statement on the deploy role by hand/);
  });
});
