import { prefixedFieldName } from '../../runtime/graphql-resolver/src/graphql-prefix';
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

/** A lowercase word: it starts the API's Query fields as is, and its types capitalised. */
const GRAPHQL_PREFIX = /^[a-z][a-z0-9]{0,19}$/;

/** A prefix made from an API's name, for the messages' examples. */
function prefixFor(apiName: string): string {
  return apiName.replace(/[^a-z0-9]/g, '').slice(0, 20) || 'archive';
}

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
    /** The APIs whose runtime folder loaded and whose prefix, if any, is well-formed. */
    const runtimes = new Set<string>();
    env.apis.forEach((api, ai) => {
      const aat = `${at}.apis[${ai}]`;
      checkAccountId(`${aat}.account`, api.account, report);
      if (!API_NAME.test(api.name)) {
        report(`${aat}.name`, api.name, 'use 1-16 lowercase letters, digits or dashes, starting with a letter; it names the API\'s stacks and parameters.');
      }
      if (api.graphqlPrefix !== undefined && !GRAPHQL_PREFIX.test(api.graphqlPrefix)) {
        report(`${aat}.graphqlPrefix`, api.graphqlPrefix, `use a lowercase word: 1-20 lowercase letters or digits, starting with a letter (e.g. "${prefixFor(api.name)}"); it starts this API's GraphQL names (${prefixFor(api.name)}Item).`);
      }
      if (names.has(api.name)) report(`${aat}.name`, api.name, 'API names must be unique within an environment; rename one.');
      names.add(api.name);
      const runtime = api.runtime ?? DEFAULT_API_RUNTIME;
      if (!/^[a-z0-9][a-z0-9-]*$/.test(runtime)) {
        report(`${aat}.runtime`, api.runtime, `name a folder of lib/runtime that holds an API, e.g. "${DEFAULT_API_RUNTIME}".`);
      } else {
        try {
          loadApiRuntime(runtime);
          // A malformed prefix is reported above; the collisions it would cause are beside the point.
          if (api.graphqlPrefix === undefined || GRAPHQL_PREFIX.test(api.graphqlPrefix)) runtimes.add(api.name);
        } catch (e) {
          report(`${aat}.runtime`, api.runtime, `${(e as Error).message} Name a folder of lib/runtime that holds an API (e.g. "${DEFAULT_API_RUNTIME}"), or add its api-runtime.json.`);
        }
      }
    });
    // One GraphQL schema per consumer: the fragments of the APIs it calls, as each API serves them
    // (prefixed or not), must not collide. One problem per pair of APIs, however many names meet.
    const reported = new Set<string>();
    env.consumers.forEach((consumer, ci) => {
      const owners = new Map<string, string>();
      const clashes = new Map<string, { readonly first: string; readonly second: string; readonly names: string[] }>();
      for (const api of apisCalledBy(env, consumer).filter((a) => runtimes.has(a.name))) {
        const graphql = apiRuntimeOf(api).graphql;
        for (const name of [...graphql.typeNames.map((t) => `type ${t}`), ...graphql.queryFields.map((f) => `field Query.${f}`)]) {
          const other = owners.get(name);
          if (other !== undefined && other !== api.name) {
            const pair = `${other} ${api.name}`;
            if (!clashes.has(pair)) clashes.set(pair, { first: other, second: api.name, names: [] });
            clashes.get(pair)!.names.push(name);
          }
          owners.set(name, api.name);
        }
      }
      for (const { first, second, names } of clashes.values()) {
        const index = (name: string) => env.apis.findIndex((a) => a.name === name);
        // A prefix in play is where the fix goes: the later API's if both have one.
        const prefixed = [second, first].map(index).find((i) => env.apis[i].graphqlPrefix !== undefined);
        if (prefixed !== undefined) {
          const key = `${prefixed} ${[first, second].sort().join(' ')}`;
          if (reported.has(key)) continue;
          reported.add(key);
          report(`${at}.apis[${prefixed}].graphqlPrefix`, env.apis[prefixed].graphqlPrefix,
            `with this prefix, APIs "${first}" and "${second}" both declare GraphQL ${names.join(', ')}, and consumer "${consumer.name}" serves both in one schema; choose another prefix for one of them.`);
        } else {
          const example = prefixFor(second);
          const field = names.find((n) => n.startsWith('field Query.'))?.slice('field Query.'.length);
          const renamed = field === undefined ? '' : ` (its Query.${field} becomes ${prefixedFieldName(field, example)})`;
          report(`${at}.consumers[${ci}].calls`, consumer.calls,
            `APIs "${first}" and "${second}" both declare GraphQL ${names.join(', ')}, and one consumer serves both in one schema; set graphqlPrefix on one of them, ` +
              `e.g. ${at}.apis[${index(second)}].graphqlPrefix = "${example}"${renamed}, or call only one of them.`);
        }
      }
    });
  });
}
