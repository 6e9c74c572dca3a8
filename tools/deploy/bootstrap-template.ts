/**
 * The bootstrap template every account is bootstrapped with: the installed CDK CLI's own template
 * plus one statement on its deploy role, so `cdk bootstrap --template` changes nothing else and
 * follows the CLI when it is upgraded (`npm run -s deploy-commands -- --bootstrap-template`).
 *
 * Why the deploy role: CloudFormation resolves `AWS::SSM::Parameter::Value<String>` template
 * parameters during CreateChangeSet with the caller's credentials, and the caller is the bootstrap
 * deploy role (`cdk-<qualifier>-deploy-role-*`: the pipeline's deploy actions and `cdk deploy` both
 * assume it), not the execution role CloudFormation passes to resources. The CLI's template lets
 * that role read only the bootstrap version parameter (its `ReadVersion` statement: "CreateChangeSet
 * uses this to evaluate any SSM parameters"), so every stack reading a shared parameter would fail
 * its change set with AccessDenied on ssm:GetParameters.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AppConfig } from '../../lib/config/types';

/** Where the printed commands write the template (cdk.out.*: ignored by git, regenerated at will). */
export const BOOTSTRAP_TEMPLATE_FILE = 'cdk.out.bootstrap/template.yaml';

/** The Sid of the added statement, for readers of the deployed role and for the tests. */
export const SHARED_PARAMETER_SID = 'ReadSharedParameters';

/** The installed CLI's bootstrap template: the one `cdk bootstrap` deploys without `--template`. */
export function cliBootstrapTemplate(): string {
  return readFileSync(join(dirname(require.resolve('aws-cdk/package.json')), 'lib', 'api', 'bootstrap', 'bootstrap-template.yaml'), 'utf8');
}

/**
 * The parameters the deploy role may read: the project's, in the bootstrapped region, in any
 * account. The account is a wildcard because the parameters live in the accounts that write them
 * (network, api, consumers) and reach the reader through a RAM share; the share's principals (the
 * reader accounts, see lib/config/shared-parameters.ts) stay the boundary of who can read what.
 */
export function sharedParameterResource(config: AppConfig): string {
  return `arn:\${AWS::Partition}:ssm:\${AWS::Region}:*:parameter/${config.projectName}/*`;
}

/** The CLI's deploy-role statement the added one goes before (its own reason for SSM reads). */
const ANCHOR = '              - Sid: ReadVersion\n';

/** The CLI's template with {@link SHARED_PARAMETER_SID} added to the deploy role's policy. */
export function bootstrapTemplate(config: AppConfig, source: string = cliBootstrapTemplate()): string {
  const at = source.indexOf(ANCHOR);
  if (at === -1 || source.indexOf(ANCHOR, at + 1) !== -1) {
    throw new Error(`the CDK CLI's bootstrap template has ${at === -1 ? 'no' : 'more than one'} "ReadVersion" statement: its layout changed; place the ${SHARED_PARAMETER_SID} statement on the deploy role by hand and update tools/deploy/bootstrap-template.ts.`);
  }
  const statement = [
    `              # Added by ${config.projectName} (tools/deploy/bootstrap-template.ts): CreateChangeSet resolves`,
    '              # the shared parameters (AWS::SSM::Parameter::Value<String>) with this role.',
    `              - Sid: ${SHARED_PARAMETER_SID}`,
    '                Effect: Allow',
    '                Action:',
    '                  - ssm:GetParameter',
    '                  - ssm:GetParameters',
    '                Resource:',
    `                  - Fn::Sub: "${sharedParameterResource(config)}"`,
    '',
  ].join('\n');
  return source.slice(0, at) + statement + source.slice(at);
}
