import { ReportProblem } from '../errors';
import { AppConfig } from '../types';

const ACCOUNT_ID = /^\d{12}$/;

/** Reports `value` at `field` unless it is an AWS account id. */
export function checkAccountId(field: string, value: string, report: ReportProblem): void {
  if (!ACCOUNT_ID.test(value)) report(field, value, 'an AWS account id is exactly 12 digits, e.g. "111111111111"; quote it as a string so leading zeros survive.');
}

/** `accounts`: the once-per-organisation accounts. The per-environment ones are checked with their section. */
export function accountRules(config: AppConfig, report: ReportProblem): void {
  checkAccountId('accounts.tools', config.accounts.tools, report);
  checkAccountId('accounts.network', config.accounts.network, report);
  checkAccountId('accounts.dns', config.accounts.dns, report);
}
