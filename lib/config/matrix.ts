import { ApiConfig, ConsumerConfig, EnvironmentConfig } from './types';

/**
 * The access matrix of an environment, read from `consumers[].calls`: who may call what. Every
 * layer that enforces it (transit routes, security groups, endpoints, shared parameters, GraphQL
 * fields, the health gate) asks these functions, so the layers cannot disagree. Order is config
 * order throughout, so construct ids and templates are stable.
 */

/** The environment's API named `name`; throws (validation reports an unknown name first). */
export function apiNamed(env: EnvironmentConfig, name: string): ApiConfig {
  const api = env.apis.find((a) => a.name === name);
  if (!api) throw new Error(`environment "${env.name}" has no API "${name}" (validation reports this first).`);
  return api;
}

/** The APIs `consumer` may call, in the order of `apis`. */
export function apisCalledBy(env: EnvironmentConfig, consumer: ConsumerConfig): ApiConfig[] {
  return env.apis.filter((api) => consumer.calls.includes(api.name));
}

/** The consumers that may call `api`, in the order of `consumers`. */
export function callersOf(env: EnvironmentConfig, api: ApiConfig): ConsumerConfig[] {
  return env.consumers.filter((consumer) => consumer.calls.includes(api.name));
}
