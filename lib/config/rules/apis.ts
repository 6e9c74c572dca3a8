import { apiRuntimeOf, DEFAULT_API_RUNTIME, loadApiRuntime } from '../api-runtime';
import { environmentField, ReportProblem } from '../errors';
import { apisCalledBy } from '../matrix';
import { AppConfig } from '../types';
import { checkAccountId } from './accounts';

/**
 * 16 characters at most: with projectName (24) and the environment's name (16) the API's
 * delegation provider role name (`<project>-<env>-<api>-dns`) stays within IAM's 64.
 */
const API_NAME = /^[a-z][a-z0-9-]{0,15}$/;

/**
 * Each environment's `apis`: at least one, uniquely named, each with its account and a runtime
 * folder that exists. The one rule that reads beyond its argument: a runtime folder is code in
 * this repository, and a misspelt one must fail here rather than as a missing Docker context.
 */
export function apiRules(config: AppConfig, report: ReportProblem): void {
  config.environments.forEach((env, index) => {
    const at = environmentField(env, index);
    if (env.apis.length === 0) report(`${at}.apis`, [], 'list at least one API: an environment exists to serve one, e.g. [{ "name": "catalogue", ... }].');
    const names = new Set<string>();
    /** The APIs whose runtime folder loaded. */
    const runtimes = new Set<string>();
    env.apis.forEach((api, ai) => {
      const aat = `${at}.apis[${ai}]`;
      checkAccountId(`${aat}.account`, api.account, report);
      if (!API_NAME.test(api.name)) {
        report(`${aat}.name`, api.name, 'use 1-16 lowercase letters, digits or dashes, starting with a letter; it names the API\'s stacks and parameters.');
      }
      if (names.has(api.name)) report(`${aat}.name`, api.name, 'API names must be unique within an environment; rename one.');
      names.add(api.name);
      const runtime = api.runtime ?? DEFAULT_API_RUNTIME;
      if (!/^[a-z0-9][a-z0-9-]*$/.test(runtime)) {
        report(`${aat}.runtime`, api.runtime, `name a folder of lib/runtime that holds an API, e.g. "${DEFAULT_API_RUNTIME}".`);
      } else {
        try {
          loadApiRuntime(runtime);
          runtimes.add(api.name);
        } catch (e) {
          report(`${aat}.runtime`, api.runtime, `${(e as Error).message} Name a folder of lib/runtime that holds an API (e.g. "${DEFAULT_API_RUNTIME}"), or add its api-runtime.json.`);
        }
      }
    });
    // One GraphQL schema per consumer: the fragments of the APIs it calls must not collide.
    env.consumers.forEach((consumer, ci) => {
      const owners = new Map<string, string>();
      for (const api of apisCalledBy(env, consumer).filter((a) => runtimes.has(a.name))) {
        const graphql = apiRuntimeOf(api).graphql;
        for (const name of [...graphql.typeNames.map((t) => `type ${t}`), ...graphql.queryFields.map((f) => `field Query.${f}`)]) {
          const other = owners.get(name);
          if (other !== undefined) {
            report(`${at}.consumers[${ci}].calls`, consumer.calls, `APIs "${other}" and "${api.name}" both declare GraphQL ${name}, and one consumer serves both in one schema; call only one of them, or rename the ${name.split(' ')[0]} in one API's fragment.`);
          }
          owners.set(name, api.name);
        }
      }
    });
  });
}
