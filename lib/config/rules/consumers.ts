import { environmentField, ReportProblem } from '../errors';
import { AppConfig } from '../types';
import { checkAccountId } from './accounts';

const CONSUMER_NAME = /^[a-z][a-z0-9-]{0,23}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Each environment's `consumers`: at least one, uniquely named, each with its account (and key expiry with API_KEY). Their CIDRs are network rules. */
export function consumerRules(config: AppConfig, report: ReportProblem): void {
  config.environments.forEach((env, index) => {
    const at = environmentField(env, index);
    if (env.consumers.length === 0) {
      report(`${at}.consumers`, [], 'list at least one consumer account: the API exists to be called from one.');
    }
    const names = new Set<string>();
    env.consumers.forEach((consumer, ci) => {
      const cat = `${at}.consumers[${ci}]`;
      checkAccountId(`${cat}.account`, consumer.account, report);
      if (!CONSUMER_NAME.test(consumer.name)) {
        report(`${cat}.name`, consumer.name, 'use 1-24 lowercase letters, digits or dashes, starting with a letter; it names the consumer\'s stacks.');
      }
      if (names.has(consumer.name)) report(`${cat}.name`, consumer.name, 'consumer names must be unique within an environment; rename one.');
      names.add(consumer.name);
      if (consumer.graphqlAuth === 'API_KEY' && !(consumer.apiKeyExpires && ISO_DATE.test(consumer.apiKeyExpires) && !Number.isNaN(Date.parse(consumer.apiKeyExpires)))) {
        report(`${cat}.apiKeyExpires`, consumer.apiKeyExpires, 'API_KEY authorization needs the key\'s expiry date as "YYYY-MM-DD" (at most 365 days after the deploy); renew by moving the date and deploying.');
      }
    });
  });
}
