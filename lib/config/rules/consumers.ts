import { environmentField, ReportProblem } from '../errors';
import { AppConfig, ConsumerConfig } from '../types';
import { checkAccountId } from './accounts';

const CONSUMER_NAME = /^[a-z][a-z0-9-]{0,23}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** The key's construct id is `${name}ApiKey`: a name outside this set would change or break it. */
const KEY_NAME = /^[A-Za-z][A-Za-z0-9]{0,63}$/;
/** AppSync's quota of API keys per GraphQL API. */
const MAX_API_KEYS = 50;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Each environment's `consumers`: at least one, uniquely named, each with its account, the APIs it
 * calls (the access matrix: known names, at least one, every API called by someone) and its API
 * keys with API_KEY. Their CIDRs are network rules.
 */
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
      apiKeyRules(cat, consumer, report);
      callRules(`${cat}.calls`, consumer, env.apis.map((a) => a.name), report);
    });
    env.apis.forEach((api, ai) => {
      if (!env.consumers.some((c) => c.calls.includes(api.name))) {
        report(`${at}.apis[${ai}].name`, api.name, `no consumer calls this API: add "${api.name}" to the calls of a consumer that needs it, or remove the API.`);
      }
    });
  });
}

/** A consumer's `calls`: at least one API, each named once and existing in the environment. */
function callRules(at: string, consumer: ConsumerConfig, apiNames: readonly string[], report: ReportProblem): void {
  if (consumer.calls.length === 0) report(at, [], `list the APIs this consumer may call, at least one of: ${apiNames.join(', ')}.`);
  const seen = new Set<string>();
  consumer.calls.forEach((name, i) => {
    if (!apiNames.includes(name)) report(`${at}[${i}]`, name, `no API of this environment has that name; use one of: ${apiNames.join(', ')}.`);
    if (seen.has(name)) report(`${at}[${i}]`, name, 'listed twice; name each API once.');
    seen.add(name);
  });
}

/**
 * With API_KEY, the keys: 1 to 50, uniquely named, each expiring 1 to 365 days after now. AppSync
 * refuses a key outside that range when the stack is deployed (and the CDK throws without naming
 * the field), so a lapsed date fails here, at synth, with the fix.
 */
function apiKeyRules(at: string, consumer: ConsumerConfig, report: ReportProblem, now = Date.now()): void {
  const keys = consumer.apiKeys ?? [];
  if (consumer.graphqlAuth !== 'API_KEY') {
    if (consumer.apiKeys !== undefined) report(`${at}.apiKeys`, consumer.apiKeys, 'API keys need graphqlAuth "API_KEY"; set it, or remove apiKeys.');
    return;
  }
  if (keys.length === 0 || keys.length > MAX_API_KEYS) {
    report(`${at}.apiKeys`, consumer.apiKeys, `API_KEY authorization needs 1 to ${MAX_API_KEYS} keys, e.g. [{ "name": "Default", "expires": "YYYY-MM-DD" }]; without one AppSync creates a key that expires 7 days after the deploy.`);
  }
  const names = new Set<string>();
  keys.forEach((key, ki) => {
    const kat = `${at}.apiKeys[${ki}]`;
    if (!KEY_NAME.test(key.name)) report(`${kat}.name`, key.name, 'use letters and digits only, starting with a letter (at most 64).');
    if (names.has(key.name)) report(`${kat}.name`, key.name, 'key names must be unique within a consumer; rename one.');
    names.add(key.name);
    const expires = ISO_DATE.test(key.expires) ? Date.parse(`${key.expires}T00:00:00Z`) : Number.NaN;
    // The round trip also refuses a day the month does not have (2027-02-30).
    if (Number.isNaN(expires) || new Date(expires).toISOString().slice(0, 10) !== key.expires) {
      report(`${kat}.expires`, key.expires, 'give the expiry date as "YYYY-MM-DD".');
    } else if (expires - now < DAY_MS || expires - now > 365 * DAY_MS) {
      const earliest = new Date(now + 2 * DAY_MS).toISOString().slice(0, 10);
      const latest = new Date(now + 364 * DAY_MS).toISOString().slice(0, 10);
      report(`${kat}.expires`, key.expires, `AppSync accepts an expiry 1 to 365 days ahead: choose a date from ${earliest} to ${latest}${expires < now ? ' (this key has expired: add a new key, move the callers, then remove this one)' : ''}.`);
    }
  });
}
